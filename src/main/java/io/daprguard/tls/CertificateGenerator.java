package io.daprguard.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates the server's local CA and the serving certificates it issues, and writes them as PEM
 * files. Pure Bouncy Castle on top of the JDK's default JCA providers (no provider is registered
 * globally), no Spring.
 *
 * <p>Keys are ECDSA P-256. Both certificates are backdated by {@link #CLOCK_SKEW_ALLOWANCE} so that
 * clients whose clocks run slightly behind still accept them, and carry a random positive 159-bit
 * serial number (RFC 5280 allows at most 20 octets).
 */
public final class CertificateGenerator {

    /** How far {@code notBefore} is set into the past to tolerate clock skew between hosts. */
    public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(5);

    private static final String ORGANIZATION = "dapr-guard";

    private static final String CA_COMMON_NAME = "dapr-guard local CA";

    private final Clock clock;

    private final SecureRandom random;

    /** A generator using the system clock and a default {@link SecureRandom}. */
    public CertificateGenerator() {
        this(Clock.systemUTC(), new SecureRandom());
    }

    /**
     * @param clock source of "now" for validity periods
     * @param random source of key material and serial numbers
     */
    public CertificateGenerator(Clock clock, SecureRandom random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Creates a self-signed CA: BasicConstraints CA:true with path length 0 (critical), KeyUsage
     * keyCertSign and cRLSign (critical), and a SubjectKeyIdentifier.
     *
     * @param validity how long the CA is valid from now
     * @return the CA certificate and its private key
     * @throws TlsCertificateException if the JDK cannot create the key or signature
     */
    public CertificateAndKey generateCertificateAuthority(Duration validity) {
        requirePositive(validity, "validity");
        KeyPair keyPair = generateKeyPair();
        Instant now = clock.instant();
        X500Name subject = name(CA_COMMON_NAME);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serialNumber(),
                    Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)), Date.from(now.plus(validity)), subject,
                    keyPair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
            X509Certificate certificate = sign(builder, keyPair.getPrivate());
            return new CertificateAndKey(certificate, keyPair.getPrivate());
        }
        catch (GeneralSecurityException | IOException | OperatorCreationException ex) {
            throw new TlsCertificateException("Cannot generate the CA certificate: " + ex.getMessage(), ex);
        }
    }

    /**
     * Issues a serving certificate from {@code ca} for a fresh key pair. Its SubjectAlternativeName
     * holds exactly {@link ServingNames#dnsNames(Collection) ServingNames.dnsNames(extraDnsNames)} and
     * {@link ServingNames#IP_ADDRESSES}; it has ExtendedKeyUsage serverAuth, KeyUsage digitalSignature
     * (plus keyEncipherment for RSA keys), BasicConstraints CA:false, and Subject/Authority key
     * identifiers. It never outlives the CA.
     *
     * @param ca the issuing CA
     * @param extraDnsNames DNS names to cover besides {@code localhost}
     * @param validity how long the certificate is valid from now (capped at the CA's expiry)
     * @return the serving certificate and its private key
     * @throws TlsCertificateException if the JDK cannot create the key or signature
     * @throws IllegalArgumentException if a DNS name is not valid
     */
    public CertificateAndKey issueServingCertificate(CertificateAndKey ca, Collection<String> extraDnsNames,
            Duration validity) {
        Objects.requireNonNull(ca, "ca");
        requirePositive(validity, "validity");
        Set<String> dnsNames = ServingNames.dnsNames(extraDnsNames);
        KeyPair keyPair = generateKeyPair();
        Instant now = clock.instant();
        Instant caNotBefore = ca.certificate().getNotBefore().toInstant();
        Instant caNotAfter = ca.certificate().getNotAfter().toInstant();
        Instant notBefore = latest(now.minus(CLOCK_SKEW_ALLOWANCE), caNotBefore);
        Instant notAfter = earliest(now.plus(validity), caNotAfter);
        if (!notAfter.isAfter(now)) {
            throw new TlsCertificateException("Cannot issue a serving certificate: the CA "
                    + ca.certificate().getSubjectX500Principal().getName() + " expired at " + caNotAfter);
        }
        List<GeneralName> alternativeNames = new ArrayList<>();
        dnsNames.forEach((dnsName) -> alternativeNames.add(new GeneralName(GeneralName.dNSName, dnsName)));
        ServingNames.IP_ADDRESSES.forEach((ip) -> alternativeNames.add(new GeneralName(GeneralName.iPAddress, ip)));
        int keyUsage = KeyUsage.digitalSignature;
        if ("RSA".equals(keyPair.getPublic().getAlgorithm())) {
            keyUsage |= KeyUsage.keyEncipherment;
        }
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serialNumber(),
                    Date.from(notBefore), Date.from(notAfter), name(commonName(dnsNames)),
                    keyPair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(alternativeNames.toArray(GeneralName[]::new)))
                .addExtension(Extension.subjectKeyIdentifier, false,
                        extensions.createSubjectKeyIdentifier(keyPair.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(ca.certificate(), extensions));
            return new CertificateAndKey(sign(builder, ca.privateKey()), keyPair.getPrivate());
        }
        catch (GeneralSecurityException | IOException | OperatorCreationException ex) {
            throw new TlsCertificateException("Cannot issue the serving certificate: " + ex.getMessage(), ex);
        }
    }

    /**
     * Writes a CA as {@code ca.key} (first) and {@code ca.crt}, creating the directory if needed.
     *
     * @param ca the CA
     * @param files where to write
     * @throws IOException if a file cannot be written
     */
    public void writeCertificateAuthority(CertificateAndKey ca, CertificateFiles files) throws IOException {
        PemFiles.createDirectories(files.directory());
        PemFiles.writePrivateKey(files.caKey(), ca.privateKey());
        PemFiles.writeCertificates(files.caCertificate(), List.of(ca.certificate()));
    }

    /**
     * Writes a serving certificate as {@code tls.key} (first) and {@code tls.crt}, creating the
     * directory if needed. {@code tls.crt} holds the leaf only: clients trust the CA from
     * {@code ca.crt}.
     *
     * @param serving the serving certificate and key
     * @param files where to write
     * @throws IOException if a file cannot be written
     */
    public void writeServingCertificate(CertificateAndKey serving, CertificateFiles files) throws IOException {
        PemFiles.createDirectories(files.directory());
        PemFiles.writePrivateKey(files.servingKey(), serving.privateKey());
        PemFiles.writeCertificates(files.servingCertificate(), List.of(serving.certificate()));
    }

    private X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(Keys.signatureAlgorithm(issuerKey)).setSecureRandom(random)
            .build(issuerKey);
        X509CertificateHolder holder = builder.build(signer);
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    /**
     * The key identifier of the issuer: its own SubjectKeyIdentifier when it has one (so the link
     * holds for CAs made by other tools), else one computed from its public key. Key id only, no
     * issuer name and serial, so that a CA re-issued with the same key still matches.
     */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate issuer,
            JcaX509ExtensionUtils extensions) throws IOException {
        byte[] extensionValue = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extensionValue == null) {
            return extensions.createAuthorityKeyIdentifier(issuer.getPublicKey());
        }
        SubjectKeyIdentifier subjectKeyIdentifier = SubjectKeyIdentifier
            .getInstance(JcaX509ExtensionUtils.parseExtensionValue(extensionValue));
        return new AuthorityKeyIdentifier(subjectKeyIdentifier.getKeyIdentifier());
    }

    private KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        }
        catch (GeneralSecurityException ex) {
            throw new TlsCertificateException("Cannot generate an EC P-256 key pair: " + ex.getMessage(), ex);
        }
    }

    private BigInteger serialNumber() {
        // 159 random bits with the top one set: positive, 20 octets in DER, never zero.
        return new BigInteger(159, random).setBit(158);
    }

    /** The first configured name, which is the most descriptive one; {@code localhost} if there is none. */
    private static String commonName(Set<String> dnsNames) {
        return dnsNames.stream()
            .filter((name) -> !ServingNames.DNS_NAMES.contains(name))
            .findFirst()
            .orElse(ServingNames.DNS_NAMES.get(0));
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION)
            .addRDN(BCStyle.CN, commonName)
            .build();
    }

    private static void requirePositive(Duration validity, String name) {
        Objects.requireNonNull(validity, name);
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + validity);
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}

package io.daprguard.tls;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Helpers shared by the TLS tests. Checks use only the JDK so they verify the production code
 * independently; client certificates (which production never issues) are made with Bouncy Castle.
 */
final class TlsTestSupport {

    static final Duration CA_VALIDITY = Duration.ofDays(3650);

    static final Duration SERVING_VALIDITY = Duration.ofDays(365);

    static final List<String> CLUSTER_DNS_NAMES = List.of("dapr-guard.dapr-guard.svc",
            "dapr-guard.dapr-guard.svc.cluster.local");

    private TlsTestSupport() {
    }

    static TlsProperties properties(Path dir, boolean generate, List<String> dnsNames) {
        return new TlsProperties(dir, generate, dnsNames, CA_VALIDITY, SERVING_VALIDITY, Duration.ofSeconds(10), null);
    }

    /** A reloader for {@code dir} without client authentication, with its own meter registry. */
    static CertificateReloader reloader(Path dir) {
        return new CertificateReloader(new CertificateFiles(dir), null, new PemSslBundleLoader(),
                new ServingCertificate(), new CertificateMetrics(new SimpleMeterRegistry()));
    }

    /** Parses a PEM certificate file with the JDK's own X.509 parser. */
    static X509Certificate certificate(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Parses an unencrypted PKCS#8 {@code PRIVATE KEY} PEM file with the JDK only, failing for any other form. */
    static PrivateKey pkcs8PrivateKey(Path file, String algorithm) throws Exception {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (!pem.startsWith("-----BEGIN PRIVATE KEY-----\n") || !pem.strip().endsWith("-----END PRIVATE KEY-----")) {
            throw new AssertionError(file + " is not a PKCS#8 PRIVATE KEY PEM file");
        }
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** Whether the private key signs what the public key verifies. */
    static boolean keyPairMatches(PrivateKey privateKey, PublicKey publicKey) throws Exception {
        byte[] data = "dapr-guard".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(data);
        return verifier.verify(signature);
    }

    /** A client SSL context whose only trust anchor is the given CA certificate. */
    static SSLContext trustingOnly(X509Certificate ca) throws Exception {
        return clientContext(null, ca);
    }

    /**
     * A client SSL context whose only trust anchor is {@code serverCa} and which presents
     * {@code clientCertificate} (with its key) when the server asks for a client certificate.
     */
    static SSLContext presenting(CertificateAndKey clientCertificate, X509Certificate serverCa) throws Exception {
        return clientContext(clientCertificate, serverCa);
    }

    private static SSLContext clientContext(CertificateAndKey clientCertificate, X509Certificate serverCa)
            throws Exception {
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("dapr-guard-ca", serverCa);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trustStore);
        KeyManager[] keyManagers = null;
        if (clientCertificate != null) {
            char[] password = "test".toCharArray();
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("client", clientCertificate.privateKey(), password,
                    new Certificate[] { clientCertificate.certificate() });
            KeyManagerFactory keyManagerFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagerFactory.init(keyStore, password);
            keyManagers = keyManagerFactory.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers.getTrustManagers(), null);
        return context;
    }

    /**
     * Issues a TLS client certificate (EKU clientAuth, EC P-256) from {@code ca}, valid for a day. The
     * production code only ever issues serving certificates, so this lives in the tests.
     */
    static CertificateAndKey clientCertificate(CertificateAndKey ca, String commonName) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keyPair = generator.generateKeyPair();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(),
                new BigInteger(64, new SecureRandom()).setBit(63), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(1))), new X500Principal("CN=" + commonName + ",O=dapr-guard tests"),
                keyPair.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        X509Certificate certificate = new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.privateKey())));
        return new CertificateAndKey(certificate, keyPair.getPrivate());
    }

    /** PEM {@code CERTIFICATE} blocks, as a file would hold them. */
    static byte[] pem(X509Certificate... certificates) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            pem.append(pemBlock("CERTIFICATE", certificate.getEncoded()));
        }
        return pem.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A PKCS#8 {@code PRIVATE KEY} PEM block. */
    static byte[] pem(PrivateKey key) {
        return pemBlock("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
    }

    private static String pemBlock(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The serial number of the certificate a fresh TLS handshake with {@code localhost:port} presents. */
    static BigInteger servedSerial(int port, X509Certificate ca) throws Exception {
        // A new SSLContext each time: no cached session can be resumed, so this is always a full handshake.
        SSLContext context = trustingOnly(ca);
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("localhost", port), (int) Duration.ofSeconds(30).toMillis());
            plain.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
        }
    }
}

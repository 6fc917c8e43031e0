package io.daprguard.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the TLS files in {@link TlsProperties#dir()} exist and are usable before the server loads them.
 * With generation off they are used as provided (missing files or a mismatched pair fail start-up; expiry is
 * only warned about). With generation on (local runs) a serving pair that is missing, expiring, mismatched or
 * for other names is re-issued from the existing CA, so the {@code caBundle} already registered stays valid;
 * only an expiring CA or an incomplete set of files leads to a new CA. A CA that is present but unreadable, not
 * a CA, or whose key does not match is never replaced automatically, since that would silently invalidate every
 * {@code caBundle} that trusts it: start-up fails instead. Never logs key material.
 */
public final class CertificateProvisioner {

    /** Certificates expiring within this window are treated as expiring: re-issued or warned about. */
    public static final Duration RENEWAL_WINDOW = Duration.ofHours(24);

    private static final String GENERATE_PROPERTY = "dapr-guard.tls.generate";

    private static final Logger log = LoggerFactory.getLogger(CertificateProvisioner.class);

    /** What {@link #ensureCertificates()} did. */
    public enum Outcome {
        /** The files on disk were used unchanged. */
        USED_EXISTING,
        /** A new CA and serving certificate were generated. */
        GENERATED,
        /** The existing CA was kept and a new serving certificate issued from it. */
        REISSUED_SERVING_CERTIFICATE
    }

    /**
     * The state of the files after {@link #ensureCertificates()}.
     *
     * @param outcome what was done
     * @param caCertificate the CA certificate in {@code ca.crt}
     * @param servingCertificate the leaf certificate in {@code tls.crt}
     */
    public record Result(Outcome outcome, X509Certificate caCertificate, X509Certificate servingCertificate) {
    }

    private final TlsProperties properties;

    private final CertificateFiles files;

    /** Created when a certificate is to be made: it loads Bouncy Castle, which reading existing files never does. */
    private CertificateGenerator generator;

    private final Clock clock;

    private final Set<String> expectedAlternativeNames;

    /**
     * @param properties the TLS settings
     */
    public CertificateProvisioner(TlsProperties properties) {
        this(properties, Clock.systemUTC());
    }

    /**
     * @param properties the TLS settings
     * @param clock source of "now" for expiry checks and new certificates
     * @throws IllegalArgumentException if a configured DNS name is not valid
     */
    public CertificateProvisioner(TlsProperties properties, Clock clock) {
        this.properties = Objects.requireNonNull(properties, "properties");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.files = new CertificateFiles(properties.dir());
        this.expectedAlternativeNames = expectedAlternativeNames(properties.dnsNames());
    }

    /**
     * @return the files this provisioner manages
     */
    public CertificateFiles files() {
        return files;
    }

    /**
     * Checks the TLS files and creates or re-issues them where the settings allow.
     *
     * @return what was done and the resulting certificates
     * @throws TlsCertificateException if the files are missing or unusable and cannot be generated,
     *     or cannot be written
     */
    public Result ensureCertificates() {
        Result result;
        try {
            result = properties.generate() ? ensureManaged() : useProvided(GENERATE_PROPERTY + " is false");
        }
        catch (FileSystemException ex) {
            // Raised by writes; its message alone is often just a path.
            throw new TlsCertificateException("Cannot write the TLS files in " + files.directory() + ": "
                    + ex.getClass().getSimpleName() + ": " + ex.getMessage() + ". If the directory is read-only (for"
                    + " example a mounted Secret), set " + GENERATE_PROPERTY + "=false.", ex);
        }
        catch (IOException ex) {
            throw new TlsCertificateException("Cannot prepare the TLS files in " + files.directory() + ": "
                    + ex.getMessage(), ex);
        }
        X509Certificate serving = result.servingCertificate();
        log.info("Serving certificate {}: subject '{}', names {}, valid until {}", files.servingCertificate(),
                serving.getSubjectX500Principal().getName(), alternativeNames(serving),
                serving.getNotAfter().toInstant());
        return result;
    }

    private Result ensureManaged() throws IOException {
        boolean caCertificate = Files.exists(files.caCertificate());
        boolean caKey = Files.exists(files.caKey());
        boolean servingCertificate = Files.exists(files.servingCertificate());
        boolean servingKey = Files.exists(files.servingKey());
        if (!caKey && caCertificate && servingCertificate && servingKey) {
            log.info("{} is absent, so the TLS files in {} are used as provided; they cannot be re-issued at start-up",
                    CertificateFiles.CA_KEY, files.directory());
            return useProvided(CertificateFiles.CA_KEY + " is absent");
        }
        if (caCertificate && caKey) {
            CertificateAndKey ca = readCertificateAuthority();
            String caProblem = validityProblem(ca.certificate());
            if (caProblem == null) {
                return ensureServingCertificate(ca);
            }
            log.warn("CA certificate {} {}; generating a new CA and serving certificate. The caBundle changes:"
                    + " update every webhook configuration that trusts the old CA", files.caCertificate(), caProblem);
        }
        else if (caCertificate || caKey || servingCertificate || servingKey) {
            Path[] all = { files.caCertificate(), files.caKey(), files.servingCertificate(), files.servingKey() };
            log.warn("Incomplete TLS files in {}: {} present, {} absent. Generating a new CA and serving certificate"
                    + " that replace the present files{}", files.directory(), names(true, all), names(false, all),
                    caCertificate ? "; the caBundle changes: update every webhook configuration that trusts the old CA"
                            : "");
        }
        else {
            log.info("No TLS files in {}; generating a local CA and a serving certificate ({}=true)",
                    files.directory(), GENERATE_PROPERTY);
        }
        return generateAll();
    }

    private Result ensureServingCertificate(CertificateAndKey ca) throws IOException {
        ServingInspection inspection = inspectServingCertificate(ca);
        if (inspection.problem() == null) {
            log.info("Using the existing CA and serving certificate in {}", files.directory());
            return new Result(Outcome.USED_EXISTING, ca.certificate(), inspection.leaf());
        }
        String message = "Issuing a new serving certificate from the existing CA {}: {}";
        if (inspection.routine()) {
            log.info(message, files.caCertificate(), inspection.problem());
        }
        else {
            log.warn(message, files.caCertificate(), inspection.problem());
        }
        CertificateGenerator generator = generator();
        CertificateAndKey serving = generator.issueServingCertificate(ca, properties.dnsNames(),
                properties.servingValidity());
        generator.writeServingCertificate(serving, files);
        return new Result(Outcome.REISSUED_SERVING_CERTIFICATE, ca.certificate(), serving.certificate());
    }

    private CertificateGenerator generator() {
        if (generator == null) {
            generator = new CertificateGenerator(clock, new SecureRandom());
        }
        return generator;
    }

    private Result generateAll() throws IOException {
        CertificateGenerator generator = generator();
        CertificateAndKey ca = generator.generateCertificateAuthority(properties.caValidity());
        CertificateAndKey serving = generator.issueServingCertificate(ca, properties.dnsNames(),
                properties.servingValidity());
        generator.writeCertificateAuthority(ca, files);
        generator.writeServingCertificate(serving, files);
        log.info("Generated a local CA {} (valid until {}) with its key {}, and a serving certificate {} with its key {}",
                files.caCertificate(), ca.certificate().getNotAfter().toInstant(), files.caKey(),
                files.servingCertificate(), files.servingKey());
        return new Result(Outcome.GENERATED, ca.certificate(), serving.certificate());
    }

    /**
     * Uses {@code ca.crt}, {@code tls.crt} and {@code tls.key} as they are: fails if any is missing
     * or the key does not belong to the certificate, and warns about anything that will hurt clients.
     */
    private Result useProvided(String whyNotRenewed) {
        List<String> missing = names(false, files.caCertificate(), files.servingCertificate(), files.servingKey());
        if (!missing.isEmpty()) {
            throw new TlsCertificateException(String.format(
                    "TLS files missing in %s: %s. Provide %s, %s and %s there (for example by mounting the webhook's"
                            + " TLS Secret), or set %s=true to generate them at start-up.",
                    files.directory(), String.join(", ", missing), CertificateFiles.CA_CERTIFICATE,
                    CertificateFiles.SERVING_CERTIFICATE, CertificateFiles.SERVING_KEY, GENERATE_PROPERTY));
        }
        X509Certificate ca = PemFiles.readCertificates(files.caCertificate()).get(0);
        List<X509Certificate> chain = new PemSslBundleLoader().load(BundleContents.read(files, null)).chain();
        X509Certificate leaf = chain.get(0);
        String caProblem = validityProblem(ca);
        if (caProblem != null) {
            log.warn("CA certificate {} {}; it is not renewed at start-up because {}", files.caCertificate(), caProblem,
                    whyNotRenewed);
        }
        String servingProblem = validityProblem(leaf);
        if (servingProblem != null) {
            log.warn("Serving certificate {} {}; it is not renewed at start-up because {}", files.servingCertificate(),
                    servingProblem, whyNotRenewed);
        }
        if (chain.stream().noneMatch((certificate) -> certificate.equals(ca) || isSignedBy(certificate, ca))) {
            log.warn("Serving certificate {} does not chain to the CA in {}; clients that trust only that CA (the"
                    + " webhook's caBundle) will reject the server", files.servingCertificate(), files.caCertificate());
        }
        Set<String> leafNames = alternativeNames(leaf);
        List<String> uncovered = properties.dnsNames()
            .stream()
            .map((name) -> name.toLowerCase(Locale.ROOT))
            .filter((name) -> !coversDnsName(leafNames, name))
            .distinct()
            .toList();
        if (!uncovered.isEmpty()) {
            log.warn("Serving certificate {} does not cover the configured names {}; clients using them will fail"
                    + " hostname verification", files.servingCertificate(), uncovered);
        }
        return new Result(Outcome.USED_EXISTING, ca, leaf);
    }

    private CertificateAndKey readCertificateAuthority() {
        String advice = "Restore the matching " + CertificateFiles.CA_CERTIFICATE + " and " + CertificateFiles.CA_KEY
                + ", or delete both to generate a new CA (the caBundle then changes).";
        CertificateAndKey ca;
        try {
            ca = readPair(files.caCertificate(), files.caKey());
        }
        catch (TlsCertificateException ex) {
            throw new TlsCertificateException(ex.getMessage() + ". " + advice, ex);
        }
        if (ca.certificate().getBasicConstraints() < 0) {
            throw new TlsCertificateException(files.caCertificate()
                    + " is not a CA certificate (it lacks BasicConstraints CA:true). " + advice);
        }
        Keys.requireMatch(ca.privateKey(), ca.certificate(), files.caKey(), files.caCertificate() + ". " + advice);
        return ca;
    }

    /** The first certificate of a file and the key of another, not checked against each other. */
    private static CertificateAndKey readPair(Path certificateFile, Path keyFile) {
        return new CertificateAndKey(PemFiles.readCertificates(certificateFile).get(0),
                PemFiles.readPrivateKey(keyFile));
    }

    /** Checks the serving pair against the CA; never throws for problems a re-issue fixes. */
    private ServingInspection inspectServingCertificate(CertificateAndKey ca) {
        List<String> missing = names(false, files.servingCertificate(), files.servingKey());
        if (!missing.isEmpty()) {
            return ServingInspection.problem(String.join(" and ", missing) + " absent", true);
        }
        CertificateAndKey serving;
        try {
            serving = readPair(files.servingCertificate(), files.servingKey());
        }
        catch (TlsCertificateException ex) {
            return ServingInspection.problem(ex.getMessage(), false);
        }
        X509Certificate leaf = serving.certificate();
        try {
            if (!Keys.matches(serving.privateKey(), leaf.getPublicKey())) {
                return ServingInspection.problem(
                        CertificateFiles.SERVING_KEY + " does not belong to " + CertificateFiles.SERVING_CERTIFICATE,
                        false);
            }
        }
        catch (IllegalArgumentException ex) {
            return ServingInspection.problem(CertificateFiles.SERVING_KEY + ": " + ex.getMessage(), false);
        }
        if (!isSignedBy(leaf, ca.certificate())) {
            return ServingInspection.problem(CertificateFiles.SERVING_CERTIFICATE + " was not issued by the CA in "
                    + CertificateFiles.CA_CERTIFICATE, false);
        }
        String validityProblem = validityProblem(leaf);
        if (validityProblem != null) {
            return ServingInspection.problem(CertificateFiles.SERVING_CERTIFICATE + " " + validityProblem, true);
        }
        Set<String> actualNames = alternativeNames(leaf);
        if (!actualNames.equals(expectedAlternativeNames)) {
            return ServingInspection.problem(CertificateFiles.SERVING_CERTIFICATE + " covers " + actualNames
                    + " but the configuration asks for " + expectedAlternativeNames, true);
        }
        return new ServingInspection(leaf, null, true);
    }

    /** Why a certificate should not be relied on any more, or {@code null} if it is fine. */
    private String validityProblem(X509Certificate certificate) {
        Instant now = clock.instant();
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            return "is not valid before " + notBefore;
        }
        if (!now.isBefore(notAfter)) {
            return "expired at " + notAfter;
        }
        if (now.plus(RENEWAL_WINDOW).isAfter(notAfter)) {
            return "expires at " + notAfter + ", within " + RENEWAL_WINDOW.toHours() + " hours";
        }
        return null;
    }

    /** Whether SAN entries cover a DNS name, directly or through a single-label wildcard. */
    private static boolean coversDnsName(Set<String> alternativeNames, String dnsName) {
        if (alternativeNames.contains("DNS:" + dnsName)) {
            return true;
        }
        int firstDot = dnsName.indexOf('.');
        return firstDot > 0 && alternativeNames.contains("DNS:*" + dnsName.substring(firstDot));
    }

    /** The SubjectAlternativeName entries a generated serving certificate has, as {@code DNS:}/{@code IP:} strings. */
    private static Set<String> expectedAlternativeNames(Collection<String> dnsNames) {
        Set<String> names = new LinkedHashSet<>();
        ServingNames.dnsNames(dnsNames).forEach((name) -> names.add("DNS:" + name));
        ServingNames.IP_ADDRESSES.forEach((ip) -> names.add("IP:" + normalizeIp(ip)));
        return names;
    }

    /** DNS and IP SubjectAlternativeName entries of a certificate, as {@code DNS:}/{@code IP:} strings. */
    static Set<String> alternativeNames(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        Collection<List<?>> entries;
        try {
            entries = certificate.getSubjectAlternativeNames();
        }
        catch (CertificateParsingException ex) {
            throw new TlsCertificateException("Cannot read the subject alternative names of "
                    + certificate.getSubjectX500Principal().getName() + ": " + ex.getMessage(), ex);
        }
        if (entries == null) {
            return names;
        }
        for (List<?> entry : entries) {
            int type = (Integer) entry.get(0);
            if (type == 2) {
                names.add("DNS:" + String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
            }
            else if (type == 7) {
                names.add("IP:" + normalizeIp(String.valueOf(entry.get(1))));
            }
        }
        return names;
    }

    private static String normalizeIp(String literal) {
        try {
            // A numeric literal is parsed, never looked up.
            return InetAddress.getByName(literal).getHostAddress();
        }
        catch (UnknownHostException ex) {
            throw new IllegalArgumentException("Not an IP address literal: " + literal, ex);
        }
    }

    private static boolean isSignedBy(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        }
        catch (SignatureException | InvalidKeyException ex) {
            // The signature does not verify with this issuer's key: not issued by it.
            return false;
        }
        catch (GeneralSecurityException ex) {
            throw new TlsCertificateException("Cannot verify the signature of "
                    + certificate.getSubjectX500Principal().getName() + ": " + ex.getMessage(), ex);
        }
    }

    /** The file names of those {@code paths} that exist ({@code present}) or do not. */
    private static List<String> names(boolean present, Path... paths) {
        return Arrays.stream(paths)
            .filter((path) -> Files.exists(path) == present)
            .map((path) -> path.getFileName().toString())
            .toList();
    }

    private record ServingInspection(X509Certificate leaf, String problem, boolean routine) {

        static ServingInspection problem(String problem, boolean routine) {
            return new ServingInspection(null, problem, routine);
        }
    }
}

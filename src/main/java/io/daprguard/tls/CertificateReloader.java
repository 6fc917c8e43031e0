package io.daprguard.tls;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;

/**
 * Keeps the {@value TlsBundleRegistrar#BUNDLE_NAME} SSL bundle in step with the files on disk; {@link
 * CertificateReloadPoller} calls {@link #reload} on a timer.
 *
 * <p>Each call reads the files in full, following symbolic links, and compares the digest of their bytes with what
 * is loaded. Comparing content, not modification times or file events, catches the kubelet's atomic Secret-volume
 * update ({@code tls.crt -> ..data/tls.crt}, with {@code ..data} swapped to a new directory), for which inotify
 * events are unreliable. Changed content goes into service only once it parses and the key matches; otherwise it is
 * refused (a half-written file seen mid-update, a wrong key), the loaded bundle stays, it is reported once for as
 * long as that content stays, and the next call looks again. Spring Boot applies a new bundle to new connections
 * only; connections already open keep their certificate, so no request in flight fails.
 *
 * <p>{@code ca.crt} is read on every call as well, but only for the CA expiry gauge: it is not part of the served
 * bundle, and a problem with it is logged, not counted as a failed reload. Thread-safe: the methods are synchronized.
 */
public final class CertificateReloader {

    /** What a call to {@link #reload} did. */
    public enum Outcome {
        /** The files hold the content in service, or content that was already refused before. */
        UNCHANGED,
        /** Changed content was put into service. */
        RELOADED,
        /** Changed content was refused; the previous bundle stays in service. */
        REFUSED
    }

    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);

    private static final String CLIENT_CA_PROPERTY = "dapr-guard.tls.client-ca-file";

    private final CertificateFiles files;

    private final Path clientCaFile;

    private final PemSslBundleLoader loader;

    private final ServingCertificate servingCertificate;

    private final CertificateMetrics metrics;

    private final Clock clock;

    /** The bundle in service; {@code null} before {@link #loadInitial()}. */
    private ServingBundle current;

    /** What was last refused (content digest or read error), reported once; {@code null} if nothing since. */
    private String refused;

    /** Digest of the {@code ca.crt} content last looked at, or of its read error. */
    private String caFingerprint;

    /**
     * @param files the TLS directory's files
     * @param clientCaFile the client CA file, or {@code null} when clients are not authenticated
     * @param loader builds bundles from file contents
     * @param servingCertificate updated with every certificate put into service
     * @param metrics updated with every load and reload
     */
    public CertificateReloader(CertificateFiles files, Path clientCaFile, PemSslBundleLoader loader,
            ServingCertificate servingCertificate, CertificateMetrics metrics) {
        this(files, clientCaFile, loader, servingCertificate, metrics, Clock.systemUTC());
    }

    CertificateReloader(CertificateFiles files, Path clientCaFile, PemSslBundleLoader loader,
            ServingCertificate servingCertificate, CertificateMetrics metrics, Clock clock) {
        this.files = Objects.requireNonNull(files, "files");
        this.clientCaFile = (clientCaFile != null) ? clientCaFile.toAbsolutePath().normalize() : null;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.servingCertificate = Objects.requireNonNull(servingCertificate, "servingCertificate");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @return the TLS directory's files this reloader reads
     */
    public CertificateFiles files() {
        return files;
    }

    /**
     * Loads the bundle for start-up. Not counted as a reload.
     *
     * @return the bundle to register
     * @throws TlsCertificateException if a file cannot be read or parsed, or the key does not match
     *     (start-up must fail then)
     */
    public synchronized SslBundle loadInitial() {
        ServingBundle bundle;
        try {
            bundle = loader.load(BundleContents.read(files, clientCaFile));
        }
        catch (TlsCertificateException ex) {
            String hinted = withClientCaHint(ex.getMessage());
            if (hinted.equals(ex.getMessage())) {
                throw ex;
            }
            throw new TlsCertificateException(hinted, ex);
        }
        X509Certificate ca = readCaCertificate();
        install(bundle);
        metrics.caCertificateLoaded(ca);
        if (clientCaFile != null) {
            log.info("TLS client authentication is on: clients of the admission port must present a certificate"
                    + " issued by {} ({}={})", subjects(bundle.clientCas()), CLIENT_CA_PROPERTY, clientCaFile);
        }
        return bundle.sslBundle();
    }

    /**
     * Puts changed files into service if they are valid; see the class description.
     *
     * @param registry the registry holding the {@value TlsBundleRegistrar#BUNDLE_NAME} bundle
     * @return what was done
     * @throws IllegalStateException if {@link #loadInitial()} has not run
     */
    public synchronized Outcome reload(SslBundleRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (current == null) {
            throw new IllegalStateException("No TLS bundle loaded yet: loadInitial() must run before reload()");
        }
        refreshCaCertificate();
        BundleContents contents;
        try {
            contents = BundleContents.read(files, clientCaFile);
        }
        catch (TlsCertificateException ex) {
            return refuse("unreadable: " + ex.getMessage(), ex.getMessage(), null);
        }
        String digest = contents.digest();
        if (digest.equals(current.digest())) {
            if (refused != null) {
                refused = null;
                log.info("The TLS files hold the content in service again ({}); the earlier refused change is gone",
                        describe(current.certificate()));
            }
            return Outcome.UNCHANGED;
        }
        if (digest.equals(refused)) {
            return Outcome.UNCHANGED;
        }
        ServingBundle bundle;
        try {
            bundle = loader.load(contents);
        }
        catch (TlsCertificateException ex) {
            return refuse(digest, ex.getMessage(), null);
        }
        catch (RuntimeException ex) {
            return refuse(digest, "unexpected error while loading it: " + ex, ex);
        }
        try {
            registry.updateBundle(TlsBundleRegistrar.BUNDLE_NAME, bundle.sslBundle());
        }
        catch (RuntimeException ex) {
            return refuse(digest, "the web server did not accept the new SSL bundle: " + ex, ex);
        }
        ServingBundle previous = current;
        install(bundle);
        refused = null;
        metrics.reloadSucceeded();
        boolean newCertificate = !bundle.certificate().equals(previous.certificate());
        boolean newClientCas = !bundle.clientCas().equals(previous.clientCas());
        if (newCertificate) {
            log.info("Reloaded the TLS certificate from {}: new connections get {}; connections already open keep {}"
                    + " until they close",
                    files.directory(), describe(bundle.certificate()), describe(previous.certificate()));
        }
        if (newClientCas) {
            log.info("Reloaded the TLS client CA certificates from {}: new connections must present a client"
                    + " certificate issued by {}", clientCaFile, subjects(bundle.clientCas()));
        }
        if (!newCertificate && !newClientCas) {
            log.info("Reloaded the TLS files in {}: same serving certificate ({}), changed chain or key encoding",
                    files.directory(), describe(bundle.certificate()));
        }
        warnIfNotValidNow(bundle.certificate());
        return Outcome.RELOADED;
    }

    /**
     * One line describing a certificate by serial number, subject and end of validity; never more.
     *
     * @param certificate the certificate
     * @return e.g. {@code serial 5c1f..., subject 'CN=localhost,O=dapr-guard', valid until 2027-01-01T00:00:00Z}
     */
    static String describe(X509Certificate certificate) {
        return "serial " + certificate.getSerialNumber().toString(16) + ", subject '"
                + certificate.getSubjectX500Principal().getName() + "', valid until "
                + certificate.getNotAfter().toInstant();
    }

    private void install(ServingBundle bundle) {
        current = bundle;
        servingCertificate.update(bundle.certificate());
        metrics.servingCertificateLoaded(bundle.certificate());
    }

    private Outcome refuse(String fingerprint, String reason, RuntimeException unexpected) {
        if (fingerprint.equals(refused)) {
            return Outcome.UNCHANGED;
        }
        refused = fingerprint;
        metrics.reloadFailed();
        String message = "Refused the changed TLS files in {}: {}. Still serving {}; the files are checked again on"
                + " every poll, and this content is not reported again";
        if (unexpected != null) {
            log.warn(message, files.directory(), reason, describe(current.certificate()), unexpected);
        }
        else {
            log.warn(message, files.directory(), reason, describe(current.certificate()));
        }
        return Outcome.REFUSED;
    }

    private X509Certificate readCaCertificate() {
        byte[] pem = PemFiles.readBytes(files.caCertificate(), "certificates");
        caFingerprint = BundleContents.digest(pem);
        return PemFiles.parseCertificates(pem, files.caCertificate()).get(0);
    }

    /** Updates the CA expiry gauge if {@code ca.crt} changed; a problem is logged once per content. */
    private void refreshCaCertificate() {
        byte[] pem;
        try {
            pem = PemFiles.readBytes(files.caCertificate(), "certificates");
        }
        catch (TlsCertificateException ex) {
            reportCaProblem("unreadable: " + ex.getMessage(), ex.getMessage());
            return;
        }
        String digest = BundleContents.digest(pem);
        if (digest.equals(caFingerprint)) {
            return;
        }
        X509Certificate ca;
        try {
            ca = PemFiles.parseCertificates(pem, files.caCertificate()).get(0);
        }
        catch (TlsCertificateException ex) {
            reportCaProblem(digest, ex.getMessage());
            return;
        }
        caFingerprint = digest;
        metrics.caCertificateLoaded(ca);
        log.info("CA certificate {} changed: now {}", files.caCertificate(), describe(ca));
    }

    private void reportCaProblem(String fingerprint, String reason) {
        if (fingerprint.equals(caFingerprint)) {
            return;
        }
        caFingerprint = fingerprint;
        log.warn("Cannot use the changed {} for the CA expiry metric: {}. The metric keeps the previous value;"
                + " serving is not affected", files.caCertificate(), reason);
    }

    private void warnIfNotValidNow(X509Certificate certificate) {
        Instant now = clock.instant();
        if (now.isAfter(certificate.getNotAfter().toInstant())) {
            log.warn("The reloaded serving certificate {} has expired: clients will reject the server until it is"
                    + " replaced", files.servingCertificate());
        }
        else if (now.isBefore(certificate.getNotBefore().toInstant())) {
            log.warn("The reloaded serving certificate {} is not valid before {}: clients will reject the server"
                    + " until then", files.servingCertificate(), certificate.getNotBefore().toInstant());
        }
    }

    private String withClientCaHint(String message) {
        if (clientCaFile != null && message.contains(clientCaFile.toString())) {
            return message + ". " + CLIENT_CA_PROPERTY + " must name a PEM file with the CA certificate(s) that"
                    + " issue the clients' certificates";
        }
        return message;
    }

    private static String subjects(List<X509Certificate> certificates) {
        return certificates.stream()
            .map((certificate) -> "'" + certificate.getSubjectX500Principal().getName() + "'")
            .collect(Collectors.joining(", "));
    }
}

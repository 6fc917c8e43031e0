package io.daprguard.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * The certificate the admission port's HTTPS listener presents to new connections right now: the leaf of the
 * {@value TlsBundleRegistrar#BUNDLE_NAME} SSL bundle, set at start-up and by every successful reload (a refused
 * reload keeps the previous one). Readiness does not read it: Spring Boot's {@code ssl} health indicator reads the
 * bundle itself.
 */
public final class ServingCertificate {

    private volatile X509Certificate current;

    /** Creates a holder with no certificate loaded yet; dapr-guard's TLS configuration fills it in. */
    public ServingCertificate() {
    }

    /**
     * @return {@code true} once a serving certificate has been loaded into the web server's SSL bundle
     */
    public boolean loaded() {
        return current != null;
    }

    /**
     * @return the serving (leaf) certificate currently presented, empty before the first load
     */
    public Optional<X509Certificate> current() {
        return Optional.ofNullable(current);
    }

    /**
     * @return the end of the current certificate's validity, empty before the first load
     */
    public Optional<Instant> notAfter() {
        return current().map((certificate) -> certificate.getNotAfter().toInstant());
    }

    /** Records the certificate the web server presents from now on. */
    void update(X509Certificate certificate) {
        current = certificate;
    }

    @Override
    public String toString() {
        X509Certificate certificate = current;
        return (certificate != null) ? "ServingCertificate[" + CertificateReloader.describe(certificate) + "]"
                : "ServingCertificate[not loaded]";
    }
}

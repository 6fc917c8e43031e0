package io.daprguard.tls;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Optional;

/**
 * The certificate the admission port's HTTPS listener presents to new connections right now: the
 * leaf of the {@value TlsBundleRegistrar#BUNDLE_NAME} SSL bundle, as loaded at start-up and replaced
 * by every successful reload. Meant as input for a readiness check ("is a serving certificate
 * loaded, and until when is it valid").
 *
 * <p><b>Lifecycle.</b> The bean exists whenever dapr-guard's TLS set-up is active, that is when an
 * embedded web server is started and {@code server.ssl.enabled} is not {@code false}; look it up
 * with an {@code ObjectProvider} if your code also runs without it (for example in a mock-web
 * {@code @SpringBootTest}, where there is none). It turns {@link #loaded()} during start-up, before
 * the web server accepts connections, and stays loaded until the application stops: a refused
 * reload keeps the previous certificate, so it never goes back to "not loaded".
 *
 * <p><b>Expiry is not judged here.</b> {@link #loaded()} only says that a certificate is being
 * served; compare {@link #notAfter()} with the clock to tell whether it is still valid. The metric
 * {@code daprguard.certificate.expiry.timestamp{certificate="serving"}} exposes the same instant.
 *
 * <p>Thread-safe: readers see the latest certificate without locking.
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

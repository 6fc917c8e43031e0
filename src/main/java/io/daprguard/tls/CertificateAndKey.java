package io.daprguard.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate together with the private key for its public key.
 *
 * @param certificate the certificate
 * @param privateKey the matching private key; never logged, never included in {@link #toString()}
 */
public record CertificateAndKey(X509Certificate certificate, PrivateKey privateKey) {

    /** Rejects {@code null} components. */
    public CertificateAndKey {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** Describes the certificate only, so that the key cannot reach a log line by accident. */
    @Override
    public String toString() {
        return "CertificateAndKey[subject=" + certificate.getSubjectX500Principal().getName()
                + ", notAfter=" + certificate.getNotAfter().toInstant() + ", privateKey=(" + privateKey.getAlgorithm()
                + ", not shown)]";
    }
}

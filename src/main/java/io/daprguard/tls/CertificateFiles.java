package io.daprguard.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The four PEM files the server's TLS set-up uses, all in one directory. The names follow the keys
 * of a Kubernetes {@code kubernetes.io/tls} Secret as written by cert-manager, so such a Secret can
 * be mounted as the directory unchanged.
 *
 * @param directory the directory, stored as an absolute, normalised path
 */
public record CertificateFiles(Path directory) {

    /** File name of the CA certificate: what a webhook configuration's {@code caBundle} trusts. */
    public static final String CA_CERTIFICATE = "ca.crt";

    /** File name of the CA private key (only present when the server manages its own CA). */
    public static final String CA_KEY = "ca.key";

    /** File name of the serving certificate (chain), leaf first. */
    public static final String SERVING_CERTIFICATE = "tls.crt";

    /** File name of the serving private key. */
    public static final String SERVING_KEY = "tls.key";

    /** Resolves {@code directory} to an absolute, normalised path so that log lines are unambiguous. */
    public CertificateFiles {
        Objects.requireNonNull(directory, "directory");
        directory = directory.toAbsolutePath().normalize();
    }

    /**
     * @return path of {@value #CA_CERTIFICATE}
     */
    public Path caCertificate() {
        return directory.resolve(CA_CERTIFICATE);
    }

    /**
     * @return path of {@value #CA_KEY}
     */
    public Path caKey() {
        return directory.resolve(CA_KEY);
    }

    /**
     * @return path of {@value #SERVING_CERTIFICATE}
     */
    public Path servingCertificate() {
        return directory.resolve(SERVING_CERTIFICATE);
    }

    /**
     * @return path of {@value #SERVING_KEY}
     */
    public Path servingKey() {
        return directory.resolve(SERVING_KEY);
    }
}

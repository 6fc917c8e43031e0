package io.daprguard.tls;

import java.util.Base64;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundleRegistry;

/**
 * Registers the server's SSL bundle, {@value #BUNDLE_NAME}: lets the {@link CertificateProvisioner} create or check
 * the files, logs the CA's {@code caBundle} form, and registers what the {@link CertificateReloader} loads. Spring
 * Boot calls {@link #registerBundles(SslBundleRegistry)} once, before the web server starts, so any failure here
 * stops start-up.
 */
public final class TlsBundleRegistrar implements SslBundleRegistrar {

    /** Name of the SSL bundle, as used by {@code server.ssl.bundle}. */
    public static final String BUNDLE_NAME = "dapr-guard";

    private static final Logger log = LoggerFactory.getLogger(TlsBundleRegistrar.class);

    private final CertificateProvisioner provisioner;

    private final CertificateReloader reloader;

    /**
     * @param provisioner creates or checks the files
     * @param reloader loads the bundle from the files (and reloads it later)
     * @throws IllegalArgumentException if the two do not work on the same directory
     */
    public TlsBundleRegistrar(CertificateProvisioner provisioner, CertificateReloader reloader) {
        this.provisioner = Objects.requireNonNull(provisioner, "provisioner");
        this.reloader = Objects.requireNonNull(reloader, "reloader");
        if (!provisioner.files().equals(reloader.files())) {
            throw new IllegalArgumentException("The provisioner works on " + provisioner.files().directory()
                    + " but the reloader on " + reloader.files().directory());
        }
    }

    @Override
    public void registerBundles(SslBundleRegistry registry) {
        provisioner.ensureCertificates();
        CertificateFiles files = provisioner.files();
        logCaBundle(files);
        registry.registerBundle(BUNDLE_NAME, reloader.loadInitial());
        log.info("Registered SSL bundle '{}' from {} and {} ({} only)", BUNDLE_NAME, files.servingCertificate(),
                files.servingKey(), String.join(", ", PemSslBundleLoader.ENABLED_PROTOCOLS));
    }

    private static void logCaBundle(CertificateFiles files) {
        byte[] caPem = PemFiles.readBytes(files.caCertificate(), "certificates");
        log.info("TLS CA certificate: {}", files.caCertificate());
        log.info("TLS caBundle (base64 of {}, for the webhook configuration's caBundle): {}",
                CertificateFiles.CA_CERTIFICATE, Base64.getEncoder().encodeToString(caPem));
    }
}

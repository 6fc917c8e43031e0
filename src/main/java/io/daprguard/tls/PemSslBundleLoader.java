package io.daprguard.tls;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;

/**
 * Turns the serving PEM files ({@code tls.crt}, {@code tls.key}) into a Spring Boot
 * {@link SslBundle} restricted to {@link #ENABLED_PROTOCOLS}. It only reads; it never generates.
 *
 * <p>Kept separate from start-up provisioning so that a certificate reload can call
 * {@link #load(CertificateFiles)} again and hand the result to
 * {@link org.springframework.boot.ssl.SslBundleRegistry#updateBundle(String, SslBundle)}.
 */
public final class PemSslBundleLoader {

    /** TLS versions the server accepts, newest first. */
    public static final List<String> ENABLED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Reads the serving certificate chain and key and builds a bundle from them. The key must
     * belong to the first certificate in {@code tls.crt}.
     *
     * @param files the TLS files
     * @return a bundle with a key store holding the serving key and chain, no trust store (clients
     *     are not authenticated), and the protocols limited to {@link #ENABLED_PROTOCOLS}
     * @throws TlsCertificateException if a file cannot be read or the key does not match
     */
    public SslBundle load(CertificateFiles files) {
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = PemFiles.readCertificates(files.servingCertificate());
            key = PemFiles.readPrivateKey(files.servingKey());
        }
        catch (IOException ex) {
            throw new TlsCertificateException(ex.getMessage(), ex);
        }
        boolean matches;
        try {
            matches = Keys.matches(key, chain.get(0).getPublicKey());
        }
        catch (IllegalArgumentException ex) {
            throw new TlsCertificateException(files.servingKey() + ": " + ex.getMessage(), ex);
        }
        if (!matches) {
            throw new TlsCertificateException(files.servingKey() + " does not belong to "
                    + files.servingCertificate() + " (the first certificate in it)");
        }
        PemSslStore keyStore = PemSslStore.of(chain, key);
        SslOptions options = SslOptions.of(null, ENABLED_PROTOCOLS.toArray(String[]::new));
        return SslBundle.of(new PemSslStoreBundle(keyStore, null), SslBundleKey.NONE, options);
    }
}

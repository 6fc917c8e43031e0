package io.daprguard.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;

/**
 * Turns the serving PEM files ({@code tls.crt}, {@code tls.key}) and, when clients are
 * authenticated, the client CA file into a Spring Boot {@link SslBundle} restricted to
 * {@link #ENABLED_PROTOCOLS}. It only reads; it never generates.
 *
 * <p>Kept separate from start-up provisioning so that the {@link CertificateReloader} can build a
 * new bundle from changed files and hand it to
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
        BundleContents contents;
        try {
            contents = BundleContents.read(files, null);
        }
        catch (IOException ex) {
            throw new TlsCertificateException(ex.getMessage(), ex);
        }
        return load(contents).sslBundle();
    }

    /**
     * Builds a bundle from file contents read before. The key must belong to the first certificate
     * of the serving certificate file. With a client CA file, its certificates become the bundle's
     * trust store, which the web server uses to verify client certificates.
     *
     * @param contents the file contents
     * @return the bundle and the certificates it holds
     * @throws TlsCertificateException if a content does not parse or the key does not match; the
     *     message names the file and never contains key material
     */
    ServingBundle load(BundleContents contents) {
        List<X509Certificate> chain;
        PrivateKey key;
        List<X509Certificate> clientCas;
        try {
            chain = PemFiles.parseCertificates(contents.certificatePem(), contents.certificateFile());
            key = PemFiles.parsePrivateKey(contents.keyPem(), contents.keyFile());
            clientCas = (contents.clientCaFile() != null)
                    ? PemFiles.parseCertificates(contents.clientCaPem(), contents.clientCaFile()) : List.of();
        }
        catch (IOException ex) {
            throw new TlsCertificateException(ex.getMessage(), ex);
        }
        requireMatchingKey(key, chain.get(0), contents.keyFile(), contents.certificateFile());
        PemSslStore keyStore = PemSslStore.of(chain, key);
        PemSslStore trustStore = clientCas.isEmpty() ? null : PemSslStore.of(clientCas, null);
        SslOptions options = SslOptions.of(null, ENABLED_PROTOCOLS.toArray(String[]::new));
        SslBundle bundle = SslBundle.of(new PemSslStoreBundle(keyStore, trustStore), SslBundleKey.NONE, options);
        return new ServingBundle(bundle, chain, clientCas, contents.digest());
    }

    private static void requireMatchingKey(PrivateKey key, X509Certificate certificate, Path keyFile,
            Path certificateFile) {
        boolean matches;
        try {
            matches = Keys.matches(key, certificate.getPublicKey());
        }
        catch (IllegalArgumentException ex) {
            throw new TlsCertificateException(keyFile + ": " + ex.getMessage(), ex);
        }
        if (!matches) {
            throw new TlsCertificateException(keyFile + " does not belong to " + certificateFile
                    + " (the first certificate in it)");
        }
    }
}

package io.daprguard.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;

/**
 * Turns the serving PEM files ({@code tls.crt}, {@code tls.key}) and, when clients are authenticated, the client CA
 * file into a Spring Boot {@link SslBundle} restricted to {@link #ENABLED_PROTOCOLS}. The one place that checks that
 * the serving key belongs to the certificate: at start-up (provided files and the initial load) and on every reload.
 */
public final class PemSslBundleLoader {

    /** TLS versions the server accepts, newest first. */
    public static final List<String> ENABLED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** The key store type of the serving key and chain, in memory only. */
    static final String IN_MEMORY_KEY_STORE = "JKS";

    /** JKS wants a password for a key entry; this one guards nothing (the store never leaves memory). */
    private static final String IN_MEMORY_PASSWORD = "in-memory";

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
        return load(BundleContents.read(files, null)).sslBundle();
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
        List<X509Certificate> chain = PemFiles.parseCertificates(contents.certificatePem(), contents.certificateFile());
        PrivateKey key = PemFiles.parsePrivateKey(contents.keyPem(), contents.keyFile());
        List<X509Certificate> clientCas = (contents.clientCaFile() != null)
                ? PemFiles.parseCertificates(contents.clientCaPem(), contents.clientCaFile()) : List.of();
        Keys.requireMatch(key, chain.get(0), contents.keyFile(),
                contents.certificateFile() + " (the first certificate in it)");
        // An in-memory JKS store: the JVM's default, PKCS12, protects the key with 10 000 rounds of PBKDF2 when Spring
        // stores it and again when Tomcat reads it back, a tenth of the server's start when cold (bench/README.md,
        // "The first review"), and protects nothing here: the key is in this process's memory either way.
        PemSslStore keyStore = PemSslStore.of(IN_MEMORY_KEY_STORE, null, IN_MEMORY_PASSWORD, chain, key);
        PemSslStore trustStore = clientCas.isEmpty() ? null : PemSslStore.of(clientCas, null);
        SslOptions options = SslOptions.of(null, ENABLED_PROTOCOLS.toArray(String[]::new));
        SslBundle bundle = SslBundle.of(new PemSslStoreBundle(keyStore, trustStore),
                SslBundleKey.of(IN_MEMORY_PASSWORD), options);
        return new ServingBundle(bundle, chain, clientCas, contents.digest());
    }
}

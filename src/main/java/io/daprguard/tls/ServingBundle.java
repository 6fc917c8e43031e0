package io.daprguard.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import org.springframework.boot.ssl.SslBundle;

/**
 * An SSL bundle together with what it was built from.
 *
 * @param sslBundle the bundle handed to Spring Boot
 * @param chain the serving certificate chain, leaf first
 * @param clientCas the CA certificates client certificates must chain to; empty when clients are not
 *     authenticated
 * @param digest the {@link BundleContents#digest() digest} of the file contents the bundle was built from
 */
record ServingBundle(SslBundle sslBundle, List<X509Certificate> chain, List<X509Certificate> clientCas,
        String digest) {

    /** Rejects {@code null} components and an empty chain; copies the lists. */
    ServingBundle {
        Objects.requireNonNull(sslBundle, "sslBundle");
        Objects.requireNonNull(digest, "digest");
        chain = List.copyOf(chain);
        clientCas = List.copyOf(clientCas);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("chain must hold at least the serving certificate");
        }
    }

    /**
     * @return the serving (leaf) certificate
     */
    X509Certificate certificate() {
        return chain.get(0);
    }
}

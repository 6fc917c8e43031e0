package io.daprguard;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** HTTP clients as the kube-apiserver and Prometheus use them. */
public final class TestClients {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestClients() {}

    /** HTTP/1.1 over TLS (as the kube-apiserver calls), trusting only the CA in {@code certs/ca.crt}. */
    public static HttpClient trusting(Path certs) throws Exception {
        return HttpClient.newBuilder().sslContext(trustingOnly(certs)).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT).build();
    }

    /** A TLS context that trusts only the CA in {@code certs/ca.crt} (the one the server generated). */
    public static SSLContext trustingOnly(Path certs) throws Exception {
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(certs.resolve("ca.crt"))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("dapr-guard-ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    public static HttpResponse<String> post(HttpClient client, int port, String path, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(TIMEOUT).header("Content-Type", "application/json").POST(body).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A plain-HTTP GET on the management port. */
    public static HttpResponse<String> get(int port, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(TIMEOUT);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

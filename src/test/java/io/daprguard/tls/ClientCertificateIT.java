package io.daprguard.tls;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.apache.tomcat.util.net.SSLHostConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.daprguard.tls.TlsTestSupport.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code dapr-guard.tls.client-ca-file} set, the admission port completes TLS only with
 * clients presenting a certificate issued by that CA: a client without a certificate, or with one
 * from another CA, is refused during the TLS handshake and never reaches HTTP. The management port
 * stays plain HTTP without client authentication, and a changed client CA file is picked up by the
 * reload poller.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "dapr-guard.tls.reload-interval=200ms")
@DirtiesContext
class ClientCertificateIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final CertificateGenerator generator = new CertificateGenerator();

    @TempDir
    static Path certificates;

    @TempDir
    static Path clientCaDirectory;

    private static CertificateAndKey clientCa;

    private static CertificateAndKey otherCa;

    @DynamicPropertySource
    static void clientAuthentication(DynamicPropertyRegistry registry) throws Exception {
        clientCa = generator.generateCertificateAuthority(Duration.ofDays(10));
        otherCa = generator.generateCertificateAuthority(Duration.ofDays(10));
        Files.write(clientCaFile(), pem(clientCa.certificate()));
        registry.add("dapr-guard.tls.dir", certificates::toString);
        registry.add("dapr-guard.tls.client-ca-file", () -> clientCaFile().toString());
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private X509Certificate serverCa;

    @BeforeEach
    void readServerCa() throws Exception {
        serverCa = TlsTestSupport.certificate(new CertificateFiles(certificates).caCertificate());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void aClientWithoutACertificateIsRefusedDuringTheHandshake(String protocol) throws Exception {
        assertRefused(TlsTestSupport.trustingOnly(serverCa), protocol);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
    void aClientWithACertificateFromAnotherCaIsRefusedDuringTheHandshake(String protocol) throws Exception {
        CertificateAndKey stranger = TlsTestSupport.clientCertificate(otherCa, "stranger");

        assertRefused(TlsTestSupport.presenting(stranger, serverCa), protocol);
    }

    @Test
    void aClientWithACertificateFromTheClientCaGetsAnHttpAnswer() throws Exception {
        CertificateAndKey apiServer = TlsTestSupport.clientCertificate(clientCa, "kube-apiserver");

        HttpResponse<String> response = post(TlsTestSupport.presenting(apiServer, serverCa));

        assertThat(response.statusCode()).isBetween(200, 499);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.sslSession()).hasValueSatisfying((session) -> assertThat(session.getLocalCertificates())
            .containsExactly(apiServer.certificate()));
    }

    @Test
    void theAdmissionConnectorRequiresClientCertificates(@Autowired WebServerApplicationContext context) {
        SSLHostConfig[] hostConfigs = ((TomcatWebServer) context.getWebServer()).getTomcat()
            .getConnector()
            .findSslHostConfigs();

        assertThat(hostConfigs).singleElement()
            .satisfies((config) -> assertThat(config.getCertificateVerification())
                .isEqualTo(SSLHostConfig.CertificateVerification.REQUIRED));
    }

    @Test
    void theManagementPortNeedsNoClientCertificate() throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .build()
            .send(HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/readyz"))
                .timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(managementPort).isNotEqualTo(port);
        assertThat(response.statusCode()).as("any HTTP answer over plain HTTP").isBetween(200, 599);
    }

    @Test
    void aChangedClientCaFileIsPickedUpWithoutARestart() throws Exception {
        SSLContext fromClientCa = TlsTestSupport.presenting(TlsTestSupport.clientCertificate(clientCa, "a"), serverCa);
        SSLContext fromOtherCa = TlsTestSupport.presenting(TlsTestSupport.clientCertificate(otherCa, "b"), serverCa);
        try {
            Files.write(clientCaFile(), pem(otherCa.certificate()));

            await().atMost(TIMEOUT).until(() -> answers(fromOtherCa));
            assertRefused(fromClientCa, "TLSv1.3");
        }
        finally {
            // Other tests of this class share the server: put the original client CA back.
            Files.write(clientCaFile(), pem(clientCa.certificate()));
            await().atMost(TIMEOUT).until(() -> answers(fromClientCa));
        }
        assertRefused(fromOtherCa, "TLSv1.3");
    }

    private static Path clientCaFile() {
        return clientCaDirectory.resolve("client-ca.crt");
    }

    private HttpResponse<String> post(SSLContext context) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
            .sslContext(context)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate"))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Whether a request over a new connection gets an HTTP answer; {@code false} if TLS refuses it. */
    private boolean answers(SSLContext context) throws Exception {
        return exchange(context, "TLSv1.3") == null;
    }

    private void assertRefused(SSLContext context, String protocol) throws Exception {
        IOException failure = exchange(context, protocol);

        assertThat(failure).as("the server must refuse the connection at the TLS layer")
            .isInstanceOfAny(SSLException.class, SocketException.class, EOFException.class);
    }

    /**
     * Handshakes with {@code protocol} only, sends an HTTP/1.1 request and reads the status line.
     * With TLS 1.2 the server refuses during the handshake ({@code SSLHandshakeException}, fatal
     * alert). With TLS 1.3 the client sends its last handshake message without waiting for the
     * server, so it may learn of the refusal only when it writes (broken pipe, reset) or reads (the
     * server's alert, or the connection closed before any HTTP byte).
     *
     * @return {@code null} if an HTTP status line came back, else the TLS or socket failure
     */
    private IOException exchange(SSLContext context, String protocol) throws Exception {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("localhost", port), (int) TIMEOUT.toMillis());
            plain.setSoTimeout((int) TIMEOUT.toMillis());
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost", port, true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(new String[] { protocol });
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                OutputStream out = socket.getOutputStream();
                out.write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] statusLine = socket.getInputStream().readNBytes("HTTP/1.1 200".length());
                if (statusLine.length == 0) {
                    return new EOFException("connection closed before any HTTP byte");
                }
                assertThat(new String(statusLine, StandardCharsets.US_ASCII)).as("an HTTP status line")
                    .matches("HTTP/1\\.1 \\d{3}");
                return null;
            }
        }
        catch (SSLException | SocketException ex) {
            return ex;
        }
    }
}

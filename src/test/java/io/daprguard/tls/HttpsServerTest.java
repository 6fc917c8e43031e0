package io.daprguard.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Starts the real application on a random port with certificates generated into a temporary
 * directory, and talks to it as the Kubernetes API server would: over HTTPS, trusting only the
 * generated CA, with hostname verification.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class HttpsServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path certificates;

    @DynamicPropertySource
    static void tlsDirectory(DynamicPropertyRegistry registry) {
        registry.add("dapr-guard.tls.dir", () -> certificates.toString());
        registry.add("dapr-guard.tls.dns-names", () -> "dapr-guard.dapr-guard.svc");
    }

    @LocalServerPort
    int port;

    private X509Certificate ca;

    @BeforeEach
    void readGeneratedCa() throws Exception {
        ca = TlsTestSupport.certificate(new CertificateFiles(certificates).caCertificate());
    }

    @Test
    void servesHttp11OverTlsToAClientTrustingOnlyTheGeneratedCaAndDoesNotOfferHttp2() throws Exception {
        HttpResponse<String> response = send(client(TlsTestSupport.trustingOnly(ca), "TLSv1.3", "TLSv1.2"),
                "/does-not-exist");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.version()).as("the client asks for HTTP/2; the server does not offer it")
                .isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.sslSession()).hasValueSatisfying(
                (session) -> assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
    }

    @Test
    void acceptsAClientLimitedToTls12() throws Exception {
        HttpResponse<String> response = send(client(TlsTestSupport.trustingOnly(ca), "TLSv1.2"), "/does-not-exist");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.sslSession()).hasValueSatisfying(
                (session) -> assertThat(session.getProtocol()).isEqualTo("TLSv1.2"));
    }

    @Test
    void certificateIsRejectedForANameItDoesNotCover() throws Exception {
        SSLContext context = TlsTestSupport.trustingOnly(ca);

        try (SSLSocket socket = connect(context, "localhost")) {
            socket.startHandshake();
            assertThat(socket.getSession().getPeerCertificates()[0]).isInstanceOf(X509Certificate.class);
        }
        assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> {
            try (SSLSocket socket = connect(context, "not-covered.example")) {
                socket.startHandshake();
            }
        }).withMessageContaining("not-covered.example");
    }

    @Test
    void certificateIsRejectedByAClientThatDoesNotTrustTheGeneratedCa() throws Exception {
        HttpClient client = client(SSLContext.getDefault(), "TLSv1.3", "TLSv1.2");

        assertThatExceptionOfType(SSLHandshakeException.class).isThrownBy(() -> send(client, "/does-not-exist"));
    }

    /**
     * JSSE clients of this JDK refuse TLS 1.1 and 1.0 themselves, so a JSSE client would prove
     * nothing about the server. A hand-written ClientHello offering only the old version shows the
     * server itself answers with a fatal {@code protocol_version} alert, while the same hello
     * offering TLS 1.2 gets a ServerHello.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({ "TLSv1.1, 0x0302", "TLSv1.0, 0x0301" })
    void refusesAClientOfferingOnlyAnOldProtocolVersion(String protocol, String version) throws Exception {
        byte[] response = exchangeClientHello(Integer.decode(version));

        assertThat(response[0]).as("record type: alert").isEqualTo((byte) 21);
        assertThat(response[5]).as("alert level: fatal").isEqualTo((byte) 2);
        assertThat(response[6]).as("alert description: protocol_version").isEqualTo((byte) 70);
    }

    @Test
    void answersTheSameHandWrittenClientHelloWhenItOffersTls12() throws Exception {
        byte[] response = exchangeClientHello(0x0303);

        assertThat(response[0]).as("record type: handshake").isEqualTo((byte) 22);
        assertThat(response[5]).as("handshake type: server_hello").isEqualTo((byte) 2);
    }

    @Test
    void tomcatEnablesExactlyTls13AndTls12(@Autowired WebServerApplicationContext context) {
        Connector connector = ((TomcatWebServer) context.getWebServer()).getTomcat().getConnector();
        SSLHostConfig[] hostConfigs = connector.findSslHostConfigs();

        assertThat(hostConfigs).hasSize(1);
        assertThat(hostConfigs[0].getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }

    @Test
    void logsTheCaLocationAndCaBundleButNoKeys(CapturedOutput output) throws Exception {
        Path caFile = new CertificateFiles(certificates).caCertificate();
        String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(caFile));

        assertThat(output).contains("TLS CA certificate: " + caFile);
        assertThat(output).contains("): " + caBundle);
        assertThat(output).doesNotContain("PRIVATE KEY");
    }

    @Test
    void writesTheFilesOnlyIntoTheConfiguredDirectory() {
        CertificateFiles files = new CertificateFiles(certificates);

        assertThat(files.caCertificate()).isRegularFile();
        assertThat(files.caKey()).isRegularFile();
        assertThat(files.servingCertificate()).isRegularFile();
        assertThat(files.servingKey()).isRegularFile();
    }

    private HttpClient client(SSLContext context, String... protocols) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(protocols);
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return HttpClient.newBuilder()
            .sslContext(context)
            .sslParameters(parameters)
            .version(HttpClient.Version.HTTP_2)
            .connectTimeout(TIMEOUT)
            .build();
    }

    private HttpResponse<String> send(HttpClient client, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
            .timeout(TIMEOUT)
            .GET()
            .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A TLS socket to the server that verifies the certificate against {@code hostname}. */
    private SSLSocket connect(SSLContext context, String hostname) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("localhost", port), (int) TIMEOUT.toMillis());
        plain.setSoTimeout((int) TIMEOUT.toMillis());
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, hostname, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }

    /** Sends a minimal ClientHello for {@code version} and returns the first 7 bytes of the reply. */
    private byte[] exchangeClientHello(int version) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(clientHello(version));
            socket.getOutputStream().flush();
            byte[] reply = new byte[7];
            new DataInputStream(socket.getInputStream()).readFully(reply);
            return reply;
        }
    }

    private static byte[] clientHello(int version) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeShort(body, version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // empty session id
        int[] cipherSuites = { 0xC02B, 0xC02F, 0xC009, 0xC013, 0x002F }; // ECDHE GCM (1.2), ECDHE/RSA CBC (1.0+)
        writeShort(body, cipherSuites.length * 2);
        for (int suite : cipherSuites) {
            writeShort(body, suite);
        }
        body.write(1); // one compression method:
        body.write(0); // null
        ByteArrayOutputStream extensions = new ByteArrayOutputStream();
        byte[] host = "localhost".getBytes(StandardCharsets.US_ASCII);
        writeExtension(extensions, 0x0000, concat(shortBytes(host.length + 3), new byte[] { 0 },
                shortBytes(host.length), host)); // server_name
        writeExtension(extensions, 0x000A, concat(shortBytes(2), shortBytes(0x0017))); // supported_groups: P-256
        writeExtension(extensions, 0x000B, new byte[] { 1, 0 }); // ec_point_formats: uncompressed
        writeExtension(extensions, 0x000D, concat(shortBytes(6), shortBytes(0x0403), shortBytes(0x0804),
                shortBytes(0x0401))); // signature_algorithms
        writeShort(body, extensions.size());
        body.writeBytes(extensions.toByteArray());

        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(22); // handshake
        writeShort(record, 0x0301); // record layer version, as real clients send
        writeShort(record, body.size() + 4);
        record.write(1); // client_hello
        record.write(0);
        writeShort(record, body.size());
        record.writeBytes(body.toByteArray());
        return record.toByteArray();
    }

    private static void writeExtension(ByteArrayOutputStream out, int type, byte[] data) {
        writeShort(out, type);
        writeShort(out, data.length);
        out.writeBytes(data);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.writeBytes(shortBytes(value));
    }

    private static byte[] shortBytes(int value) {
        return new byte[] { (byte) (value >>> 8), (byte) value };
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}

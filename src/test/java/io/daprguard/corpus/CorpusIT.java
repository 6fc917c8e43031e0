package io.daprguard.corpus;

import io.daprguard.TestClients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.daprguard.policy.Webhook;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every corpus case posted to the real server (packaged configuration, random HTTPS port, a freshly generated CA)
 * at /mutate and /validate, as the kube-apiserver calls it: HTTP/1.1, trusting only that CA. The status must be one
 * the case allows over HTTP (413 and 415 included) and the answer well-formed; afterwards the server must still
 * answer a normal review correctly.
 */
// The audit log quotes uids and rule messages unclipped: with this corpus (a 1 MB uid, megabyte annotation values)
// it would add about 9 MB to the build output. It ran clean over the corpus; AuditLogTest covers its format.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "logging.level.daprguard.audit=off")
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CorpusIT {

    /** Per request; generous because the biggest cases upload megabytes on a busy machine. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final List<CorpusCase> CASES = CorpusCase.all();

    @TempDir
    static Path certs;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("dapr-guard.tls.dir", certs::toString);
        // The corpus's size cases (at-limit, over-limit-*) are built around the default limit: pin it.
        registry.add("dapr-guard.max-request-size", () -> "8MB");
    }

    @LocalServerPort
    int port;

    private static HttpClient http1;

    private static SSLContext tls;

    /** Once the server has started (and so generated its CA): clients that trust only that CA. */
    @BeforeEach
    void clients() throws Exception {
        if (http1 != null) {
            return;
        }
        SSLContext context = TestClients.trustingOnly(certs);
        tls = context;
        http1 = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT).build();
    }

    static Stream<Arguments> cases() {
        return CASES.stream().flatMap(c -> Stream.of(Arguments.of(c, Webhook.MUTATE), Arguments.of(c, Webhook.VALIDATE)));
    }

    @Order(1)
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyCaseGetsAnAllowedWellFormedAnswer(CorpusCase corpusCase, Webhook webhook) {
        assumeTrue(corpusCase.knownIssue() == null, () -> "known issue: " + corpusCase.knownIssue());
        CorpusCase.Body body = corpusCase.body();
        Answer response = assertTimeoutPreemptively(TIMEOUT.multipliedBy(2),
                () -> post(corpusCase, webhook, body), () -> corpusCase + " " + webhook + " took too long");
        Answers.check(corpusCase, webhook, body, corpusCase.httpStatuses(webhook), response.status(),
                response.contentType(), response.body());
    }

    @Order(2)
    @Test
    void afterTheCorpusTheServerStillAnswersANormalReview() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/mutate"))
                .timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of("examples/pod-review.json"))).build();
        HttpResponse<String> response = http1.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.body())
                .startsWith("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
                        + "{\"uid\":\"0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f10\",\"allowed\":true,\"patchType\":\"JSONPatch\"");
    }

    /** An HTTP answer: its status, Content-Type and body. */
    private record Answer(int status, String contentType, byte[] body) {
    }

    private Answer post(CorpusCase corpusCase, Webhook webhook, CorpusCase.Body body) throws Exception {
        byte[] bytes = body.bytes();
        if (!corpusCase.unannounced() && corpusCase.httpStatuses(webhook).contains(413)) {
            return announcedOverTheLimit(webhook, bytes, corpusCase.contentType());
        }
        HttpRequest.BodyPublisher publisher = corpusCase.unannounced()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                : HttpRequest.BodyPublishers.ofByteArray(bytes);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("https://localhost:" + port + "/" + webhook.configName()))
                .timeout(TIMEOUT).POST(publisher);
        if (corpusCase.contentType() != null) {
            request.header("Content-Type", corpusCase.contentType());
        }
        HttpResponse<byte[]> response = http1.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    /**
     * A body announced over the limit, sent as curl sends a large one: the headers with "Expect: 100-continue", the
     * body only if the server asks for it. The server answers 413 from Content-Length and closes the connection; a
     * client that uploads meanwhile may see the reset before the answer (a race in TCP that this test lost once with
     * the JDK's client, as AdmissionOverTlsIT did before it). Over a raw TLS socket, as there.
     */
    private Answer announcedOverTheLimit(Webhook webhook, byte[] bytes, String contentType) throws Exception {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            String headers = "POST /" + webhook.configName() + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
                    + (contentType != null ? "Content-Type: " + contentType + "\r\n" : "")
                    + "Content-Length: " + bytes.length + "\r\nExpect: 100-continue\r\n\r\n";
            socket.getOutputStream().write(headers.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] answer = socket.getInputStream().readAllBytes();
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            assertThat(end).as("a complete answer: %s", text).isPositive();
            String head = text.substring(0, end);
            assertThat(head).as("the answer, not 100 Continue").doesNotStartWith("HTTP/1.1 100");
            assertThat(head.toLowerCase(java.util.Locale.ROOT)).as("a body that is not chunked")
                    .doesNotContain("transfer-encoding: chunked");
            java.util.regex.Matcher type = java.util.regex.Pattern.compile("(?im)^content-type:\\s*(.*)$").matcher(head);
            return new Answer(Integer.parseInt(head.substring(9, 12)), type.find() ? type.group(1).strip() : "",
                    java.util.Arrays.copyOfRange(answer, end + 4, answer.length));
        }
    }
}

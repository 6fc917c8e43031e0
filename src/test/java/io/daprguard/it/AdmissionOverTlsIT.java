package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.TestClients;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The product as a user meets it: the packaged configuration on a random HTTPS port with a freshly generated
 * CA, called the way the kube-apiserver calls it (HTTP/1.1, trusting only that CA, hostname verified). The
 * README's examples are posted and must answer exactly what the README shows, so the README stays true.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class AdmissionOverTlsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern EXAMPLE = Pattern.compile(
            "<!-- readme-example: (\\S+) (\\S+) -->\\n```sh\\n([^\\n]+)\\n```\\n\\n```json\\n([^\\n]+)\\n```");

    @TempDir
    static Path certs;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        registry.add("dapr-guard.tls.dir", certs::toString);
        registry.add("dapr-guard.max-request-size", () -> "64KB");
    }

    @LocalServerPort
    int port;

    private HttpClient client;

    @BeforeEach
    void trustOnlyTheGeneratedCa() throws Exception {
        client = TestClients.trusting(certs);
    }

    private HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(TIMEOUT).header("Content-Type", "application/json").POST(body).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyReadmeExampleAnswersExactlyWhatTheReadmeShows() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher matcher = EXAMPLE.matcher(readme);
        List<String> checked = new ArrayList<>();
        while (matcher.find()) {
            String path = matcher.group(1);
            Path file = Path.of(matcher.group(2));
            assertThat(matcher.group(3)).as("the curl line posts the file it names to the path it names")
                    .contains("--cacert certs/ca.crt").contains("@" + file).endsWith("https://localhost:8443" + path);
            HttpResponse<String> response = post(path, HttpRequest.BodyPublishers.ofFile(file));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(response.body()).as("README response for %s %s", path, file).isEqualTo(matcher.group(4));
            checked.add(path + " " + file);
        }
        assertThat(checked).containsExactly("/mutate examples/pod-review.json",
                "/validate examples/deployment-review.json", "/audit/validate examples/deployment-review.json");
    }

    @Test
    void readmeShowsTheDecodedPatch() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher shown = Pattern.compile("base64 -d; echo\\n```\\n\\n```json\\n([^\\n]+)\\n```").matcher(readme);
        assertThat(shown.find()).isTrue();
        HttpResponse<String> response =
                post("/mutate", HttpRequest.BodyPublishers.ofFile(Path.of("examples/pod-review.json")));
        Matcher patch = Pattern.compile("\"patch\":\"([^\"]*)\"").matcher(response.body());
        assertThat(patch.find()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(patch.group(1)), StandardCharsets.UTF_8))
                .isEqualTo(shown.group(1));
    }

    @Test
    void readmeRulesTableListsEveryRuleWithItsDefaultAction() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (Rule rule : Rules.all()) {
            Matcher row = Pattern.compile("\\n\\| `" + Pattern.quote(rule.id()) + "` \\|[^\\n]*\\| (deny|warn) \\| ([^|]+) \\|")
                    .matcher(readme);
            assertThat(row.find()).as("README rules table row for %s", rule.id()).isTrue();
            assertThat(row.group(1)).as("default action of %s", rule.id()).isEqualTo(rule.defaultAction().configName());
            assertThat(!row.group(2).strip().equals("no")).as("mutates column of %s", rule.id())
                    .isEqualTo(rule.mutates());
        }
    }

    @Test
    void unannouncedBodyOverTheLimitGets413() throws Exception {
        byte[] big = new byte[100 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        HttpResponse<String> response = post("/validate",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("request body is larger than 65536 bytes (dapr-guard.max-request-size)\n");
    }

    /**
     * The kube-apiserver's request as curl sends a large body: headers announcing 4 MiB with "Expect:
     * 100-continue", and no byte of the body until the server asks for it. The answer must be the 413 itself,
     * not "100 Continue". Over a raw socket: a client that uploads while the server closes the connection may see
     * the reset before the answer (a race in TCP, which CI lost once with the JDK's client), and the JDK 17
     * client never completes an expect-continue exchange answered with a final status.
     */
    @Test
    void announcedBodyOverTheLimitGets413BeforeItIsRead() throws Exception {
        javax.net.ssl.SSLSocketFactory factory = TestClients.trustingOnly(certs).getSocketFactory();
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) factory.createSocket("localhost", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + 4 * 1024 * 1024 + "\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413 ").doesNotContain("100 Continue").contains("Connection: close")
                    .endsWith("\r\n\r\nrequest body is larger than 65536 bytes (dapr-guard.max-request-size)\n");
        }
    }

    @Test
    void serverKeepsAnsweringAfterBadInput() throws Exception {
        assertThat(post("/mutate", HttpRequest.BodyPublishers.ofString("{\"kind\":")).statusCode()).isEqualTo(400);
        HttpResponse<String> ok =
                post("/mutate", HttpRequest.BodyPublishers.ofFile(Path.of("examples/pod-review.json")));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("\"uid\":\"0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f10\",\"allowed\":true");
    }

    @Test
    void unknownPathsRevealNothing() throws Exception {
        HttpResponse<String> response = post("/actuator/env", HttpRequest.BodyPublishers.ofString("{}"));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("trace");
    }
}

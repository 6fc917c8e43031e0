package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.tls.PemFiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as the image runs it: Spring's build-time (AOT-processed) context, whose conditions were settled when
 * the jar was built, with the audit off. What the settings switch must still follow the settings: the audit when
 * {@code dapr-guard.audit.enabled} (the chart's default), the AOT cache's training run when
 * {@code dapr-guard.aot-training} (the image build). A condition on either would silently drop it here.
 */
class AotModeIT {

    /** No cluster anywhere: the audit connects in the background and the server starts regardless. */
    private static final List<String> NO_CLUSTER = List.of("-Dkubernetes.master=http://127.0.0.1:1",
            "-Dkubernetes.auth.tryKubeConfig=false", "-Dkubernetes.auth.tryServiceAccount=false");

    @TempDir
    Path dir;

    @Test
    void theAuditRunsWhenItsSettingTurnsItOn() throws Exception {
        try (ServerProcess server = ServerProcess.startReady(dir, NO_CLUSTER, "--dapr-guard.audit.enabled=true")) {
            assertThat(server.output()).contains("Starting AOT-processed DaprGuardApplication");
            String metrics = server.get("/metrics").body();
            assertThat(metrics).contains("daprguard_audit_last_success_timestamp_seconds")
                    .contains("daprguard_admission_");
        }
    }

    @Test
    void theAuditIsOffByDefaultAndReviewsAreAnswered() throws Exception {
        try (ServerProcess server = ServerProcess.startReady(dir, NO_CLUSTER)) {
            assertThat(server.output()).contains("Starting AOT-processed DaprGuardApplication");
            assertThat(server.get("/metrics").body()).contains("daprguard_admission_")
                    .doesNotContain("daprguard_audit_");
            HttpClient client = HttpClient.newBuilder()
                    .sslContext(PemFiles.trusting(PemFiles.readCertificates(server.certs.resolve("ca.crt"))))
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + server.port + "/mutate"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofFile(Path.of("src/test/resources/load/pod-typical-review.json")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"uid\":\"0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f10\"")
                    .contains("\"patchType\":\"JSONPatch\"");
        }
    }

    @Test
    void theAotCacheTrainingRunsAndExits() throws Exception {
        try (ServerProcess server = ServerProcess.start(dir, List.of(), "--dapr-guard.aot-training=true",
                "--dapr-guard.limits.max-concurrent-reviews=1")) {
            assertThat(server.awaitExit(Duration.ofMinutes(5))).as(server.tail()).isZero();
            assertThat(server.output()).contains("Starting AOT-processed DaprGuardApplication")
                    .containsPattern("AOT training: \\d+ requests in \\d+ ms \\(\\d+ shed with 429\\), 0 unexpected answers");
        }
    }
}

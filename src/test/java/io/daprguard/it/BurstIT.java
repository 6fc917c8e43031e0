package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.load.ReviewLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst against the server as the chart runs it: a forked JVM with the image's JVM options (read from the
 * Dockerfile) and the chart's memory limit ({@code -XX:MaxRAM=256m}), then a few thousand reviews over 128
 * concurrent HTTP/1.1 connections the way the kube-apiserver sends them. Every review must get a well-formed
 * AdmissionReview with its uid (patched, or code 429 when refused), and the JVM must still be alive and healthy.
 * Nothing here is timed: the benchmark (bench/burst.sh) measures.
 */
class BurstIT {

    private static final int CONNECTIONS = 128;
    private static final int REVIEWS = 4_000;

    @TempDir
    Path dir;

    @Test
    void everyReviewOfABurstIsAnsweredAndTheServerSurvives() throws Exception {
        try (ServerProcess server = ServerProcess.startReady(dir, List.of())) {
            byte[] body = Files.readAllBytes(Path.of("src/test/resources/load/pod-typical-review.json"));
            ReviewLoad.Result result = ReviewLoad.run(new ReviewLoad.Options("127.0.0.1", server.port, "/mutate", body,
                    CONNECTIONS, 0, 600, REVIEWS, 30_000, ReviewLoad.tls(server.certs.resolve("ca.crt")), 0));

            long answered = result.answers().values().stream().mapToLong(Long::longValue).sum();
            assertThat(answered).as("every review sent got an answer or an error").isEqualTo(REVIEWS);
            assertThat(result.errors()).as("malformed answers, timeouts, broken connections: %s", result.toJson())
                    .isZero();
            assertThat(EnumSet.copyOf(result.answers().keySet()))
                    .as("a typical pod is patched, or refused with code 429 under overload")
                    .isSubsetOf(Set.of(ReviewLoad.Answer.PATCHED, ReviewLoad.Answer.OVERLOADED));
            assertThat(result.answers().get(ReviewLoad.Answer.PATCHED)).as("most reviews are evaluated").isPositive();
            assertThat(server.isAlive()).as("the server is still running: %s", server.tail()).isTrue();
            assertThat(server.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(server.output()).doesNotContain("OutOfMemoryError");
        }
    }
}

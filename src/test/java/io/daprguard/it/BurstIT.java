package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.load.ReviewLoad;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A burst against the server as the chart runs it: a forked JVM with the image's JVM options (read from the
 * Dockerfile) and the chart's memory limit ({@code -XX:MaxRAM=320m}), then a few thousand reviews over 128
 * concurrent HTTP/1.1 connections the way the kube-apiserver sends them. Every review must get a well-formed
 * AdmissionReview with its uid (patched, or code 429 when refused), and the JVM must still be alive and healthy.
 * Nothing here is timed: the benchmark (bench/burst.sh) measures.
 */
class BurstIT {

    private static final int CONNECTIONS = 128;
    private static final int REVIEWS = 4_000;
    private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    @TempDir
    Path dir;

    private Process server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    @Test
    void everyReviewOfABurstIsAnsweredAndTheServerSurvives() throws Exception {
        int port = freePort();
        int managementPort = freePort();
        Path certs = dir.resolve("certs");
        Path log = dir.resolve("server.log");
        List<String> command = new ArrayList<>();
        String java = Files.isExecutable(TEMURIN_25) ? TEMURIN_25.toString()
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command.add(java);
        command.add("-XX:MaxRAM=320m");
        command.addAll(imageJvmOptions(java.equals(TEMURIN_25.toString())));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.daprguard.DaprGuardApplication",
                "--server.port=" + port, "--management.server.port=" + managementPort,
                "--dapr-guard.tls.dir=" + certs, "--dapr-guard.shutdown.drain-period=0s"));
        server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(managementPort, log);

        byte[] body = Files.readAllBytes(Path.of("src/test/resources/load/pod-typical-review.json"));
        ReviewLoad.Result result = ReviewLoad.run(new ReviewLoad.Options("127.0.0.1", port, "/mutate", body,
                CONNECTIONS, 0, 600, REVIEWS, 30_000, ReviewLoad.tls(certs.resolve("ca.crt")), 0));

        long answered = result.answers().values().stream().mapToLong(Long::longValue).sum();
        assertThat(answered).as("every review sent got an answer or an error").isEqualTo(REVIEWS);
        assertThat(result.errors()).as("malformed answers, timeouts, broken connections: %s", result.toJson())
                .isZero();
        assertThat(EnumSet.copyOf(result.answers().keySet()))
                .as("a typical pod is patched, or refused with code 429 under overload")
                .isSubsetOf(Set.of(ReviewLoad.Answer.PATCHED, ReviewLoad.Answer.OVERLOADED));
        assertThat(result.answers().get(ReviewLoad.Answer.PATCHED)).as("most reviews are evaluated").isPositive();
        assertThat(server.isAlive()).as("the server is still running: %s", tail(log)).isTrue();
        assertThat(get(managementPort, "/healthz").statusCode()).isEqualTo(200);
        assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    }

    /**
     * The image's {@code JAVA_TOOL_OPTIONS}, as the chart sets them too; on a JVM older than the image's (the
     * build's Java 17) the options it does not know are left out.
     */
    static List<String> imageJvmOptions(boolean imageJvm) throws IOException {
        Matcher matcher = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(matcher.find()).as("the Dockerfile sets JAVA_TOOL_OPTIONS").isTrue();
        List<String> options = new ArrayList<>(Arrays.asList(matcher.group(1).split(" ")));
        if (!imageJvm) {
            options.removeIf(option -> option.startsWith("-XX:CompileCommand=MemLimit"));
            options.add(0, "-XX:+IgnoreUnrecognizedVMOptions");
        }
        return options;
    }

    private void awaitReady(int managementPort, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            assertThat(server.isAlive()).as("server exited during start-up: %s", tail(log)).isTrue();
            try {
                if (get(managementPort, "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server not ready within 180 s: " + tail(log));
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

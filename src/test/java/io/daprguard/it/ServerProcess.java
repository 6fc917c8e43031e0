package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dapr-guard in a forked JVM, as the chart runs it: the image's JVM options (read from the Dockerfile, Spring's
 * build-time context included), the chart's memory limit ({@code -XX:MaxRAM=256m}), Temurin 25 when it is installed
 * (the image's JVM), the test classpath (target/classes, with what the build's AOT processing generated).
 */
final class ServerProcess implements AutoCloseable {

    private static final Path TEMURIN_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

    final int port;
    final int managementPort;
    final Path certs;
    final Path log;
    private final Process process;

    private ServerProcess(Path dir, List<String> jvmOptions, List<String> arguments) throws IOException {
        port = freePort();
        managementPort = freePort();
        certs = dir.resolve("certs");
        log = dir.resolve("server.log");
        List<String> command = new ArrayList<>();
        String java = Files.isExecutable(TEMURIN_25) ? TEMURIN_25.toString()
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
        command.add(java);
        command.add("-XX:MaxRAM=256m");
        command.addAll(imageJvmOptions(java.equals(TEMURIN_25.toString())));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.daprguard.DaprGuardApplication",
                "--server.port=" + port, "--management.server.port=" + managementPort,
                "--dapr-guard.tls.dir=" + certs, "--dapr-guard.shutdown.drain-period=0s"));
        command.addAll(arguments);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Starts the server and returns once {@code /readyz} answers 200 (fails after 180 s, or if it exits). */
    static ServerProcess startReady(Path dir, List<String> jvmOptions, String... arguments) throws Exception {
        ServerProcess server = new ServerProcess(dir, jvmOptions, List.of(arguments));
        try {
            server.awaitReady();
            return server;
        } catch (Throwable failure) {
            server.close();
            throw failure;
        }
    }

    /** Starts the server without waiting for it. */
    static ServerProcess start(Path dir, List<String> jvmOptions, String... arguments) throws IOException {
        return new ServerProcess(dir, jvmOptions, List.of(arguments));
    }

    /** The Dockerfile's JAVA_TOOL_OPTIONS; on another JVM than the image's, without what only that JVM knows. */
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

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException, IOException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .as("the server exits within %s: %s", timeout, tail()).isTrue();
        return process.exitValue();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    String tail() throws IOException {
        String text = output();
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("server exited during start-up: %s", tail()).isTrue();
            try {
                if (get("/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("server not ready within 180 s: " + tail());
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

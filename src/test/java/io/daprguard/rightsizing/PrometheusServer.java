package io.daprguard.rightsizing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus (the {@code prometheus} and {@code promtool} binaries, 2.42 in Debian) serving history loaded
 * from OpenMetrics text with {@code promtool tsdb create-blocks-from openmetrics}, or scraping one target.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROMTOOL_TIMEOUT = Duration.ofSeconds(120);
    private static final long DAY_SECONDS = 86_400;

    private final Process process;
    private final Path directory;
    private final URI url;

    private PrometheusServer(Process process, Path directory, URI url) {
        this.process = process;
        this.directory = directory;
        this.url = url;
    }

    /**
     * Skips the calling test when the binaries are missing, except under CI (the {@code CI} variable is set), where
     * {@code .ci/run} installs them and their absence fails the test instead of hiding it.
     */
    public static void assumeAvailable() {
        if (System.getenv("CI") != null && !available()) {
            throw new AssertionError("prometheus and promtool are missing under CI; .ci/run installs Debian's "
                    + "prometheus package");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(available(),
                "prometheus and promtool are not installed (.ci/run installs them)");
    }

    /** Whether both binaries are installed. */
    public static boolean available() {
        return binary("prometheus").isPresent() && binary("promtool").isPresent();
    }

    /**
     * Loads the history and starts Prometheus on a free port of 127.0.0.1, returning once it is ready.
     *
     * @param openMetrics OpenMetrics text: each family's samples together, each series in time order, timestamps in
     *     seconds, ending with {@code # EOF}
     */
    public static PrometheusServer start(String openMetrics) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("prometheus-server");
        Path data = directory.resolve("data");
        Files.createDirectories(data);
        createBlocks(openMetrics, directory, data);

        Path config = Files.writeString(directory.resolve("prometheus.yml"), "scrape_configs: []\n");
        return launch(directory, config, data);
    }

    /**
     * Starts Prometheus with an empty store, scraping {@code target} ({@code host:port}, plain HTTP, path
     * {@code /metrics}) every {@code interval}, and returns once it is ready.
     */
    public static PrometheusServer scraping(String target, Duration interval) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("prometheus-server");
        Path data = directory.resolve("data");
        Files.createDirectories(data);
        String every = interval.toMillis() + "ms";
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global: {scrape_interval: %s, scrape_timeout: %s, evaluation_interval: %s}
                scrape_configs:
                - job_name: dapr-guard
                  metrics_path: /metrics
                  static_configs: [{targets: ["%s"]}]
                """.formatted(every, every, every, target));
        return launch(directory, config, data);
    }

    private static PrometheusServer launch(Path directory, Path config, Path data)
            throws IOException, InterruptedException {
        int port = freePort();
        Path log = directory.resolve("prometheus.log");
        // Time-based retention counts back from the newest block, so 30 days keeps a week of history that ends now.
        Process process = new ProcessBuilder(binary("prometheus").orElseThrow().toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=30d",
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PrometheusServer server = new PrometheusServer(process, directory, URI.create("http://127.0.0.1:" + port));
        try {
            server.awaitReady(log);
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Prometheus's base URL. */
    public URI url() {
        return url;
    }

    /** Stops Prometheus (politely, then forcibly) and deletes its files. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(directory);
        }
    }

    /**
     * Runs promtool on one file per UTC day, all at once: promtool 2.42 reads its whole input again for each
     * two-hour block it writes, so a week in one file takes 84 passes. Days are multiples of two hours, so the blocks
     * of different files never overlap.
     */
    private static void createBlocks(String openMetrics, Path directory, Path data)
            throws IOException, InterruptedException {
        List<Process> promtools = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (Map.Entry<Long, String> day : byDay(openMetrics).entrySet()) {
            Path input = Files.writeString(directory.resolve("day-" + day.getKey() + ".om"), day.getValue());
            Path log = directory.resolve("day-" + day.getKey() + ".log");
            logs.add(log);
            promtools.add(new ProcessBuilder(binary("promtool").orElseThrow().toString(), "tsdb",
                    "create-blocks-from", "openmetrics", "--quiet", input.toString(), data.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start());
        }
        for (int i = 0; i < promtools.size(); i++) {
            Process promtool = promtools.get(i);
            if (!promtool.waitFor(PROMTOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                promtools.forEach(Process::destroyForcibly);
                throw new IOException("promtool did not finish within " + PROMTOOL_TIMEOUT);
            }
            if (promtool.exitValue() != 0) {
                throw new IOException("promtool failed: " + Files.readString(logs.get(i)));
            }
        }
    }

    /** The text split into one OpenMetrics text per UTC day, each family's metadata repeated where needed. */
    private static Map<Long, String> byDay(String openMetrics) {
        Map<Long, StringBuilder> days = new TreeMap<>();
        Map<Long, String> headerWritten = new TreeMap<>();
        StringBuilder header = new StringBuilder();
        boolean inHeader = false;
        for (String line : openMetrics.split("\n")) {
            if (line.isBlank() || line.equals("# EOF")) {
                continue;
            }
            if (line.startsWith("#")) {
                if (!inHeader) {
                    header.setLength(0);
                    inHeader = true;
                }
                header.append(line).append('\n');
                continue;
            }
            inHeader = false;
            long seconds = (long) Math.floor(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            long day = Math.floorDiv(seconds, DAY_SECONDS);
            StringBuilder text = days.computeIfAbsent(day, d -> new StringBuilder());
            String current = header.toString();
            if (!current.equals(headerWritten.get(day))) {
                text.append(current);
                headerWritten.put(day, current);
            }
            text.append(line).append('\n');
        }
        Map<Long, String> texts = new TreeMap<>();
        days.forEach((day, text) -> texts.put(day, text + "# EOF\n"));
        return texts;
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(url.resolve("/-/ready")).timeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("prometheus exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IOException("prometheus was not ready within " + READY_TIMEOUT + ": " + Files.readString(log));
    }

    private static Optional<Path> binary(String name) {
        return Stream.concat(
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)),
                        Stream.of("/usr/bin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds OpenMetrics text: one sample every 30 seconds, timestamps in seconds, each family's series together and
     * each series in time order.
     */
    public static final class OpenMetrics {

        /** The sample interval of every series. */
        public static final Duration INTERVAL = Duration.ofSeconds(30);

        private final Map<String, StringBuilder> families = new LinkedHashMap<>();
        private final Map<String, String> types = new LinkedHashMap<>();

        /**
         * A daprd container's working set ({@code container_memory_working_set_bytes}, a gauge) and, when
         * {@code cpuSeconds} is not null, its CPU time ({@code container_cpu_usage_seconds_total}, a counter).
         *
         * @param start the time of sample 0
         * @param count how many samples
         * @param memoryBytes sample index to bytes
         * @param cpuSeconds sample index to cumulative CPU seconds, or null for no CPU series
         */
        public OpenMetrics daprd(String namespace, String pod, Instant start, int count,
                IntToDoubleFunction memoryBytes, IntToDoubleFunction cpuSeconds) {
            Map<String, String> labels = labels("namespace", namespace, "pod", pod, "container", "daprd");
            series("container_memory_working_set_bytes", "gauge", labels, start, count, memoryBytes);
            if (cpuSeconds != null) {
                series("container_cpu_usage_seconds_total", "counter", labels, start, count, cpuSeconds);
            }
            return this;
        }

        /** kube-state-metrics' {@code kube_pod_owner} for a controller owner, 1 at every sample. */
        OpenMetrics podOwner(String namespace, String pod, String ownerKind, String ownerName, Instant start,
                int count) {
            series("kube_pod_owner", "gauge", labels("namespace", namespace, "pod", pod, "owner_kind", ownerKind,
                    "owner_name", ownerName, "owner_is_controller", "true"), start, count, i -> 1);
            return this;
        }

        /** kube-state-metrics' {@code kube_replicaset_owner} for a controller owner, 1 at every sample. */
        OpenMetrics replicaSetOwner(String namespace, String replicaSet, String ownerKind, String ownerName,
                Instant start, int count) {
            series("kube_replicaset_owner", "gauge", labels("namespace", namespace, "replicaset", replicaSet,
                    "owner_kind", ownerKind, "owner_name", ownerName, "owner_is_controller", "true"), start, count,
                    i -> 1);
            return this;
        }

        /** Any series; {@code type} is the family's OpenMetrics type ({@code gauge}, {@code counter}). */
        OpenMetrics series(String family, String type, Map<String, String> labels, Instant start, int count,
                IntToDoubleFunction value) {
            String known = types.putIfAbsent(family, type);
            if (known != null && !known.equals(type)) {
                throw new IllegalArgumentException(family + " is a " + known + ", not a " + type);
            }
            String name = family + labels.entrySet().stream()
                    .map(label -> label.getKey() + "=\"" + label.getValue() + "\"")
                    .collect(Collectors.joining(",", "{", "}"));
            StringBuilder text = families.computeIfAbsent(family, f -> new StringBuilder());
            long first = start.getEpochSecond();
            for (int i = 0; i < count; i++) {
                text.append(name).append(' ').append(format(value.applyAsDouble(i))).append(' ')
                        .append(first + i * INTERVAL.toSeconds()).append('\n');
            }
            return this;
        }

        /** The text, ending with {@code # EOF}. */
        public String text() {
            StringBuilder text = new StringBuilder();
            families.forEach((family, samples) ->
                    text.append("# TYPE ").append(family).append(' ').append(types.get(family)).append('\n')
                            .append(samples));
            return text.append("# EOF\n").toString();
        }

        /** Label names and values, in order. */
        static Map<String, String> labels(String... namesAndValues) {
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < namesAndValues.length; i += 2) {
                labels.put(namesAndValues[i], namesAndValues[i + 1]);
            }
            return labels;
        }

        private static String format(double value) {
            if (Double.isNaN(value)) {
                return "NaN";
            }
            if (Double.isInfinite(value)) {
                return value > 0 ? "+Inf" : "-Inf";
            }
            return Double.toString(value);
        }
    }
}

package io.daprguard.load;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Writes a week (or any span) of daprd history into a Prometheus data directory for bench/rightsizing.sh: cAdvisor's
 * {@code container_memory_working_set_bytes} and {@code container_cpu_usage_seconds_total} for every Dapr pod, and
 * kube-state-metrics' {@code kube_pod_owner} and {@code kube_replicaset_owner}, one sample every 30 seconds.
 *
 * <pre>
 * java -cp target/test-classes io.daprguard.load.DaprdHistory --pods PODS --end EPOCH_S --days 7 --data DIR \
 *     --work DIR [--parallel 2]
 * </pre>
 *
 * {@code PODS} is what {@code bench/lib/fake_apiserver.py --pods-out} writes: "namespace pod owner_kind owner_name
 * top_kind/top_name" per Dapr pod, "namespace replicaset - - Deployment/name" per ReplicaSet. Each workload gets one
 * usage shape, chosen from its name (deterministic): steady (most), spiky, growing, near the guideline's 1000Mi
 * limit, idle. The text goes out in files of 18 hours aligned to multiples of 18 hours, each turned into one TSDB
 * block by {@code promtool tsdb create-blocks-from openmetrics --max-block-duration=18h} (promtool reads its whole
 * input once per block it writes; 18 hours is the largest block a Prometheus with 15 days of retention makes, so it
 * compacts nothing at start) and deleted once promtool is done. It prints one JSON line: series, samples, bytes of
 * text, blocks, seconds.
 */
public final class DaprdHistory {

    private static final int STEP_SECONDS = 30;
    private static final long BLOCK_SECONDS = 18 * 3600;
    private static final double MIB = 1024 * 1024;

    /** How a workload's daprd uses memory and CPU over time. */
    enum Shape { STEADY, SPIKY, GROWING, NEAR_LIMIT, IDLE }

    /** One pod's series: its labels and its workload's shape and scale. */
    record Pod(String namespace, String name, String ownerKind, String ownerName, Shape shape, double memoryMib,
            double cpuCores, double phase) {}

    private final List<Pod> pods = new ArrayList<>();
    private final List<String[]> replicaSets = new ArrayList<>();
    private double[] cpuCounters;
    private long samples;
    private long bytes;

    /** Reads the pod list; each workload's shape and scale follow from its name. */
    DaprdHistory(List<String> lines) {
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f.length != 5) {
                continue;
            }
            if (f[2].equals("-")) {
                replicaSets.add(new String[] {f[0], f[1], f[4].substring(f[4].indexOf('/') + 1)});
                continue;
            }
            SplittableRandom workload = new SplittableRandom((f[0] + "/" + f[4]).hashCode());
            int pick = workload.nextInt(20);
            Shape shape = pick < 13 ? Shape.STEADY : pick < 15 ? Shape.SPIKY : pick < 17 ? Shape.GROWING
                    : pick < 18 ? Shape.NEAR_LIMIT : Shape.IDLE;
            double memory = shape == Shape.NEAR_LIMIT ? 700 : 30 + workload.nextDouble() * 170;
            double cpu = shape == Shape.IDLE ? 0.002 : 0.005 + workload.nextDouble() * 0.15;
            pods.add(new Pod(f[0], f[1], f[2], f[3], shape, memory, cpu, workload.nextDouble() * 2 * Math.PI));
        }
        cpuCounters = new double[pods.size()];
    }

    /** Working set in bytes at time {@code t} (seconds since {@code start}), with noise from {@code random}. */
    static double memoryBytes(Pod pod, long t, long span, SplittableRandom random) {
        double daily = 1 + 0.08 * Math.sin(2 * Math.PI * t / 86_400.0 + pod.phase());
        double noise = 1 + 0.03 * (random.nextDouble() * 2 - 1);
        double mib = pod.memoryMib() * daily * noise;
        switch (pod.shape()) {
            case SPIKY -> mib *= (t + (long) (pod.phase() * 3600)) % 21_600 < 600 ? 2.2 : 1;
            case GROWING -> mib *= 1 + (double) t / span;
            case NEAR_LIMIT -> mib = (t + (long) (pod.phase() * 3600)) % 43_200 < 300 ? 930 + 20 * noise
                    : pod.memoryMib() * noise;
            default -> { }
        }
        return Math.round(mib * MIB);
    }

    /** CPU cores used at time {@code t}. */
    static double cpuCores(Pod pod, long t, SplittableRandom random) {
        double daily = 1 + 0.5 * Math.sin(2 * Math.PI * t / 86_400.0 + pod.phase());
        return Math.max(0, pod.cpuCores() * daily * (1 + 0.2 * (random.nextDouble() * 2 - 1)));
    }

    /** Writes the samples with times in [from, to) (multiples of 30 s after {@code start}) as OpenMetrics text. */
    void write(Path file, long start, long end, long from, long to) throws IOException {
        long first = Math.max(start, start + ceilDiv(from - start, STEP_SECONDS) * STEP_SECONDS);
        try (Out out = new Out(Files.newOutputStream(file))) {
            out.text("# TYPE container_memory_working_set_bytes gauge\n");
            for (int p = 0; p < pods.size(); p++) {
                Pod pod = pods.get(p);
                byte[] name = ("container_memory_working_set_bytes{namespace=\"" + pod.namespace() + "\",pod=\""
                        + pod.name() + "\",container=\"daprd\"} ").getBytes(StandardCharsets.US_ASCII);
                SplittableRandom random = new SplittableRandom(p * 1_000_003L + from);
                for (long t = first; t < to && t <= end; t += STEP_SECONDS) {
                    out.sample(name, (long) memoryBytes(pod, t - start, end - start, random), 0, t);
                }
            }
            out.text("# TYPE container_cpu_usage_seconds_total counter\n");
            for (int p = 0; p < pods.size(); p++) {
                Pod pod = pods.get(p);
                byte[] name = ("container_cpu_usage_seconds_total{namespace=\"" + pod.namespace() + "\",pod=\""
                        + pod.name() + "\",container=\"daprd\"} ").getBytes(StandardCharsets.US_ASCII);
                SplittableRandom random = new SplittableRandom(p * 7_000_003L + from);
                double counter = cpuCounters[p];
                for (long t = first; t < to && t <= end; t += STEP_SECONDS) {
                    counter += cpuCores(pod, t - start, random) * STEP_SECONDS;
                    long millis = Math.round(counter * 1000);
                    out.sample(name, millis / 1000, (int) (millis % 1000), t);
                }
                cpuCounters[p] = counter;
            }
            out.text("# TYPE kube_pod_owner gauge\n");
            for (Pod pod : pods) {
                byte[] name = ("kube_pod_owner{namespace=\"" + pod.namespace() + "\",pod=\"" + pod.name()
                        + "\",owner_kind=\"" + pod.ownerKind() + "\",owner_name=\"" + pod.ownerName()
                        + "\",owner_is_controller=\"true\"} ").getBytes(StandardCharsets.US_ASCII);
                for (long t = first; t < to && t <= end; t += STEP_SECONDS) {
                    out.sample(name, 1, 0, t);
                }
            }
            out.text("# TYPE kube_replicaset_owner gauge\n");
            for (String[] rs : replicaSets) {
                byte[] name = ("kube_replicaset_owner{namespace=\"" + rs[0] + "\",replicaset=\"" + rs[1]
                        + "\",owner_kind=\"Deployment\",owner_name=\"" + rs[2] + "\",owner_is_controller=\"true\"} ")
                        .getBytes(StandardCharsets.US_ASCII);
                for (long t = first; t < to && t <= end; t += STEP_SECONDS) {
                    out.sample(name, 1, 0, t);
                }
            }
            out.text("# EOF\n");
            samples += out.samples;
            bytes += out.bytes;
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** Buffered ASCII output of sample lines, without formatting through strings. */
    private static final class Out implements AutoCloseable {
        private final OutputStream out;
        private final byte[] digits = new byte[24];
        long samples;
        long bytes;

        Out(OutputStream out) {
            this.out = new BufferedOutputStream(out, 1 << 20);
        }

        void text(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.US_ASCII);
            out.write(b);
            bytes += b.length;
        }

        /** {@code name value[.millis] time\n}; {@code millis} 0 writes an integer. */
        void sample(byte[] name, long whole, int millis, long time) throws IOException {
            out.write(name);
            bytes += name.length;
            number(whole);
            if (millis != 0) {
                out.write('.');
                out.write('0' + millis / 100);
                out.write('0' + millis / 10 % 10);
                out.write('0' + millis % 10);
                bytes += 4;
            }
            out.write(' ');
            number(time);
            out.write('\n');
            bytes += 2;
            samples++;
        }

        private void number(long value) throws IOException {
            int at = digits.length;
            long v = value;
            do {
                digits[--at] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v > 0);
            out.write(digits, at, digits.length - at);
            bytes += digits.length - at;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Path podsFile = null;
        Path data = null;
        Path work = null;
        long end = 0;
        double days = 7;
        int parallel = 2;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--pods" -> podsFile = Path.of(args[i + 1]);
                case "--end" -> end = Long.parseLong(args[i + 1]);
                case "--days" -> days = Double.parseDouble(args[i + 1]);
                case "--data" -> data = Path.of(args[i + 1]);
                case "--work" -> work = Path.of(args[i + 1]);
                case "--parallel" -> parallel = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--pods FILE --end EPOCH_S --data DIR --work DIR [--days 7] [--parallel 2])");
            }
        }
        if (podsFile == null || data == null || work == null || end <= 0) {
            throw new IllegalArgumentException("--pods, --end, --data and --work are required");
        }
        long started = System.nanoTime();
        DaprdHistory history = new DaprdHistory(Files.readAllLines(podsFile));
        long start = end - (long) (days * 86_400) + STEP_SECONDS;
        Files.createDirectories(data);
        Files.createDirectories(work);
        Deque<Process> running = new ArrayDeque<>();
        int blocks = 0;
        for (long from = Math.floorDiv(start, BLOCK_SECONDS) * BLOCK_SECONDS; from <= end; from += BLOCK_SECONDS) {
            Path file = work.resolve("history-" + from + ".om");
            history.write(file, start, end, from, from + BLOCK_SECONDS);
            while (running.size() >= parallel) {
                awaitPromtool(running.removeFirst());
            }
            running.addLast(promtool(file, data, work));
            blocks++;
        }
        while (!running.isEmpty()) {
            awaitPromtool(running.removeFirst());
        }
        int series = history.pods.size() * 3 + history.replicaSets.size();
        System.out.printf(Locale.ROOT, "{\"pods\":%d,\"series\":%d,\"samples\":%d,\"text_bytes\":%d,\"blocks\":%d,"
                + "\"start\":%d,\"end\":%d,\"seconds\":%.1f}%n", history.pods.size(), series, history.samples,
                history.bytes, blocks, start, end, (System.nanoTime() - started) / 1e9);
    }

    /** Starts promtool on one file; the file is deleted when it succeeds. */
    private static Process promtool(Path file, Path data, Path work) throws IOException {
        return new ProcessBuilder("sh", "-c", "promtool tsdb create-blocks-from openmetrics --max-block-duration=18h"
                + " --quiet \"$0\" \"$1\" && rm -f \"$0\"", file.toString(), data.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("promtool.log").toFile()))
                .start();
    }

    private static void awaitPromtool(Process process) throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("promtool failed: see promtool.log in the work directory");
        }
    }
}

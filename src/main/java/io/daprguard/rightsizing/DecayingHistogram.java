package io.daprguard.rightsizing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One pod's daprd samples as two histograms (memory and CPU) whose weights decay with a half-life, as the Vertical
 * Pod Autoscaler's recommender keeps them: a sample's weight is {@code 2^((t - reference) / halfLife)}, so a sample one
 * half-life older counts half. Buckets grow by 5 % (memory from 1 MiB, CPU from 1 millicore), so a percentile is read
 * to within 5 %, and only non-empty buckets are kept.
 */
final class DecayingHistogram {

    private static final double RATIO = 1.05;
    private static final double MIB = 1024.0 * 1024.0;
    /** Weights are rescaled before they grow past this. */
    private static final double RESCALE = 1e100;

    private final Duration halfLife;
    private Instant reference;
    private final TreeMap<Integer, Double> memory = new TreeMap<>();
    private final TreeMap<Integer, Double> cpu = new TreeMap<>();
    private double memoryPeak;
    private double cpuPeak = Double.NaN;
    private long samples;
    private Instant first;
    private Instant last;

    DecayingHistogram(Duration halfLife, Instant reference) {
        this.halfLife = halfLife;
        this.reference = reference;
    }

    /** Adds one sample: working-set bytes and CPU cores (NaN when the sample has no CPU). */
    void add(Instant at, double memoryBytes, double cpuCores) {
        double weight = weight(at);
        if (weight > RESCALE) {
            rescale(at);
            weight = weight(at);
        }
        memory.merge(bucket(memoryBytes / MIB), weight, Double::sum);
        memoryPeak = Math.max(memoryPeak, memoryBytes);
        if (!Double.isNaN(cpuCores)) {
            cpu.merge(bucket(cpuCores * 1000), weight, Double::sum);
            cpuPeak = Double.isNaN(cpuPeak) ? cpuCores : Math.max(cpuPeak, cpuCores);
        }
        samples++;
        first = first == null || at.isBefore(first) ? at : first;
        last = last == null || at.isAfter(last) ? at : last;
    }

    Instant last() {
        return last;
    }

    long samples() {
        return samples;
    }

    /** The pod's use as a source reports it: weighted 95th percentiles, peaks, samples, first and last. */
    PodUsage usage(String namespace, String pod) {
        double cpuP95 = cpu.isEmpty() ? Double.NaN : upper(percentile(cpu, 0.95)) / 1000;
        return new PodUsage(namespace, pod, Math.min(upper(percentile(memory, 0.95)) * MIB, memoryPeak), memoryPeak,
                Double.isNaN(cpuP95) ? cpuP95 : Math.min(cpuP95, cpuPeak), cpuPeak, samples, first, last);
    }

    private double weight(Instant at) {
        return Math.pow(2, Duration.between(reference, at).toMillis() / (double) halfLife.toMillis());
    }

    private void rescale(Instant at) {
        double factor = weight(at);
        memory.replaceAll((k, w) -> w / factor);
        cpu.replaceAll((k, w) -> w / factor);
        reference = at;
    }

    /** The bucket of a value (in MiB or millicores): values up to 1 are bucket 0. */
    static int bucket(double value) {
        return value <= 1 ? 0 : (int) Math.ceil(Math.log(value) / Math.log(RATIO));
    }

    /** The upper bound of a bucket. */
    static double upper(int bucket) {
        return Math.pow(RATIO, bucket);
    }

    private static int percentile(TreeMap<Integer, Double> buckets, double q) {
        double total = buckets.values().stream().mapToDouble(Double::doubleValue).sum();
        double seen = 0;
        for (Map.Entry<Integer, Double> e : buckets.entrySet()) {
            seen += e.getValue();
            if (seen >= q * total) {
                return e.getKey();
            }
        }
        return buckets.isEmpty() ? 0 : buckets.lastKey();
    }

    /** The checkpoint form: compact, weights to 6 significant digits. */
    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("ref", reference.toEpochMilli()).put("first", first.toEpochMilli()).put("last", last.toEpochMilli())
                .put("n", samples).put("memPeak", memoryPeak);
        if (!Double.isNaN(cpuPeak)) {
            node.put("cpuPeak", cpuPeak);
        }
        ObjectNode m = node.putObject("mem");
        memory.forEach((k, w) -> m.put(String.valueOf(k), Double.parseDouble(String.format(java.util.Locale.ROOT,
                "%.6g", w))));
        ObjectNode c = node.putObject("cpu");
        cpu.forEach((k, w) -> c.put(String.valueOf(k), Double.parseDouble(String.format(java.util.Locale.ROOT,
                "%.6g", w))));
        return node;
    }

    /** Reads the checkpoint form back. */
    static DecayingHistogram fromJson(JsonNode node, Duration halfLife) {
        DecayingHistogram h = new DecayingHistogram(halfLife, Instant.ofEpochMilli(node.path("ref").asLong()));
        node.path("mem").properties().forEach(e -> h.memory.put(Integer.parseInt(e.getKey()), e.getValue().asDouble()));
        node.path("cpu").properties().forEach(e -> h.cpu.put(Integer.parseInt(e.getKey()), e.getValue().asDouble()));
        h.memoryPeak = node.path("memPeak").asDouble();
        h.cpuPeak = node.has("cpuPeak") ? node.path("cpuPeak").asDouble() : Double.NaN;
        h.samples = node.path("n").asLong();
        h.first = Instant.ofEpochMilli(node.path("first").asLong());
        h.last = Instant.ofEpochMilli(node.path("last").asLong());
        return h;
    }
}

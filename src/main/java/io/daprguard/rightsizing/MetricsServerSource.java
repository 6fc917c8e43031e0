package io.daprguard.rightsizing;

import io.daprguard.cluster.ClusterException;
import io.daprguard.cluster.KubeApi;
import io.daprguard.dapr.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * daprd's use from metrics.k8s.io (metrics-server), for clusters without Prometheus: each audit run samples the
 * current use of every daprd container ({@code GET /apis/metrics.k8s.io/v1beta1/pods}, one call) and adds it to the
 * pod's {@link DecayingHistogram}. The histograms live in one ConfigMap of the release namespace ({@value #NAME}, key
 * {@value #KEY}), read when a replica becomes the leader and written after every run, so a new leader resumes where the
 * last one stopped; never on local disk. At most {@value #MAX_PODS} pods are kept (those sampled last), and a pod not
 * sampled for a window is dropped. metrics.k8s.io not served (404): a {@link SourceException} that says so, and
 * right-sizing has pod status only.
 */
public final class MetricsServerSource implements UsageSource {

    /** The checkpoint ConfigMap's name. */
    public static final String NAME = "dapr-guard-rightsizing-history";
    /** Its data key. */
    public static final String KEY = "histograms.json";
    /** The most pods kept (a few hundred bytes each, well inside a ConfigMap's 1 MiB). */
    public static final int MAX_PODS = 2000;

    static final String PODS = "/apis/metrics.k8s.io/v1beta1/pods";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Supplier<KubeApi> connect;
    private final String namespace;
    private final Duration halfLife;
    private final Duration window;
    private final Map<String, DecayingHistogram> pods = new LinkedHashMap<>();
    private KubeApi api;
    private boolean loaded;
    private String written;

    /**
     * @param connect makes the API client, when it is first needed
     * @param namespace the release namespace, where the checkpoint lives
     * @param halfLife how fast old samples lose weight
     * @param window a pod not sampled for this long is dropped
     */
    public MetricsServerSource(Supplier<KubeApi> connect, String namespace, Duration halfLife, Duration window) {
        this.connect = connect;
        this.namespace = namespace;
        this.halfLife = halfLife;
        this.window = window;
    }

    @Override
    public String name() {
        return "metrics-server";
    }

    @Override
    public synchronized UsageSnapshot fetch(Set<String> namespaces, Instant now) throws SourceException {
        if (api == null) {
            try {
                api = connect.get();
            } catch (RuntimeException e) {
                throw new SourceException("no Kubernetes API client for metrics.k8s.io: " + e.getMessage(), e);
            }
        }
        try {
            if (!loaded) {
                load();
                loaded = true;
            }
            JsonNode list = api.get(PODS);
            if (list == null) {
                throw new SourceException("metrics.k8s.io is not served (no metrics-server in the cluster): "
                        + "right-sizing has pod status only");
            }
            int ignored = 0;
            for (JsonNode item : list.path("items")) {
                String ns = item.path("metadata").path("namespace").asString("");
                String pod = item.path("metadata").path("name").asString("");
                if (!namespaces.isEmpty() && !namespaces.contains(ns)) {
                    continue;
                }
                for (JsonNode container : item.path("containers")) {
                    if (!"daprd".equals(container.path("name").asString(""))) {
                        continue;
                    }
                    double memory = value(container.path("usage").path("memory").asString(""));
                    double cpu = value(container.path("usage").path("cpu").asString(""));
                    Instant at = instant(item.path("timestamp").asString(""), now);
                    if (ns.isEmpty() || pod.isEmpty() || !(memory >= 0) || memory > 1e15 || cpu < 0 || cpu > 1e6) {
                        ignored++;
                        continue;
                    }
                    DecayingHistogram h = pods.computeIfAbsent(ns + "/" + pod, k -> new DecayingHistogram(halfLife, at));
                    if (h.last() == null || at.isAfter(h.last())) {
                        h.add(at, memory, cpu);
                    }
                }
            }
            prune(now);
            save();
            List<PodUsage> usage = new ArrayList<>();
            pods.forEach((key, h) -> {
                int slash = key.indexOf('/');
                String ns = key.substring(0, slash);
                if (namespaces.isEmpty() || namespaces.contains(ns)) {
                    usage.add(h.usage(ns, key.substring(slash + 1)));
                }
            });
            return new UsageSnapshot(usage, Map.of(), 1, ignored);
        } catch (ClusterException e) {
            throw new SourceException("metrics.k8s.io could not be read: " + e.getMessage(), e);
        }
    }

    /** How many pods have a histogram. */
    public synchronized int size() {
        return pods.size();
    }

    private void prune(Instant now) {
        pods.values().removeIf(h -> h.last().isBefore(now.minus(window)));
        if (pods.size() > MAX_PODS) {
            List<String> oldest = pods.entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<String, DecayingHistogram> e) -> e.getValue().last()))
                    .limit(pods.size() - MAX_PODS).map(Map.Entry::getKey).toList();
            oldest.forEach(pods::remove);
        }
    }

    private void load() throws ClusterException {
        String data = ConfigMaps.read(api, namespace, NAME, KEY);
        if (data.isBlank()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : JSON.readTree(data).path("pods").properties()) {
            pods.put(e.getKey(), DecayingHistogram.fromJson(e.getValue(), halfLife));
        }
        written = data;
    }

    private void save() throws ClusterException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("halfLife", halfLife.toString());
        ObjectNode all = root.putObject("pods");
        new java.util.TreeMap<>(pods).forEach((key, h) -> all.set(key, h.toJson()));
        String data = JSON.writeValueAsString(root);
        if (data.equals(written)) {
            return;
        }
        ConfigMaps.write(api, namespace, NAME, KEY, data);
        written = data;
    }

    /** A quantity as a number (bytes, cores); NaN when it does not parse. */
    private static double value(String quantity) {
        return Quantity.parse(quantity).map(q -> q.value().doubleValue()).orElse(Double.NaN);
    }

    private static Instant instant(String text, Instant fallback) {
        try {
            return text.isEmpty() ? fallback : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }
}

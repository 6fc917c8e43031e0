package io.daprguard.rightsizing;

import io.daprguard.cluster.ClusterException;
import io.daprguard.cluster.KubeApi;
import io.daprguard.cluster.SharedState;
import io.daprguard.rules.SidecarDefaults;
import io.daprguard.rules.SidecarDefaultsSource;
import io.daprguard.rules.SidecarSizing;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code dapr-guard.rightsizing.apply: defaults}: the recommendations as sidecar defaults at admission. The audit leader
 * publishes every workload's recommendation in one ConfigMap of the release namespace ({@value #NAME}, key
 * {@value #KEY}; written only when it changed, at most {@value #MAX_ENTRIES} workloads), and every replica reads it back
 * into memory, so that all replicas admit alike and a review never waits on the API or on Prometheus. A pod whose
 * workload has no recommendation gets the policy's defaults; a value the user set is never replaced (mutation only adds
 * what is missing).
 */
public final class RecommendationStore implements SharedState, SidecarDefaultsSource {

    /** The ConfigMap's name. */
    public static final String NAME = "dapr-guard-rightsizing";
    /** Its data key. */
    public static final String KEY = "recommendations.json";
    /** The most workloads it holds (about 150 bytes each: far below a ConfigMap's 1 MiB). */
    public static final int MAX_ENTRIES = 5000;

    private static final Logger log = LoggerFactory.getLogger(RecommendationStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern SCHEDULED_MINUTE = Pattern.compile(PodOwners.SCHEDULED_MINUTE);

    private final RightSizer sizer;
    private final String namespace;
    private final int gomemlimitPercent;
    private volatile Map<String, SidecarDefaults> byWorkload = Map.of();
    private String published;
    private String lastError;

    /**
     * @param namespace the release namespace, where the ConfigMap lives
     * @param gomemlimitPercent the policy's GOMEMLIMIT share, for the defaults built from a recommendation
     */
    public RecommendationStore(RightSizer sizer, String namespace, int gomemlimitPercent) {
        this.sizer = sizer;
        this.namespace = namespace;
        this.gomemlimitPercent = gomemlimitPercent;
    }

    /** The key of a workload: {@code namespace/Kind/name}. */
    static String key(String namespace, String kind, String name) {
        return namespace + "/" + kind + "/" + name;
    }

    @Override
    public synchronized void publish(KubeApi api) {
        String data = document(sizer.sizings());
        if (data.equals(published)) {
            return;
        }
        try {
            ConfigMaps.write(api, namespace, NAME, KEY, data);
            published = data;
            lastError = null;
        } catch (ClusterException e) {
            report("cannot write ConfigMap " + namespace + "/" + NAME + ": " + e.getMessage());
        }
    }

    @Override
    public void refresh(KubeApi api) {
        try {
            load(ConfigMaps.read(api, namespace, NAME, KEY));
            synchronized (this) {
                lastError = null;
            }
        } catch (ClusterException | RuntimeException e) {
            report("cannot read ConfigMap " + namespace + "/" + NAME + " (the last recommendations stay in use): "
                    + e.getMessage());
        }
    }

    private synchronized void report(String error) {
        if (!error.equals(lastError)) {
            log.warn("right-sizing: {}", error);
        }
        lastError = error;
    }

    /** How many workloads have recommended defaults on this replica. */
    public int size() {
        return byWorkload.size();
    }

    @Override
    public SidecarDefaults forPod(String podNamespace, JsonNode pod) {
        Map<String, SidecarDefaults> map = byWorkload;
        if (map.isEmpty()) {
            return null;
        }
        JsonNode metadata = pod.path("metadata");
        for (JsonNode owner : metadata.path("ownerReferences")) {
            if (!owner.path("controller").asBoolean(false)) {
                continue;
            }
            String kind = owner.path("kind").asString("");
            String name = owner.path("name").asString("");
            if (kind.equals("ReplicaSet")) {
                // a Deployment's ReplicaSet is <deployment>-<pod-template-hash>
                String hash = metadata.path("labels").path("pod-template-hash").asString("");
                if (!hash.isEmpty() && name.endsWith("-" + hash)) {
                    SidecarDefaults found = map.get(key(podNamespace, "Deployment",
                            name.substring(0, name.length() - hash.length() - 1)));
                    if (found != null) {
                        return found;
                    }
                }
            } else if (kind.equals("Job")) {
                // a CronJob's Job is <cronjob>-<scheduled minute>
                int dash = name.lastIndexOf('-');
                if (dash > 0 && SCHEDULED_MINUTE.matcher(name).region(dash + 1, name.length()).matches()) {
                    SidecarDefaults found = map.get(key(podNamespace, "CronJob", name.substring(0, dash)));
                    if (found != null) {
                        return found;
                    }
                }
            }
            return map.get(key(podNamespace, kind, name));
        }
        return null;
    }

    /** The published document: every recommendation by workload, sorted, at most {@value #MAX_ENTRIES}. */
    String document(List<SidecarSizing> sizings) {
        Map<String, SidecarSizing.Resources> sorted = new TreeMap<>();
        for (SidecarSizing s : sizings) {
            sorted.put(key(s.owner().namespace(), s.owner().kind(), s.owner().name()), s.recommended());
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode workloads = root.putObject("workloads");
        int count = 0;
        for (Map.Entry<String, SidecarSizing.Resources> e : sorted.entrySet()) {
            if (count++ == MAX_ENTRIES) {
                log.warn("right-sizing: {} workloads have a recommendation; only the first {} are published",
                        sorted.size(), MAX_ENTRIES);
                break;
            }
            SidecarSizing.Resources r = e.getValue();
            workloads.putObject(e.getKey()).put("cpuRequest", r.cpuRequest()).put("cpuLimit", r.cpuLimit())
                    .put("memoryRequest", r.memoryRequest()).put("memoryLimit", r.memoryLimit());
        }
        return JSON.writeValueAsString(root);
    }

    /** Takes a published document as the recommendations this replica applies. */
    void load(String data) {
        byWorkload = parse(data);
    }

    /** Reads a published document; an entry that is not valid sidecar defaults is left out. */
    Map<String, SidecarDefaults> parse(String data) {
        if (data.isBlank()) {
            return Map.of();
        }
        Map<String, SidecarDefaults> map = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : JSON.readTree(data).path("workloads").properties()) {
            JsonNode r = e.getValue();
            try {
                map.put(e.getKey(), SidecarDefaults.of(r.path("cpuRequest").asString(""),
                        r.path("cpuLimit").asString(""), r.path("memoryRequest").asString(""),
                        r.path("memoryLimit").asString(""), gomemlimitPercent));
            } catch (IllegalArgumentException ignored) {
                // not valid defaults (a value kept from an unmeasured CPU may be unset): the policy's apply
            }
        }
        return Map.copyOf(map);
    }
}

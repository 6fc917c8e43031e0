package io.daprguard.cluster;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rightsizing.FixedSource;
import io.daprguard.rightsizing.PodUsage;
import io.daprguard.rightsizing.RightSizer;
import io.daprguard.rightsizing.RightSizingSettings;
import io.daprguard.rightsizing.UsageSource;
import io.daprguard.rules.Action;
import io.daprguard.rules.SidecarDefaults;
import io.daprguard.rules.SidecarSizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * A fixture of a cross-object rule: a set of objects, as a cluster holds them, and the exact findings of the rule of
 * its folder. Format (YAML):
 *
 * <pre>
 * description: what the case shows
 * config:                      # optional: mode, rules
 *   rules: {sidecar-version: deny}
 * objects: [...]               # Namespaces, workloads, pods, Components, Configurations
 * usage:                       # optional: daprd's measured use (a usage source's answer), history ending now
 * - {namespace: shop, pod: orders-6d8f9c7b5-x2kqz, memoryP95Mi: 100, memoryPeakMi: 150, cpuP95: 0.02,
 *    cpuPeak: 0.05, samples: 20160, days: 7}
 * expect:
 *   findings:                  # the folder's rule only; empty: the rule finds nothing
 *   - {kind: Deployment, namespace: shop, name: orders, level: deny, message: "..."}
 * </pre>
 */
record ClusterFixture(String name, JsonNode spec) {

    static final YAMLMapper YAML = YAMLMapper.builder().build();

    static ClusterFixture load(Path file) throws IOException {
        JsonNode spec = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        return new ClusterFixture(file.getParent().getFileName() + "/" + file.getFileName(), spec);
    }

    /** Whether a fixture file is of this format (the others are admission fixtures). */
    static boolean isClusterFixture(Path file) throws IOException {
        return YAML.readTree(Files.readString(file, StandardCharsets.UTF_8)).has("objects");
    }

    FakeCluster cluster() {
        FakeCluster cluster = new FakeCluster();
        spec.path("objects").forEach(cluster::add);
        return cluster;
    }

    Policy policy() {
        JsonNode config = spec.path("config");
        Map<String, Action> rules = new LinkedHashMap<>();
        config.path("rules").properties().forEach(rule -> rules.put(rule.getKey(), Action.parse(rule.getValue().asString())));
        Mode mode = "audit".equals(config.path("mode").asString("")) ? Mode.AUDIT : Mode.ENFORCE;
        return Policy.of(mode, rules, null, SidecarDefaults.GUIDELINE, false);
    }

    NamespaceModes modes() {
        return new NamespaceModes(Set.of("kube-system"), policy().mode());
    }

    /** Right-sizing from the fixture's {@code usage}, as a source would answer; none without it. */
    SidecarSizer sizer() {
        if (!spec.has("usage")) {
            return SidecarSizer.NONE;
        }
        Instant now = Instant.now();
        double mib = 1024.0 * 1024.0;
        List<PodUsage> pods = new ArrayList<>();
        for (JsonNode u : spec.path("usage")) {
            pods.add(new PodUsage(u.path("namespace").asString(), u.path("pod").asString(),
                    u.path("memoryP95Mi").asDouble() * mib, u.path("memoryPeakMi").asDouble() * mib,
                    u.path("cpuP95").asDouble(), u.path("cpuPeak").asDouble(), u.path("samples").asLong(),
                    now.minus(Duration.ofMinutes((long) (u.path("days").asDouble() * 24 * 60))), now));
        }
        UsageSource source = new FixedSource(pods);
        return new RightSizer(source, RightSizingSettings.defaults(policy().defaults().gomemlimitPercent()),
                Clock.systemUTC());
    }

    JsonNode expected() {
        return spec.path("expect").path("findings");
    }
}

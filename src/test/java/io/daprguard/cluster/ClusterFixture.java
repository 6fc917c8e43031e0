package io.daprguard.cluster;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import io.daprguard.rules.SidecarDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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

    JsonNode expected() {
        return spec.path("expect").path("findings");
    }
}

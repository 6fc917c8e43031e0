package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** values.schema.json rejects unknown keys and bad values at render time, and matches values.yaml. */
class ValuesSchemaTest {

    private static JsonNode schema;

    private static JsonNode values;

    @BeforeAll
    static void load() throws IOException {
        schema = JsonMapper.builder().build().readTree(
                Files.readString(ChartRenderer.CHART_DIR.resolve("values.schema.json")));
        values = ChartRenderer.parseYaml(Files.readString(ChartRenderer.CHART_DIR.resolve("values.yaml")));
    }

    @Test
    void unknownTopLevelKeyIsRejected() {
        assertThatThrownBy(() -> chart().set("replicas", 3).render())
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("additional properties 'replicas' not allowed");
    }

    /** Every rule can be given an action and made skippable, and no other id is accepted. */
    @Test
    void theSchemaKnowsEveryRuleId() {
        java.util.List<String> ids = io.daprguard.rules.Rules.all().stream().map(io.daprguard.rules.Rule::id).toList();
        java.util.List<String> actions = new java.util.ArrayList<>();
        schema.path("properties").path("policy").path("properties").path("rules").path("properties").propertyNames()
                .forEach(actions::add);
        java.util.List<String> skippable = new java.util.ArrayList<>();
        schema.path("definitions").path("ruleId").path("enum").forEach(id -> skippable.add(id.asString()));
        assertThat(actions).isEqualTo(ids);
        assertThat(skippable).isEqualTo(ids);
        assertThat(chart().set("policy.rules.component-metadata", "deny").set("policy.rules.sidecar-right-size", "off")
                .render().get("ConfigMap", "dapr-guard").path("data").path("application.yaml").asString())
                .contains("component-metadata: deny").contains("sidecar-right-size: \"off\"");
    }

    @Test
    void unknownNestedKeyIsRejected() {
        assertThatThrownBy(() -> chart().set("webhook.failurePolicy", "Fail").render())
                .hasMessageContaining("additional properties 'failurePolicy' not allowed");
        assertThatThrownBy(() -> chart().set("policy.rules.sidecar-resource", "deny").render())
                .hasMessageContaining("additional properties 'sidecar-resource' not allowed");
    }

    @Test
    void badModeIsRejected() {
        assertThatThrownBy(() -> chart().set("mode", "strict").render())
                .hasMessageContaining("/mode")
                .hasMessageContaining("'enforce', 'audit'");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "policy.rules.log-level, block",
        "policy.sidecar.memoryLimit, 1000MB",
        "policy.sidecar.cpuLimit, 1 cpu",
        "policy.sidecar.gomemlimitPercent, 101",
        "policy.skippable[0], no-such-rule",
        "admission.maxWait, 250 ms",
        "admission.maxRequestSize, 8 megabytes",
        "webhook.timeoutSeconds, 0",
        "webhook.timeoutSeconds, 31",
        "webhook.mutatingFailurePolicy, ignore",
        "webhook.mutatingName, Dapr_Guard",
        "webhook.excludeNamespaces[0], Not A Namespace",
        "replicaCount, 0",
        "image.pullPolicy, Sometimes",
        "image.digest, latest",
        "certManager.duration, 90d",
        "jvm.maxRamPercentage, 95",
        "logging.format, json",
        "topologySpreadConstraints[0].whenUnsatisfiable, Never",
        "resources.limits.memory, lots",
        "networkPolicy.admissionFrom[0].podSelector.matchLabels, app",
        "shutdown.drainPeriodSeconds, -1",
    })
    void badValuesAreRejected(String key, String value) {
        assertThatThrownBy(() -> chart().set(key, value).render())
                .hasMessageContaining("values don't meet the specifications of the schema");
    }

    @Test
    void unquotedOffIsAcceptedAndWrittenAsOff() {
        JsonNode config = ChartRenderer.parseYaml(chart().set("policy.rules.api-token", false).render()
                .only("ConfigMap").path("data").path("application.yaml").asString());
        assertThat(config.path("dapr-guard").path("rules").path("api-token").asString()).isEqualTo("off");
    }

    @Test
    void everyObjectLevelOfTheSchemaIsClosed() {
        List<String> open = new ArrayList<>();
        walk(schema, "$", open);
        assertThat(open).as("object schemas without additionalProperties: false").isEmpty();
    }

    @Test
    void everyKeyInValuesYamlIsInTheSchema() {
        List<String> missing = new ArrayList<>();
        checkDeclared(values, schema, "", missing);
        assertThat(missing).isEmpty();
    }

    @Test
    void everyKeyInValuesYamlIsUsedByATemplate() throws IOException {
        StringBuilder templates = new StringBuilder();
        try (Stream<Path> files = Files.list(ChartRenderer.CHART_DIR.resolve("templates"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                templates.append(Files.readString(file));
            }
        }
        List<String> unused = new ArrayList<>();
        for (String key : keys(values, "")) {
            String name = key.substring(key.lastIndexOf('.') + 1);
            if (!templates.toString().contains("." + name)) {
                unused.add(key);
            }
        }
        assertThat(unused).as("values no template reads").isEmpty();
    }

    @Test
    void everyKeyInValuesYamlIsDocumented() throws IOException {
        List<String> lines = Files.readAllLines(ChartRenderer.CHART_DIR.resolve("values.yaml"));
        // Blocks whose default is documented as a whole by the comment above them.
        List<String> documentedAsAWhole = List.of("podSecurityContext", "containerSecurityContext", "resources",
                "topologySpreadConstraints");
        Pattern key = Pattern.compile("^( *)(- )?([A-Za-z][A-Za-z0-9]*):.*");
        List<String> undocumented = new ArrayList<>();
        Deque<Map.Entry<Integer, String>> parents = new ArrayDeque<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher matcher = key.matcher(lines.get(i));
            if (!matcher.matches()) {
                continue;
            }
            int indent = matcher.group(1).length() + (matcher.group(2) == null ? 0 : 2);
            while (!parents.isEmpty() && parents.peek().getKey() >= indent) {
                parents.pop();
            }
            boolean insideDocumentedBlock = parents.stream().anyMatch(p -> documentedAsAWhole.contains(p.getValue()));
            boolean listItemContinuation = matcher.group(2) == null && i > 0 && lines.get(i - 1).trim().startsWith("- ");
            boolean commented = i > 0 && lines.get(i - 1).trim().startsWith("#");
            if (!insideDocumentedBlock && !listItemContinuation && !commented) {
                undocumented.add(lines.get(i).trim());
            }
            parents.push(Map.entry(indent, matcher.group(3)));
        }
        assertThat(undocumented).as("keys without a comment right above").isEmpty();
    }

    /** Every object schema must say additionalProperties false, or be a typed map, or a marked pass-through. */
    private static void walk(JsonNode node, String where, List<String> open) {
        if (node.isObject()) {
            boolean isObjectSchema = "object".equals(node.path("type").asString(""));
            if (isObjectSchema) {
                JsonNode additional = node.path("additionalProperties");
                boolean closed = additional.isBoolean() && !additional.asBoolean();
                boolean typedMap = additional.isObject() && !node.has("properties");
                boolean passThrough = node.path("$comment").asString("").startsWith("pass-through:");
                if (!closed && !typedMap && !passThrough) {
                    open.add(where);
                }
            }
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                walk(entry.getValue(), where + "." + entry.getKey(), open);
            }
        }
        else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), where + "[" + i + "]", open);
            }
        }
    }

    private static void checkDeclared(JsonNode value, JsonNode schemaNode, String where, List<String> missing) {
        JsonNode resolved = resolve(schemaNode);
        if (!value.isObject() || !resolved.has("properties")) {
            return;
        }
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            JsonNode property = resolved.path("properties").path(entry.getKey());
            if (property.isMissingNode()) {
                missing.add(where + entry.getKey());
            }
            else {
                checkDeclared(entry.getValue(), property, where + entry.getKey() + ".", missing);
            }
        }
    }

    private static JsonNode resolve(JsonNode schemaNode) {
        String ref = schemaNode.path("$ref").asString("");
        return ref.startsWith("#/definitions/")
                ? schema.path("definitions").path(ref.substring("#/definitions/".length())) : schemaNode;
    }

    /** Dotted paths of every key of values.yaml, including maps' own keys but not the entries of free-form maps. */
    private static List<String> keys(JsonNode node, String prefix) {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = prefix + entry.getKey();
            keys.add(key);
            if (entry.getValue().isObject() && !List.of("podSecurityContext", "containerSecurityContext",
                    "resources").contains(key)) {
                keys.addAll(keys(entry.getValue(), key + "."));
            }
        }
        return keys;
    }
}

package io.daprguard.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.daprguard.cli.PolicyLoader;
import io.daprguard.nativepolicy.NativeCatalog;
import io.daprguard.nativepolicy.NativeExport;
import io.daprguard.policy.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The chart's {@code engine: webhook | native | both}: the native policies it renders are exactly what
 * {@code export native} writes for the policy the chart gives the server (same kinds, names and specs, in the same
 * order), for the default values and for overrides of every setting the policies depend on; what runs with each
 * engine; the versions and combinations it refuses; lint with each engine.
 */
class NativeChartTest {

    private static final Path CATALOG = ChartRenderer.CHART_DIR.resolve("files/native-catalog.json");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final Set<String> NATIVE_KINDS = Set.of("ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding");

    @Test
    void theCatalogIsCurrent() throws IOException {
        String generated = JSON.writeValueAsString(NativeCatalog.generate()) + "\n";
        if (Boolean.getBoolean("dapr-guard.regenerate")) {
            Files.writeString(CATALOG, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(CATALOG, StandardCharsets.UTF_8))
                .as("%s is stale: run ./mvnw test -Dtest=NativeChartTest -Ddapr-guard.regenerate=true", CATALOG)
                .isEqualTo(generated);
    }

    /** Values that change the native policies, each with engine native and both. */
    @TestFactory
    Stream<DynamicTest> theChartRendersWhatExportNativeWritesForTheSamePolicy() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Map<String, Object>> variants = List.of(
                Map.of(),
                Map.of("policy.rules.log-level", "deny", "policy.rules.api-token", "off",
                        "policy.rules.config-tracing", "warn", "policy.rules.enabled-value", "warn"),
                Map.of("policy.rules.app-id", "off", "policy.rules.log-level", "off", "policy.rules.sidecar-resources",
                        "off", "policy.rules.sidecar-seccomp", "off", "policy.rules.sidecar-gomemlimit", "off"),
                Map.of("policy.rules.sidecar-resources", "warn", "policy.skippable", List.of("sidecar-resources",
                        "api-token", "sidecar-gomemlimit")),
                Map.of("policy.skippable", List.of()),
                Map.of("policy.skip.requireReason", true),
                Map.of("policy.mutateTemplates", true),
                Map.of("policy.sidecar.cpuRequest", "50m", "policy.sidecar.cpuLimit", "0.5",
                        "policy.sidecar.memoryRequest", "128Mi", "policy.sidecar.memoryLimit", "512Mi",
                        "policy.sidecar.gomemlimitPercent", 80),
                Map.of("mode", "audit"),
                Map.of("webhook.excludeNamespaces", List.of("monitoring", "dapr-system")),
                Map.of("native.mutation", false));
        for (String engine : List.of("native", "both")) {
            for (Map<String, Object> values : variants) {
                tests.add(DynamicTest.dynamicTest(engine + " " + values, () -> compare(engine, values)));
            }
        }
        return tests.stream();
    }

    private static void compare(String engine, Map<String, Object> values) throws Exception {
        // a values file, as a user writes them (--set would read off, [] and lists its own way)
        ObjectNode tree = JSON.createObjectNode();
        tree.put("engine", engine);
        tree.putObject("audit").put("enabled", true);
        values.forEach((key, value) -> {
            ObjectNode at = tree;
            String[] parts = key.split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                at = at.has(parts[i]) ? (ObjectNode) at.get(parts[i]) : at.putObject(parts[i]);
            }
            at.set(parts[parts.length - 1], JSON.valueToTree(value));
        });
        Path valuesFile = Files.createTempFile("values", ".yaml");
        Manifests manifests;
        try {
            Files.writeString(valuesFile, JSON.writeValueAsString(tree));
            manifests = ChartRenderer.chart().kubeVersion("1.36.3").valuesFile(valuesFile).render();
        } finally {
            Files.delete(valuesFile);
        }
        boolean mutation = !Boolean.FALSE.equals(values.get("native.mutation"));
        String applicationYaml = manifests.get("ConfigMap", "dapr-guard").path("data").path("application.yaml")
                .asString();
        Path file = Files.createTempFile("application", ".yaml");
        try {
            Files.writeString(file, applicationYaml);
            Policy policy = PolicyLoader.load(file, Map.of());
            Set<String> excluded = new LinkedHashSet<>(List.of("kube-system", ChartRenderer.NAMESPACE));
            @SuppressWarnings("unchecked")
            List<String> more = (List<String>) values.getOrDefault("webhook.excludeNamespaces", List.of());
            excluded.addAll(more);
            NativeExport.Result export = NativeExport.export(policy,
                    new NativeExport.Options(excluded, mutation, engine.equals("both")));

            // Helm orders a release's objects by kind (its install order), export native each policy before its
            // bindings: the same objects either way
            assertThat(nativeObjects(manifests.all())).containsExactlyInAnyOrderElementsOf(
                    comparable(export.objects()));
            JsonNode nativeRules = ChartRenderer.parseYaml(applicationYaml).path("dapr-guard").path("native-rules");
            if (engine.equals("both")) {
                List<String> named = new ArrayList<>();
                nativeRules.forEach(rule -> named.add(rule.asString()));
                assertThat(named).as("the server's native-rules").containsExactlyInAnyOrderElementsOf(
                        export.nativeRules());
            } else {
                assertThat(nativeRules.isMissingNode()).as("native-rules with engine native").isTrue();
            }
        } finally {
            Files.delete(file);
        }
    }

    /** kind, name and spec of the native objects. */
    private static List<JsonNode> nativeObjects(List<JsonNode> documents) {
        return comparable(documents.stream().filter(d -> NATIVE_KINDS.contains(Manifests.kind(d))).toList());
    }

    private static List<JsonNode> comparable(List<? extends JsonNode> objects) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode object : objects) {
            ObjectNode copy = JSON.createObjectNode();
            copy.put("kind", object.path("kind").asString());
            copy.put("name", object.path("metadata").path("name").asString());
            copy.set("spec", object.path("spec"));
            out.add(copy);
        }
        return out;
    }

    @Test
    void theWebhookEngineRendersNoNativePolicyAndTheNativeOneNoWebhook() {
        Manifests webhook = ChartRenderer.chart().kubeVersion("1.36.3").render();
        assertThat(nativeObjects(webhook.all())).isEmpty();
        assertThat(webhook.ofKind("MutatingWebhookConfiguration")).hasSize(1);

        Manifests nativeWithAudit = ChartRenderer.chart().kubeVersion("1.36.3").set("engine", "native")
                .set("audit.enabled", true).render();
        assertThat(nativeWithAudit.ofKind("MutatingWebhookConfiguration")).isEmpty();
        assertThat(nativeWithAudit.ofKind("ValidatingWebhookConfiguration")).isEmpty();
        assertThat(nativeWithAudit.ofKind("Deployment")).as("the audit runs").hasSize(1);
        assertThat(nativeWithAudit.ofKind("Secret")).as("its serving certificate").hasSize(1);
        assertThat(nativeWithAudit.ofKind("MutatingAdmissionPolicy")).hasSize(1);

        Manifests both = ChartRenderer.chart().kubeVersion("1.36.3").set("engine", "both").render();
        assertThat(both.ofKind("MutatingWebhookConfiguration")).hasSize(1);
        assertThat(both.ofKind("ValidatingAdmissionPolicy")).isNotEmpty();
    }

    @Test
    void nativeWithTheAuditOffRunsNoPodAtAll() {
        Manifests manifests = ChartRenderer.chart().kubeVersion("1.36.3").set("engine", "native")
                .set("audit.enabled", false).render();

        assertThat(manifests.all()).map(Manifests::kind).allMatch(NATIVE_KINDS::contains);
        assertThat(manifests.ofKind("Deployment")).isEmpty();
        assertThat(manifests.ofKind("ValidatingAdmissionPolicy")).isNotEmpty();
    }

    @Test
    void nativeMutationNeedsKubernetes136AndValidationOnlyNeeds130() {
        assertThatThrownBy(() -> ChartRenderer.chart().kubeVersion("1.35.2").set("engine", "native").renderYaml())
                .hasMessageContaining("engine: native with native.mutation: true needs MutatingAdmissionPolicy in"
                        + " admissionregistration.k8s.io/v1, served from Kubernetes 1.36; this cluster is v1.35.2."
                        + " Set native.mutation: false for validation only (from 1.30)");
        Manifests validationOnly = ChartRenderer.chart().kubeVersion("1.30.0").set("engine", "both")
                .set("native.mutation", false).render();
        assertThat(validationOnly.ofKind("MutatingAdmissionPolicy")).isEmpty();
        assertThat(validationOnly.ofKind("ValidatingAdmissionPolicy")).isNotEmpty();
        assertThatThrownBy(() -> ChartRenderer.chart().kubeVersion("1.29.9").set("engine", "both")
                .set("native.mutation", false).renderYaml())
                .hasMessageContaining("engine: both needs ValidatingAdmissionPolicy in admissionregistration.k8s.io/v1,"
                        + " served from Kubernetes 1.30; this cluster is v1.29.9. Use engine: webhook.");
        assertThatThrownBy(() -> ChartRenderer.chart().kubeVersion("1.36.0").set("engine", "lasers").renderYaml())
                .hasMessageContaining("engine");
    }

    @Test
    void rightSizingThatAppliesDefaultsNeedsTheWebhookToAddThem() {
        assertThatThrownBy(() -> ChartRenderer.chart().kubeVersion("1.36.0").set("engine", "both")
                .set("rightsizing.apply", "defaults").set("rightsizing.metricsServer", true).renderYaml())
                .hasMessageContaining("rightsizing.apply: defaults needs the webhook to add each workload's"
                        + " recommended sidecar values");
        assertThat(ChartRenderer.chart().kubeVersion("1.36.0").set("engine", "both").set("native.mutation", false)
                .set("rightsizing.apply", "defaults").set("rightsizing.metricsServer", true).render()
                .ofKind("ValidatingAdmissionPolicy")).isNotEmpty();
    }

    /** helm lint --strict of a copy of the chart whose default engine is native, then both. */
    @Test
    void strictLintPassesWithEachEngine(@TempDir Path copies) throws IOException {
        for (String engine : List.of("webhook", "native", "both")) {
            Path chart = ChartRenderer.copyChart(copies.resolve(engine));
            Path values = chart.resolve("values.yaml");
            Files.writeString(values, Files.readString(values).replace("engine: webhook\n", "engine: " + engine + "\n")
                    .replace("  mutation: true\n", "  mutation: false\n"));
            LintResult result = new Helm(chart).lint().strict().call();
            assertThat(result.isFailed()).as(engine + ": " + String.join("\n", result.getMessages())).isFalse();
            assertThat(result.getMessages()).as(engine).noneMatch(message -> message.contains("[WARNING]"))
                    .noneMatch(message -> message.contains("[ERROR]"));
        }
    }
}

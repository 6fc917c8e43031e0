package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.NAMESPACE;
import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The two webhook configurations with default values: entries, paths, scope, policies, matchConditions. */
class WebhookConfigurationTest {

    static final String MUTATING = "MutatingWebhookConfiguration";
    static final String VALIDATING = "ValidatingWebhookConfiguration";

    private static Manifests manifests;

    @BeforeAll
    static void render() {
        manifests = chart().render();
    }

    @Test
    void bothConfigurationsAreNamedDaprGuard() {
        assertThat(manifests.only(MUTATING).path("metadata").path("name").asString()).isEqualTo("dapr-guard");
        assertThat(manifests.only(VALIDATING).path("metadata").path("name").asString()).isEqualTo("dapr-guard");
    }

    @Test
    void eachConfigurationHasAnEnforceAndAnAuditEntry() {
        assertThat(names(MUTATING)).containsExactly("mutate.dapr-guard.io", "mutate-audit.dapr-guard.io");
        assertThat(names(VALIDATING)).containsExactly("validate.dapr-guard.io", "validate-audit.dapr-guard.io");
    }

    @Test
    void entriesCallTheServiceOnTheirPath() {
        assertThat(path(MUTATING, "mutate.dapr-guard.io")).isEqualTo("/mutate");
        assertThat(path(MUTATING, "mutate-audit.dapr-guard.io")).isEqualTo("/audit/mutate");
        assertThat(path(VALIDATING, "validate.dapr-guard.io")).isEqualTo("/validate");
        assertThat(path(VALIDATING, "validate-audit.dapr-guard.io")).isEqualTo("/audit/validate");
        String service = manifests.only("Service").path("metadata").path("name").asString();
        for (JsonNode webhook : allEntries()) {
            JsonNode clientService = webhook.path("clientConfig").path("service");
            assertThat(clientService.path("name").asString()).isEqualTo(service);
            assertThat(clientService.path("namespace").asString()).isEqualTo(NAMESPACE);
            assertThat(clientService.path("port").asInt()).isEqualTo(443);
            assertThat(webhook.path("clientConfig").has("url")).isFalse();
        }
    }

    @Test
    void entriesAreSideEffectFreeAndSpeakBothReviewVersions() {
        for (JsonNode webhook : allEntries()) {
            assertThat(webhook.path("sideEffects").asString()).isEqualTo("None");
            assertThat(webhook.path("admissionReviewVersions")).extracting(JsonNode::asString)
                    .containsExactly("v1", "v1beta1");
            assertThat(webhook.path("matchPolicy").asString()).isEqualTo("Equivalent");
            assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(5);
            assertThat(webhook.has("objectSelector")).as("labels are the user's to change: no opt-out by label")
                    .isFalse();
        }
    }

    @Test
    void onlyMutatingEntriesAreReinvoked() {
        for (JsonNode webhook : manifests.only(MUTATING).path("webhooks")) {
            assertThat(webhook.path("reinvocationPolicy").asString()).isEqualTo("IfNeeded");
        }
        for (JsonNode webhook : manifests.only(VALIDATING).path("webhooks")) {
            assertThat(webhook.has("reinvocationPolicy")).isFalse();
        }
    }

    @Test
    void mutationFailsOpenValidationFailsClosedAuditNeverBlocks() {
        assertThat(entry(MUTATING, "mutate.dapr-guard.io").path("failurePolicy").asString()).isEqualTo("Ignore");
        assertThat(entry(VALIDATING, "validate.dapr-guard.io").path("failurePolicy").asString()).isEqualTo("Fail");
        assertThat(entry(MUTATING, "mutate-audit.dapr-guard.io").path("failurePolicy").asString())
                .isEqualTo("Ignore");
        assertThat(entry(VALIDATING, "validate-audit.dapr-guard.io").path("failurePolicy").asString())
                .isEqualTo("Ignore");
    }

    @Test
    void failurePoliciesAndTimeoutFollowTheValues() {
        Manifests rendered = chart()
                .set("webhook.mutatingFailurePolicy", "Fail")
                .set("webhook.validatingFailurePolicy", "Ignore")
                .set("webhook.timeoutSeconds", 30)
                .render();
        assertThat(entryIn(rendered, MUTATING, "mutate.dapr-guard.io").path("failurePolicy").asString())
                .isEqualTo("Fail");
        assertThat(entryIn(rendered, VALIDATING, "validate.dapr-guard.io").path("failurePolicy").asString())
                .isEqualTo("Ignore");
        assertThat(entryIn(rendered, VALIDATING, "validate.dapr-guard.io").path("timeoutSeconds").asInt())
                .isEqualTo(30);
    }

    @Test
    void rulesCoverPodsOnCreateWorkloadsOnCreateAndUpdateAndDaprKindsForValidation() {
        for (JsonNode webhook : allEntries()) {
            List<String> rules = new ArrayList<>();
            for (JsonNode rule : webhook.path("rules")) {
                assertThat(rule.path("scope").asString()).isEqualTo("Namespaced");
                rules.add(join(rule.path("apiGroups")) + "|" + join(rule.path("apiVersions")) + "|"
                        + join(rule.path("resources")) + "|" + join(rule.path("operations")));
            }
            List<String> expected = new ArrayList<>(List.of(
                    "|v1|pods|CREATE",
                    "apps|v1|deployments,statefulsets,daemonsets,replicasets|CREATE,UPDATE",
                    "batch|v1|jobs,cronjobs|CREATE,UPDATE"));
            if (webhook.path("name").asString().startsWith("validate")) {
                expected.add("dapr.io|v1alpha1|components,configurations|CREATE,UPDATE");
            }
            assertThat(rules).as(webhook.path("name").asString()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void everyNamespaceIsReviewedByExactlyOneEntryOfEachConfiguration() {
        assertReviewedBy(LabelSelectors.namespace("shop"), "mutate.dapr-guard.io", "validate.dapr-guard.io");
        assertReviewedBy(LabelSelectors.namespace("shop", "daprguard.io/mode", "enforce"),
                "mutate.dapr-guard.io", "validate.dapr-guard.io");
        assertReviewedBy(LabelSelectors.namespace("shop", "daprguard.io/mode", "anything-else"),
                "mutate.dapr-guard.io", "validate.dapr-guard.io");
        assertReviewedBy(LabelSelectors.namespace("legacy", "daprguard.io/mode", "audit"),
                "mutate-audit.dapr-guard.io", "validate-audit.dapr-guard.io");
    }

    @Test
    void systemOwnAndOptedOutNamespacesAreNeverReviewed() {
        assertReviewedBy(LabelSelectors.namespace("kube-system"));
        assertReviewedBy(LabelSelectors.namespace("kube-system", "daprguard.io/mode", "audit"));
        assertReviewedBy(LabelSelectors.namespace(NAMESPACE));
        assertReviewedBy(LabelSelectors.namespace(NAMESPACE, "daprguard.io/mode", "audit"));
        assertReviewedBy(LabelSelectors.namespace("sandbox", "daprguard.io/mode", "off"));
    }

    @Test
    void everyEntryExcludesKubeSystemAndTheReleaseNamespaceByName() {
        for (JsonNode webhook : allEntries()) {
            JsonNode byName = null;
            for (JsonNode expression : webhook.path("namespaceSelector").path("matchExpressions")) {
                if ("kubernetes.io/metadata.name".equals(expression.path("key").asString())) {
                    byName = expression;
                }
            }
            assertThat(byName).as(webhook.path("name").asString()).isNotNull();
            assertThat(byName.path("operator").asString()).isEqualTo("NotIn");
            assertThat(byName.path("values")).extracting(JsonNode::asString)
                    .containsExactlyInAnyOrder("kube-system", NAMESPACE);
        }
    }

    @Test
    void excludedNamespacesAreAddedToEveryEntry() {
        Manifests rendered = chart()
                .set("webhook.excludeNamespaces[0]", "monitoring")
                .set("webhook.excludeNamespaces[1]", "kube-system")
                .render();
        for (String kind : List.of(MUTATING, VALIDATING)) {
            for (JsonNode webhook : rendered.only(kind).path("webhooks")) {
                JsonNode selector = webhook.path("namespaceSelector");
                assertThat(LabelSelectors.matches(selector, LabelSelectors.namespace("monitoring"))).isFalse();
                assertThat(LabelSelectors.matches(selector,
                        LabelSelectors.namespace("monitoring", "daprguard.io/mode", "audit"))).isFalse();
                assertThat(selector.path("matchExpressions").get(0).path("values")).extracting(JsonNode::asString)
                        .as("duplicates removed").containsExactly("kube-system", NAMESPACE, "monitoring");
            }
        }
    }

    @Test
    void matchConditionsSkipObjectsWithoutDaprEnabled() {
        for (JsonNode webhook : allEntries()) {
            JsonNode conditions = webhook.path("matchConditions");
            assertThat(conditions).as(webhook.path("name").asString()).hasSize(1);
            assertThat(conditions.get(0).path("name").asString()).isEqualTo("dapr-enabled");
            String expression = conditions.get(0).path("expression").asString();
            assertThat(expression)
                    .contains("'dapr.io/enabled' in object.metadata.annotations")
                    .contains("'dapr.io/enabled' in object.spec.template.metadata.annotations")
                    .contains("'dapr.io/enabled' in object.spec.jobTemplate.spec.template.metadata.annotations")
                    .contains("request.kind.kind == 'Pod'")
                    .contains("request.kind.kind == 'CronJob'")
                    .contains("request.kind.group == 'dapr.io' ? true")
                    .contains("object.metadata.labels['app.kubernetes.io/part-of'] == 'dapr' ? true")
                    .contains("'dapr-operator', 'dapr-sentry', 'dapr-sidecar-injector', 'dapr-placement-server'")
                    .startsWith("object != null && (");
        }
    }

    @Test
    void matchConditionNeverReadsAFieldItHasNotCheckedFirst() {
        String expression = entry(MUTATING, "mutate.dapr-guard.io").path("matchConditions").get(0)
                .path("expression").asString();
        assertThat(unguardedAccesses(expression)).isEmpty();
        assertThat(expression).doesNotContain("||");
    }

    @Test
    void guardCheckerFindsAnUnguardedAccess() {
        assertThat(unguardedAccesses(
                "object != null && (has(object.spec) && 'dapr.io/enabled' in object.spec.template.metadata.annotations)"))
                .containsExactly("object.spec.template", "object.spec.template.metadata",
                        "object.spec.template.metadata.annotations");
        assertThat(unguardedAccesses("has(object.metadata.annotations)")).contains("object.metadata");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27.0", "1.25.0", "1.27.16"})
    void olderClustersGetNoMatchConditions(String kubeVersion) {
        Manifests rendered = chart().kubeVersion(kubeVersion).render();
        for (String kind : List.of(MUTATING, VALIDATING)) {
            assertThat(rendered.only(kind).path("webhooks")).hasSize(2);
            for (JsonNode webhook : rendered.only(kind).path("webhooks")) {
                assertThat(webhook.has("matchConditions")).as(kubeVersion).isFalse();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.28.0", "1.29.3", "1.33.1"})
    void clustersFrom128GetMatchConditions(String kubeVersion) {
        Manifests rendered = chart().kubeVersion(kubeVersion).render();
        for (JsonNode webhook : rendered.only(VALIDATING).path("webhooks")) {
            assertThat(webhook.path("matchConditions")).as(kubeVersion).hasSize(1);
        }
    }

    @Test
    void matchConditionsCanBeTurnedOff() {
        Manifests rendered = chart().set("webhook.matchConditions", false).render();
        for (String kind : List.of(MUTATING, VALIDATING)) {
            for (JsonNode webhook : rendered.only(kind).path("webhooks")) {
                assertThat(webhook.has("matchConditions")).isFalse();
            }
        }
    }

    @Test
    void clustersOlderThanTheChartsMinimumAreRefused() {
        assertThatThrownBy(() -> chart().kubeVersion("1.24.0").render())
                .hasMessageContaining("kubeVersion");
    }

    /**
     * Field accesses on {@code object} whose parent was not checked with {@code has()} earlier in the same branch.
     * Branches are the parts between {@code ?} and {@code :}; inside one, terms are joined by {@code &&}, so a
     * failed {@code has()} stops evaluation before the access. {@code has(a.b.c)} itself reads {@code a.b}, so
     * {@code a.b} must be guarded before it too.
     */
    static List<String> unguardedAccesses(String expression) {
        List<String> unguarded = new ArrayList<>();
        Pattern access = Pattern.compile("object(\\.[A-Za-z_][A-Za-z0-9_]*)+");
        for (String branch : expression.split("[?:]")) {
            List<String> guarded = new ArrayList<>();
            Matcher matcher = access.matcher(branch);
            while (matcher.find()) {
                String path = matcher.group();
                boolean isHas = branch.substring(0, matcher.start()).endsWith("has(");
                String[] parts = path.split("\\.");
                // has(a.b.c) reads a.b; `... in a.b.c` reads a.b.c itself. `object` is checked for null up front.
                int readUpTo = isHas ? parts.length - 1 : parts.length;
                StringBuilder prefix = new StringBuilder("object");
                for (int i = 1; i < readUpTo; i++) {
                    prefix.append('.').append(parts[i]);
                    if (!guarded.contains(prefix.toString()) && !unguarded.contains(prefix.toString())) {
                        unguarded.add(prefix.toString());
                    }
                }
                if (isHas) {
                    guarded.add(path);
                }
            }
        }
        return unguarded;
    }

    private static void assertReviewedBy(Map<String, String> namespaceLabels, String... expected) {
        List<String> reviewing = new ArrayList<>();
        for (JsonNode webhook : allEntries()) {
            if (LabelSelectors.matches(webhook.path("namespaceSelector"), namespaceLabels)) {
                reviewing.add(webhook.path("name").asString());
            }
        }
        assertThat(reviewing).as(namespaceLabels.toString()).containsExactlyInAnyOrder(expected);
    }

    private static List<JsonNode> allEntries() {
        List<JsonNode> entries = new ArrayList<>();
        manifests.only(MUTATING).path("webhooks").forEach(entries::add);
        manifests.only(VALIDATING).path("webhooks").forEach(entries::add);
        return entries;
    }

    private static List<String> names(String kind) {
        List<String> names = new ArrayList<>();
        manifests.only(kind).path("webhooks").forEach(webhook -> names.add(webhook.path("name").asString()));
        return names;
    }

    private static String path(String kind, String name) {
        return entry(kind, name).path("clientConfig").path("service").path("path").asString();
    }

    private static JsonNode entry(String kind, String name) {
        return entryIn(manifests, kind, name);
    }

    static JsonNode entryIn(Manifests rendered, String kind, String name) {
        for (JsonNode webhook : rendered.only(kind).path("webhooks")) {
            if (name.equals(webhook.path("name").asString())) {
                return webhook;
            }
        }
        throw new AssertionError("no webhook " + name + " in " + kind);
    }

    private static String join(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return String.join(",", values);
    }
}

package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.nativepolicy.KubernetesCel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** {@code export native}: the objects written for a policy, the rules named as left to the webhook, exit codes. */
class ExportCommandTest {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {

        List<JsonNode> objects() {
            List<JsonNode> objects = new ArrayList<>();
            try (var parser = YAML.createParser(out)) {
                YAML.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
            }
            return objects;
        }

        JsonNode named(String kind, String name) {
            return objects().stream().filter(o -> o.path("kind").asString().equals(kind)
                    && o.path("metadata").path("name").asString().equals(name)).findFirst().orElseThrow(
                            () -> new AssertionError("no " + kind + " " + name + " in\n" + out));
        }

        List<String> names() {
            return objects().stream().map(o -> o.path("kind").asString() + "/" + o.path("metadata").path("name")
                    .asString()).toList();
        }
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ExportCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultPolicyBecomesAPolicyPerKindGroupAndActionEachWithAnEnforceAndAnAuditBinding() {
        Run run = run("native");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("# dapr-guard export native: 17 rules enforced by the kube-apiserver: "
                + "sidecar-resources, sidecar-gomemlimit, sidecar-seccomp, app-id, enabled-value, api-token, app-token, "
                + "service-account-token, ssl-cert-dir, log-level, component-scopes, config-mtls, config-metrics, "
                + "config-tracing, control-plane-ha, control-plane-resources, control-plane-namespace\n"
                + "# in part only (the webhook judges more of them): sidecar-gomemlimit\n");
        assertThat(run.names()).containsExactly(
                "MutatingAdmissionPolicy/dapr-guard-pods-defaults",
                "MutatingAdmissionPolicyBinding/dapr-guard-pods-defaults",
                "ValidatingAdmissionPolicy/dapr-guard-pods-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-pods-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-pods-deny-audit",
                "ValidatingAdmissionPolicy/dapr-guard-pods-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-pods-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-pods-warn-audit",
                "ValidatingAdmissionPolicy/dapr-guard-workloads-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-workloads-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-workloads-deny-audit",
                "ValidatingAdmissionPolicy/dapr-guard-workloads-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-workloads-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-workloads-warn-audit",
                "ValidatingAdmissionPolicy/dapr-guard-cronjobs-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-cronjobs-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-cronjobs-deny-audit",
                "ValidatingAdmissionPolicy/dapr-guard-cronjobs-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-cronjobs-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-cronjobs-warn-audit",
                "ValidatingAdmissionPolicy/dapr-guard-components-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-components-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-components-warn-audit",
                "ValidatingAdmissionPolicy/dapr-guard-control-plane-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-control-plane-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-control-plane-warn-audit",
                "ValidatingAdmissionPolicy/dapr-guard-configurations-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-configurations-deny",
                "ValidatingAdmissionPolicyBinding/dapr-guard-configurations-deny-audit",
                "ValidatingAdmissionPolicy/dapr-guard-configurations-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-configurations-warn",
                "ValidatingAdmissionPolicyBinding/dapr-guard-configurations-warn-audit");
        assertThat(run.err()).isEqualTo("dapr-guard export: in part only (the rest of them is left to the webhook): "
                + "sidecar-gomemlimit\n"
                + "dapr-guard export: left to the webhook: injected-sidecar, sidecar-injected, unknown-annotation, "
                + "env-secrets, graceful-shutdown, component-secrets, component-metadata, component-auth\n");

        JsonNode deny = run.named("ValidatingAdmissionPolicyBinding", "dapr-guard-configurations-deny").path("spec");
        assertThat(deny.path("policyName").asString()).isEqualTo("dapr-guard-configurations-deny");
        assertThat(deny.path("validationActions").toString()).isEqualTo("[\"Deny\"]");
        assertThat(deny.path("matchResources").path("namespaceSelector").path("matchExpressions").toString())
                .isEqualTo("[{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\",\"values\":"
                        + "[\"kube-system\"]},{\"key\":\"daprguard.io/mode\",\"operator\":\"NotIn\",\"values\":"
                        + "[\"audit\",\"off\"]}]");
        JsonNode audit = run.named("ValidatingAdmissionPolicyBinding", "dapr-guard-configurations-deny-audit")
                .path("spec");
        assertThat(audit.path("validationActions").toString()).isEqualTo("[\"Warn\",\"Audit\"]");
        assertThat(audit.path("matchResources").path("namespaceSelector").path("matchExpressions").get(1)
                .toString()).isEqualTo("{\"key\":\"daprguard.io/mode\",\"operator\":\"In\",\"values\":[\"audit\"]}");
        JsonNode pods = run.named("ValidatingAdmissionPolicy", "dapr-guard-pods-warn").path("spec");
        assertThat(pods.path("failurePolicy").asString()).isEqualTo("Fail");
        assertThat(pods.path("matchConstraints").path("resourceRules").toString()).isEqualTo("[{\"apiGroups\":"
                + "[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"],\"operations\":[\"CREATE\"],"
                + "\"scope\":\"Namespaced\"}]");
        assertThat(pods.path("validations")).hasSize(6);
        assertThat(pods.path("variables").get(0).toString()).isEqualTo("{\"name\":\"annotations\",\"expression\":"
                + "\"object.metadata.?annotations.orValue({})\"}");
        assertThat(pods.path("variables").get(1).toString()).isEqualTo("{\"name\":\"podSpec\",\"expression\":"
                + "\"object.?spec.orValue({})\"}");
        String a = "(object.metadata.?annotations.orValue({}))";
        String skip = "(('daprguard.io/skip' in " + a + " && !('daprguard.io/skip-until' in " + a + ")) && size(" + a
                + "['daprguard.io/skip']) <= 4096 ? " + a + "['daprguard.io/skip'] : '')";
        assertThat(pods.path("variables").get(2).path("expression").asString()).isEqualTo(skip);
        // a skippable (warn) rule checks the list, with white space as the webhook strips it; a deny rule that is not
        // skippable does not
        String apiToken = pods.path("validations").get(1).path("expression").asString();
        assertThat(apiToken).startsWith("variables.skips.matches('(^|,)[\\\\t\\\\n").contains("]*api-token[")
                .endsWith("|| 'dapr.io/api-token-secret' in variables.annotations");
        assertThat(run.named("ValidatingAdmissionPolicy", "dapr-guard-pods-deny").toString())
                .doesNotContain("variables.skips.matches");
        // a workload's own metadata may carry the exception too
        assertThat(run.named("ValidatingAdmissionPolicy", "dapr-guard-workloads-warn").path("spec").path("variables")
                .get(2).path("expression").asString()).endsWith(" + ',' + " + skip);
    }

    @Test
    void everyExpressionCompilesWithTheApiserversVariablesAndLibraries() throws Exception {
        KubernetesCel cel = new KubernetesCel();
        int compiled = 0;
        for (JsonNode object : run("native", "--rule", "app-token=deny").objects()) {
            for (JsonNode mutation : object.path("spec").path("mutations")) {
                cel.compile(mutation.path("jsonPatch").path("expression").asString());
                compiled++;
            }
            for (String list : List.of("matchConditions", "variables", "validations")) {
                for (JsonNode entry : object.path("spec").path(list)) {
                    for (String field : List.of("expression", "messageExpression")) {
                        if (entry.has(field)) {
                            cel.compile(entry.path(field).asString());
                            compiled++;
                        }
                    }
                }
            }
        }
        assertThat(compiled).isGreaterThan(30);
    }

    @Test
    void ruleOverridesMoveRulesBetweenPoliciesOrLeaveThemOut() {
        Run run = run("native", "--rule", "log-level=deny", "--rule", "api-token=off", "--rule",
                "sidecar-resources=off");

        assertThat(run.code()).isZero();
        JsonNode deny = run.named("ValidatingAdmissionPolicy", "dapr-guard-pods-deny").path("spec")
                .path("validations");
        assertThat(deny).hasSize(4); // app-id, log-level, and what is left of the sidecar rules
        assertThat(deny.get(1).path("messageExpression").asString()).startsWith("'[log-level] '");
        assertThat(deny.toString()).doesNotContain("[sidecar-resources]");
        assertThat(run.named("ValidatingAdmissionPolicy", "dapr-guard-pods-warn").toString())
                .doesNotContain("[log-level]").doesNotContain("[api-token]").contains("[app-token]");
        assertThat(run.named("ValidatingAdmissionPolicy", "dapr-guard-pods-deny").path("spec").path("validations")
                .toString()).contains("[app-id]");
        assertThat(run.out()).doesNotContain("[api-token]");
        assertThat(run.err()).doesNotContain("sidecar-resources,").contains("sidecar-gomemlimit");
    }

    @Test
    void theGlobalAuditModeWarnsAndAuditsEverywhereButOffNamespaces() throws Exception {
        Path policy = Files.writeString(dir.resolve("application.yaml"), "dapr-guard:\n  mode: audit\n");

        Run run = run("native", "--policy", policy.toString(), "--exclude-namespace", "dapr-guard");

        assertThat(run.code()).isZero();
        assertThat(run.names()).doesNotContain("ValidatingAdmissionPolicyBinding/dapr-guard-configurations-deny-audit");
        JsonNode binding = run.named("ValidatingAdmissionPolicyBinding", "dapr-guard-configurations-deny")
                .path("spec");
        assertThat(binding.path("validationActions").toString()).isEqualTo("[\"Warn\",\"Audit\"]");
        assertThat(binding.path("matchResources").path("namespaceSelector").path("matchExpressions").toString())
                .isEqualTo("[{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\",\"values\":"
                        + "[\"dapr-guard\",\"kube-system\"]},{\"key\":\"daprguard.io/mode\",\"operator\":\"NotIn\","
                        + "\"values\":[\"off\"]}]");
    }

    @Test
    void aPolicyThatRequiresAReasonHonoursOnlySkipsThatGiveOne() throws Exception {
        Path policy = Files.writeString(dir.resolve("application.yaml"),
                "dapr-guard:\n  skip:\n    require-reason: true\n");

        Run run = run("native", "--policy", policy.toString());

        assertThat(run.code()).isZero();
        assertThat(run.named("ValidatingAdmissionPolicy", "dapr-guard-pods-warn").path("spec").path("variables")
                .get(2).path("expression").asString())
                .contains(" && (size((object.metadata.?annotations.orValue({}))[?'daprguard.io/skip-reason']"
                        + ".orValue('')) > 4096 || !(object.metadata.?annotations.orValue({}))"
                        + "[?'daprguard.io/skip-reason'].orValue('').matches('^[");
    }

    @Test
    void strictFailsWhenARuleIsLeftToTheWebhookAndOutputGoesToAFile() throws Exception {
        Path file = dir.resolve("native.yaml");

        Run strict = run("native", "--strict", "-o", file.toString());

        assertThat(strict.code()).isEqualTo(2);
        assertThat(strict.out()).isEmpty();
        assertThat(Files.readString(file)).startsWith("# dapr-guard export native: 17 rules");
        assertThat(strict.err()).startsWith("dapr-guard export: in part only (the rest of them is left to the webhook):"
                + " sidecar-gomemlimit\ndapr-guard export: left to the webhook: injected-sidecar, sidecar-injected, ");
    }

    @Test
    void theSidecarDefaultsBecomeAMutatingAdmissionPolicyForEnforcedNamespaces() {
        Run run = run("native", "--exclude-namespace", "dapr-guard");

        JsonNode policy = run.named("MutatingAdmissionPolicy", "dapr-guard-pods-defaults").path("spec");
        assertThat(policy.path("reinvocationPolicy").asString()).isEqualTo("IfNeeded");
        assertThat(policy.path("failurePolicy").asString()).isEqualTo("Fail");
        assertThat(policy.path("matchConstraints").path("resourceRules").toString()).isEqualTo("[{\"apiGroups\":"
                + "[\"\"],\"apiVersions\":[\"v1\"],\"resources\":[\"pods\"],\"operations\":[\"CREATE\"],"
                + "\"scope\":\"Namespaced\"}]");
        // only "true" is mutated: a legacy value gets no sidecar from Dapr 1.17.3+, and no defaults either
        assertThat(policy.path("matchConditions").get(0).path("expression").asString()).isEqualTo(
                "(object.metadata.?annotations.orValue({}))[?'dapr.io/enabled'].orValue('').lowerAscii() == 'true'");
        assertThat(policy.path("matchConditions").get(1).path("name").asString()).isEqualTo("not-a-mirror-pod");
        JsonNode mutation = policy.path("mutations").get(0);
        assertThat(mutation.path("patchType").asString()).isEqualTo("JSONPatch");
        assertThat(mutation.path("jsonPatch").path("expression").asString())
                .startsWith("(variables.sidecarAddsCpuRequest ? [JSONPatch{op: 'add', path: "
                        + "'/metadata/annotations/dapr.io~1sidecar-cpu-request', value: '100m'}] : [])")
                .contains("value: '1000Mi'}").contains("value: 'RuntimeDefault'}");
        JsonNode binding = run.named("MutatingAdmissionPolicyBinding", "dapr-guard-pods-defaults").path("spec");
        assertThat(binding.has("validationActions")).isFalse();
        assertThat(binding.path("policyName").asString()).isEqualTo("dapr-guard-pods-defaults");
        assertThat(binding.path("matchResources").path("namespaceSelector").path("matchExpressions").toString())
                .isEqualTo("[{\"key\":\"kubernetes.io/metadata.name\",\"operator\":\"NotIn\",\"values\":"
                        + "[\"dapr-guard\",\"kube-system\"]},{\"key\":\"daprguard.io/mode\",\"operator\":\"NotIn\","
                        + "\"values\":[\"audit\",\"off\"]}]");
    }

    @Test
    void templatesArePatchedNativelyOnlyWhenThePolicySaysSoAndAuditPatchesNothing() throws Exception {
        Path templates = Files.writeString(dir.resolve("templates.yaml"), "dapr-guard:\n  mutate-templates: true\n");
        Path audit = Files.writeString(dir.resolve("audit.yaml"), "dapr-guard:\n  mode: audit\n");

        assertThat(run("native", "--policy", templates.toString()).names()).contains(
                "MutatingAdmissionPolicy/dapr-guard-pods-defaults", "MutatingAdmissionPolicy/dapr-guard-workloads-defaults",
                "MutatingAdmissionPolicy/dapr-guard-cronjobs-defaults");
        assertThat(run("native", "--policy", templates.toString()).named("MutatingAdmissionPolicy",
                "dapr-guard-cronjobs-defaults").toString())
                .contains("/spec/jobTemplate/spec/template/metadata/annotations/dapr.io~1sidecar-cpu-request");
        assertThat(run("native").names()).doesNotContain("MutatingAdmissionPolicy/dapr-guard-workloads-defaults");
        Run audited = run("native", "--policy", audit.toString());
        assertThat(audited.names()).noneMatch(name -> name.startsWith("Mutating"));
        // audit still judges the sidecar rules, as the mutation would leave the pod
        assertThat(audited.named("ValidatingAdmissionPolicy", "dapr-guard-pods-deny").toString())
                .contains("[sidecar-resources]");
        Run off = run("native", "--rule", "sidecar-resources=off", "--rule", "sidecar-gomemlimit=off", "--rule",
                "sidecar-seccomp=off");
        assertThat(off.names()).noneMatch(name -> name.startsWith("Mutating"));
    }

    @Test
    void withoutMutatingAdmissionPolicyTheSidecarRulesAreLeftToTheWebhook() {
        for (Run run : List.of(run("native", "--kube-version", "1.35"), run("native", "--no-mutation"))) {
            assertThat(run.code()).isZero();
            assertThat(run.names()).noneMatch(name -> name.startsWith("Mutating"));
            assertThat(run.out()).doesNotContain("[sidecar-resources]").doesNotContain("[sidecar-seccomp]")
                    .doesNotContain("[sidecar-gomemlimit]");
            assertThat(run.err()).isEqualTo("dapr-guard export: left to the webhook (without a "
                    + "MutatingAdmissionPolicy, the sidecar defaults too): sidecar-resources, sidecar-gomemlimit, "
                    + "sidecar-seccomp, injected-sidecar, sidecar-injected, unknown-annotation, env-secrets, "
                    + "graceful-shutdown, component-secrets, component-metadata, component-auth\n");
        }
    }

    @Test
    void besideTheWebhookOnlyFullRulesAreExportedAndTheServerSettingIsNamed() {
        Run run = run("native", "--with-webhook");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("# dapr-guard export native: 16 rules enforced by the kube-apiserver: "
                + "sidecar-resources, sidecar-seccomp, app-id, enabled-value, api-token, app-token, "
                + "service-account-token, ssl-cert-dir, log-level, component-scopes, config-mtls, config-metrics, "
                + "config-tracing, control-plane-ha, control-plane-resources, control-plane-namespace\n"
                + "# on the server beside them, set dapr-guard.native-rules: [sidecar-resources, sidecar-seccomp, "
                + "app-id, enabled-value, api-token, app-token, service-account-token, ssl-cert-dir, log-level, "
                + "component-scopes, config-mtls, config-metrics, config-tracing, control-plane-ha, "
                + "control-plane-resources, control-plane-namespace] (so that none is enforced twice)\n");
        // the webhook keeps sidecar-gomemlimit whole, its mutation too
        assertThat(run.out()).doesNotContain("[sidecar-gomemlimit]");
        JsonNode variables = run.named("MutatingAdmissionPolicy", "dapr-guard-pods-defaults").path("spec")
                .path("variables");
        assertThat(variables.findValuesAsString("expression")).anyMatch(e -> e.startsWith("(false && "));
        assertThat(variables.toString()).contains("{\"name\":\"sidecarAddsGomemlimit\",\"expression\":\"(false && ");
        assertThat(run.err()).startsWith("dapr-guard export: left to the webhook: sidecar-gomemlimit, injected-sidecar, sidecar-injected");
    }

    @Test
    void badInputIsAUsageErrorOrNamesTheFileAndLine() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "dapr-guard:\n  mode: audit\n   rules: [\n");

        Run unreadable = run("native", "--policy", broken.toString());
        Run target = run("webhooks");
        Run none = run();
        Run old = run("native", "--kube-version", "1.29");
        Run rule = run("native", "--rule", "log-level");
        Run unknownRule = run("native", "--rule", "log-levle=deny");

        assertThat(unreadable.code()).isEqualTo(2);
        assertThat(unreadable.err()).startsWith("dapr-guard export: " + broken).contains(":3");
        assertThat(target.code()).isEqualTo(2);
        assertThat(target.err()).startsWith("dapr-guard export: unknown export target \"webhooks\"; the only target"
                + " is native\n\nUsage: java -jar dapr-guard.jar export native");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).startsWith("dapr-guard export: export what? the only target is native");
        assertThat(old.code()).isEqualTo(2);
        assertThat(old.err()).startsWith("dapr-guard export: --kube-version 1.29: ValidatingAdmissionPolicy is"
                + " served in admissionregistration.k8s.io/v1 from Kubernetes 1.30");
        assertThat(rule.code()).isEqualTo(2);
        assertThat(unknownRule.code()).isEqualTo(2);
        assertThat(unknownRule.err()).contains("log-levle");
        assertThat(run("native", "--kube-version", "v1.36.3").code()).isZero();
    }
}

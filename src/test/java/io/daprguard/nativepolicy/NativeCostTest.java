package io.daprguard.nativepolicy;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.SkipRules;
import io.daprguard.rules.Action;
import io.daprguard.rules.SidecarDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the exported policies cost the kube-apiserver at runtime, on the largest objects it accepts: every policy that
 * matches is evaluated (matchConditions, variables, validations, the messageExpression of each that fails, the JSON
 * patch), with the cost {@link KubernetesCel#cost} charges, on pods and templates whose annotations are at
 * Kubernetes' limit (256 KiB in all) in the one annotation the policies read that makes them work hardest, and on a
 * Configuration of 1 MiB. Each expression must stay well under the apiserver's 1 000 000 per expression, and each
 * policy's evaluation under its 10 000 000 (a policy that runs out fails, and {@code failurePolicy: Fail} then refuses
 * the object with a cost error instead of the webhook's answer).
 */
class NativeCostTest {

    /** The apiserver's limits, with a margin: half of each. */
    private static final long PER_EXPRESSION = 500_000;
    private static final long PER_POLICY = 5_000_000;
    /** Kubernetes' limit on all annotations of an object together (keys and values). */
    private static final int ANNOTATIONS_LIMIT = 256 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final KubernetesCel cel = new KubernetesCel();

    private static final List<String> READ = List.of("dapr.io/app-id", "dapr.io/log-level", "dapr.io/env",
            "dapr.io/env-from-secret", "dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit",
            "dapr.io/sidecar-memory-request", "dapr.io/sidecar-memory-limit", "dapr.io/sidecar-seccomp-profile-type",
            "daprguard.io/skip", "daprguard.io/skip-reason", "dapr.io/enabled");

    /** Policies that make the expressions as long as they get: every rule on, every rule skippable, reasons. */
    private static List<Policy> policies() {
        Map<String, Action> deny = new LinkedHashMap<>();
        NativeExport.expressibleRules().forEach(id -> deny.put(id, Action.DENY));
        return List.of(Policy.standard(),
                Policy.of(Mode.ENFORCE, deny, NativeExport.expressibleRules(), SidecarDefaults.GUIDELINE, true)
                        .withSkipRules(new SkipRules(Duration.ofDays(90), true)),
                Policy.of(Mode.AUDIT, Map.of(), null, SidecarDefaults.GUIDELINE, false));
    }

    /** A value of {@code size} characters of the kind that keeps each expression busiest for {@code key}. */
    private static List<String> heavyValues(String key, int size) {
        return switch (key) {
            case "dapr.io/env", "dapr.io/env-from-secret" -> List.of("A=" + "x,".repeat(size / 2 - 1),
                    "GOMEMLIMIT=" + "9".repeat(size - 11), " ".repeat(size));
            case "dapr.io/enabled" -> List.of("true" + " ".repeat(size - 4));
            case "daprguard.io/skip" -> List.of(" ,".repeat(size / 2), "sidecar-resources" + ",".repeat(size - 17));
            default -> List.of("a".repeat(size), "1".repeat(size - 2) + "MB", " ".repeat(size));
        };
    }

    @TestFactory
    Stream<DynamicTest> theLargestPodsStayWithinTheApiserversCostLimits() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Policy policy : policies()) {
            for (String kind : List.of("Pod", "Deployment", "CronJob")) {
                for (String key : READ) {
                    for (String value : heavyValues(key, ANNOTATIONS_LIMIT - 1024)) {
                        String name = policy.mode() + " " + kind + " " + key + " (" + value.substring(0, 8).trim()
                                + "...)";
                        tests.add(DynamicTest.dynamicTest(name, () -> assertWithinLimits(policy, daprObject(kind,
                                key, value))));
                    }
                }
            }
        }
        return tests.stream();
    }

    @Test
    void aConfigurationOfOneMebibyteStaysWithinTheLimits() throws Exception {
        ObjectNode configuration = JSON.createObjectNode();
        configuration.put("apiVersion", "dapr.io/v1alpha1").put("kind", "Configuration");
        configuration.putObject("metadata").put("name", "big").put("namespace", "shop");
        ObjectNode spec = configuration.putObject("spec");
        spec.putObject("tracing").put("samplingRate", "0".repeat(1024 * 1024));
        spec.putObject("mtls").put("enabled", "f".repeat(1024 * 1024));
        for (Policy policy : policies()) {
            assertWithinLimits(policy, configuration);
        }
    }

    /** The worst cost seen, for the report. */
    private static long worst;

    private void assertWithinLimits(Policy policy, ObjectNode object) throws Exception {
        NativeExport.Result export = NativeExport.export(policy, Set.of("kube-system"));
        String kind = object.path("kind").asString();
        String group = object.path("apiVersion").asString().contains("/")
                ? object.path("apiVersion").asString().replaceFirst("/.*", "") : "";
        Map<String, Object> request = Map.of("operation", "CREATE", "kind", Map.of("group", group, "version", "v1",
                "kind", kind));
        for (ObjectNode policyObject : export.objects()) {
            if (!policyObject.path("kind").asString().endsWith("Policy") || !matches(policyObject, object)) {
                continue;
            }
            String name = policyObject.path("metadata").path("name").asString();
            Map<String, Object> input = new HashMap<>();
            input.put("object", KubernetesCel.fromJson(object));
            input.put("request", request);
            long total = 0;
            boolean matched = true;
            for (JsonNode condition : policyObject.path("spec").path("matchConditions")) {
                String expression = condition.path("expression").asString();
                total += limited(name, expression, input);
                matched &= Boolean.TRUE.equals(cel.evaluate(expression, input));
            }
            if (!matched) {
                continue;
            }
            Map<String, Object> variables = new HashMap<>();
            input.put("variables", variables);
            for (JsonNode variable : policyObject.path("spec").path("variables")) {
                String expression = variable.path("expression").asString();
                total += limited(name + " variable " + variable.path("name").asString(), expression, input);
                variables.put(variable.path("name").asString(), cel.evaluate(expression, input));
            }
            for (JsonNode validation : policyObject.path("spec").path("validations")) {
                String expression = validation.path("expression").asString();
                total += limited(name, expression, input);
                if (!Boolean.TRUE.equals(cel.evaluate(expression, input))) {
                    total += limited(name + " message", validation.path("messageExpression").asString(), input);
                }
            }
            for (JsonNode mutation : policyObject.path("spec").path("mutations")) {
                total += limited(name + " patch", mutation.path("jsonPatch").path("expression").asString(), input);
            }
            worst = Math.max(worst, total);
            assertThat(total).as("the cost of evaluating %s", name).isLessThan(PER_POLICY);
        }
    }

    private long limited(String where, String expression, Map<String, Object> input) throws Exception {
        long cost = cel.cost(expression, input);
        assertThat(cost).as("the cost of %s: %s", where, expression.length() > 300 ? expression.substring(0, 300)
                + "..." : expression).isLessThan(PER_EXPRESSION);
        return cost;
    }

    private static boolean matches(ObjectNode policy, ObjectNode object) {
        String resource = switch (object.path("kind").asString()) {
            case "Pod" -> "pods";
            case "Deployment" -> "deployments";
            case "CronJob" -> "cronjobs";
            default -> "configurations";
        };
        return policy.path("spec").path("matchConstraints").path("resourceRules").toString()
                .contains("\"" + resource + "\"");
    }

    /** A Dapr pod, or a workload with it as template, with the one annotation at {@code value}. */
    private static ObjectNode daprObject(String kind, String key, String value) {
        ObjectNode pod = JSON.createObjectNode();
        ObjectNode annotations = JSON.createObjectNode();
        annotations.put("dapr.io/enabled", "true").put("dapr.io/app-id", "orders");
        annotations.put(key, value);
        ObjectNode podSpec = JSON.createObjectNode();
        podSpec.putArray("containers").addObject().put("name", "app").put("image", "app:1");
        ObjectNode object = JSON.createObjectNode();
        object.put("kind", kind);
        object.putObject("metadata").put("name", "big").put("namespace", "shop");
        switch (kind) {
            case "Pod" -> {
                object.put("apiVersion", "v1");
                ((ObjectNode) object.path("metadata")).set("annotations", annotations);
                object.set("spec", podSpec);
            }
            case "CronJob" -> {
                object.put("apiVersion", "batch/v1");
                ObjectNode template = object.putObject("spec").put("schedule", "* * * * *").putObject("jobTemplate")
                        .putObject("spec").putObject("template");
                template.putObject("metadata").set("annotations", annotations);
                template.set("spec", podSpec);
            }
            default -> {
                object.put("apiVersion", "apps/v1");
                ObjectNode template = object.putObject("spec").putObject("template");
                template.putObject("metadata").set("annotations", annotations);
                template.set("spec", podSpec);
            }
        }
        return object;
    }

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.println("NativeCostTest: the costliest policy evaluation: " + worst);
    }
}

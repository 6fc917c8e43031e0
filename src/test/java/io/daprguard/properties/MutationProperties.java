package io.daprguard.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import io.daprguard.dapr.GoMemLimit;
import io.daprguard.dapr.Quantity;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.SidecarResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.zjsonpatch.JsonPatch;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutation over generated pods and Deployments: random annotation sets with valid and invalid quantities, random
 * {@code dapr.io/env} strings with commas, quotes and '=', an injected daprd or not, in containers or
 * initContainers. Seeds are fixed so that CI is deterministic; change or drop a seed locally to explore further.
 */
class MutationProperties {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final PolicyEngine ENGINE =
            new PolicyEngine(Policy.of(Mode.ENFORCE, Map.of(), null, io.daprguard.rules.SidecarDefaults.GUIDELINE, true));

    /** A generated object and what it was made of. */
    record Case(boolean pod, Map<String, String> annotations, Optional<ObjectNode> daprd, boolean native_) {

        ObjectNode object() {
            ObjectNode podNode = JSON.createObjectNode();
            ObjectNode metadata = podNode.putObject("metadata");
            ObjectNode annotationNode = metadata.putObject("annotations");
            annotations.forEach(annotationNode::put);
            ObjectNode spec = podNode.putObject("spec");
            ArrayNode containers = spec.putArray("containers");
            containers.addObject().put("name", "app").put("image", "app:1");
            daprd.ifPresent(d -> (native_ ? spec.putArray("initContainers") : containers).add(d.deepCopy()));
            if (pod) {
                podNode.put("apiVersion", "v1").put("kind", "Pod");
                metadata.put("generateName", "app-");
                return podNode;
            }
            ObjectNode deployment = JSON.createObjectNode().put("apiVersion", "apps/v1").put("kind", "Deployment");
            deployment.putObject("metadata").put("name", "app");
            ObjectNode deploymentSpec = deployment.putObject("spec");
            deploymentSpec.putObject("selector").putObject("matchLabels").put("app", "app");
            podNode.remove("apiVersion");
            podNode.remove("kind");
            ((ObjectNode) podNode.path("metadata")).putObject("labels").put("app", "app");
            deploymentSpec.set("template", podNode);
            return deployment;
        }

        String group() {
            return pod ? "" : "apps";
        }

        String kind() {
            return pod ? "Pod" : "Deployment";
        }
    }

    @Provide
    Arbitrary<Case> objects() {
        Arbitrary<String> quantities = Arbitraries.of("100m", "300m", "1500m", "0.5", "1", "2", "250Mi", "512Mi",
                "1000Mi", "1Gi", "2Gi", "1G", "64Mi", "1e3", "0", "-1", "1000MB", "1gi", "1 Gi", "abc", "1K", "", " 1Gi");
        Arbitrary<String> envValue = Arbitraries.of("a", "a,b", "\"quoted, value\"", "x=y", "", " spaced ", "http://p:3128",
                "1,2,3");
        Arbitrary<String> envName = Arbitraries.of("NO_PROXY", "LOG_LEVEL", "HTTP_PROXY", "A", "GOMEMLIMIT", "DB_PASSWORD");
        Arbitrary<String> gomemlimit = Arbitraries.of("900MiB", "900Mi", "off", "0", "943718400", "2GiB", "1MiB");
        Arbitrary<String> env = Combinators.combine(envName, envValue, gomemlimit).as((name, value, gml) ->
                "GOMEMLIMIT".equals(name) ? name + "=" + gml : name + "=" + value)
                .list().ofMinSize(0).ofMaxSize(4).map(parts -> String.join(",", parts));
        Arbitrary<Map<String, String>> annotations = Combinators.combine(
                quantities.optional(), quantities.optional(), quantities.optional(), quantities.optional(),
                env.optional(), Arbitraries.of("RuntimeDefault", "Localhost").optional(), Arbitraries.of("true", "TRUE", "True"))
                .as((cpuReq, cpuLim, memReq, memLim, envValueOpt, seccomp, enabled) -> {
                    Map<String, String> map = new LinkedHashMap<>();
                    map.put(DaprAnnotations.ENABLED, enabled);
                    map.put(DaprAnnotations.APP_ID, "app");
                    cpuReq.ifPresent(v -> map.put(SidecarResource.CPU_REQUEST.annotation(), v));
                    cpuLim.ifPresent(v -> map.put(SidecarResource.CPU_LIMIT.annotation(), v));
                    memReq.ifPresent(v -> map.put(SidecarResource.MEMORY_REQUEST.annotation(), v));
                    memLim.ifPresent(v -> map.put(SidecarResource.MEMORY_LIMIT.annotation(), v));
                    envValueOpt.ifPresent(v -> map.put(DaprAnnotations.ENV, v));
                    seccomp.ifPresent(v -> map.put(DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE, v));
                    return map;
                });
        Arbitrary<String> containerQuantity = Arbitraries.of("50m", "100m", "1", "128Mi", "1Gi", "2Gi");
        Arbitrary<Optional<ObjectNode>> daprd = Combinators.combine(containerQuantity.optional(),
                containerQuantity.optional(), Arbitraries.of("900MiB", "100MiB").optional(), Arbitraries.of(true, false))
                .as((request, limit, gml, seccomp) -> {
                    ObjectNode container = JSON.createObjectNode().put("name", "daprd").put("image", "daprd:1.16");
                    ObjectNode resources = container.putObject("resources");
                    request.ifPresent(q -> resources.putObject("requests").put(q.endsWith("i") ? "memory" : "cpu", q));
                    limit.ifPresent(q -> resources.putObject("limits").put(q.endsWith("i") ? "memory" : "cpu", q));
                    ArrayNode envList = container.putArray("env");
                    envList.addObject().put("name", "NAMESPACE").putObject("valueFrom").putObject("fieldRef")
                            .put("fieldPath", "metadata.namespace");
                    gml.ifPresent(v -> envList.addObject().put("name", "GOMEMLIMIT").put("value", v));
                    if (seccomp) {
                        container.putObject("securityContext").putObject("seccompProfile").put("type", "RuntimeDefault");
                    }
                    return container;
                }).optional();
        return Combinators.combine(Arbitraries.of(true, false), annotations, daprd, Arbitraries.of(true, false))
                .as(Case::new);
    }

    private static Verdict mutate(Case input, JsonNode object) {
        return ENGINE.review(ReviewRequest.create(input.group(), input.kind(), object), Webhook.MUTATE, Mode.ENFORCE);
    }

    private static JsonNode patched(Case input) {
        JsonNode object = input.object();
        Verdict verdict = mutate(input, object);
        return verdict.patch() == null ? object : JsonPatch.apply(verdict.patch(), object);
    }

    private static JsonNode pod(Case input, JsonNode object) {
        return input.pod() ? object : object.path("spec").path("template");
    }

    @Property(tries = 400, seed = "20261124")
    void thePatchOnlyAddsOrReplacesAndAppliesCleanly(@ForAll("objects") Case input) {
        Verdict verdict = mutate(input, input.object());
        if (verdict.patch() != null) {
            for (JsonNode op : verdict.patch()) {
                assertThat(op.path("op").asString()).isIn("add", "replace");
            }
            JsonPatch.apply(verdict.patch(), input.object());
        }
    }

    @Property(tries = 400, seed = "20261125")
    void thePatchedObjectStillParsesAsItsKind(@ForAll("objects") Case input) {
        JsonNode result = patched(input);
        Class<?> type = input.pod() ? Pod.class : Deployment.class;
        Object typed = JSON.treeToValue(result, type);
        assertThat(typed).isNotNull();
    }

    @Property(tries = 400, seed = "20261126")
    void mutatingTwiceAddsNothing(@ForAll("objects") Case input) {
        JsonNode once = patched(input);
        assertThat(mutate(input, once).patch()).isNull();
    }

    @Property(tries = 400, seed = "20261127")
    void whateverIsAddedKeepsRequestAtMostLimit(@ForAll("objects") Case input) {
        JsonNode before = pod(input, input.object());
        JsonNode after = pod(input, patched(input));
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            assertAddedPairIsOrdered(before, after, "/metadata/annotations/" + pair[0].annotation().replace("/", "~1"),
                    "/metadata/annotations/" + pair[1].annotation().replace("/", "~1"));
        }
        for (String field : new String[] {"/spec/containers", "/spec/initContainers"}) {
            for (int i = 0; i < after.at(field).size(); i++) {
                String container = field + "/" + i;
                for (String resource : new String[] {"cpu", "memory"}) {
                    assertAddedPairIsOrdered(before, after, container + "/resources/requests/" + resource,
                            container + "/resources/limits/" + resource);
                }
            }
        }
    }

    /** If mutation added either half of a request/limit pair, the pair it leaves has request <= limit. */
    private static void assertAddedPairIsOrdered(JsonNode before, JsonNode after, String request, String limit) {
        boolean added = before.at(request).isMissingNode() && !after.at(request).isMissingNode()
                || before.at(limit).isMissingNode() && !after.at(limit).isMissingNode();
        Optional<Quantity> requested = Quantity.parse(after.at(request).asString(null));
        Optional<Quantity> limited = Quantity.parse(after.at(limit).asString(null));
        if (added && requested.isPresent() && limited.isPresent()) {
            assertThat(requested.get().compareTo(limited.get()))
                    .as("%s %s <= %s %s", request, requested.get().text(), limit, limited.get().text())
                    .isLessThanOrEqualTo(0);
        }
    }

    @Property(tries = 400, seed = "20261128")
    void anAddedGomemlimitIsGoSyntaxAndWithinTheLimit(@ForAll("objects") Case input) {
        JsonNode before = pod(input, input.object());
        JsonNode after = pod(input, patched(input));
        String envBefore = before.at("/metadata/annotations/dapr.io~1env").asString(null);
        String envAfter = after.at("/metadata/annotations/dapr.io~1env").asString(null);
        if (!DaprEnv.parse(envBefore).contains("GOMEMLIMIT") && DaprEnv.parse(envAfter).contains("GOMEMLIMIT")) {
            String value = DaprEnv.parse(envAfter).lastValue("GOMEMLIMIT").orElseThrow();
            BigDecimal limit = Quantity.parse(after.at("/metadata/annotations/dapr.io~1sidecar-memory-limit").asString(""))
                    .orElseThrow().value();
            assertWithin(value, limit);
            assertThat(DaprEnv.parse(envAfter).entries().subList(0, DaprEnv.parse(envBefore).entries().size()))
                    .as("every other variable kept").isEqualTo(DaprEnv.parse(envBefore).entries());
        }
        for (String field : new String[] {"/spec/containers", "/spec/initContainers"}) {
            for (int i = 0; i < after.at(field).size(); i++) {
                Optional<String> added = gomemlimitEnv(after.at(field).get(i));
                if (added.isPresent() && gomemlimitEnv(before.at(field).get(i)).isEmpty()) {
                    BigDecimal limit = Quantity.parse(after.at(field).get(i).at("/resources/limits/memory").asString(""))
                            .orElseThrow().value();
                    assertWithin(added.get(), limit);
                }
            }
        }
    }

    private static Optional<String> gomemlimitEnv(JsonNode container) {
        for (JsonNode env : container.path("env")) {
            if ("GOMEMLIMIT".equals(env.path("name").asString())) {
                return Optional.of(env.path("value").asString(""));
            }
        }
        return Optional.empty();
    }

    private static void assertWithin(String gomemlimit, BigDecimal limitBytes) {
        assertThat(GoMemLimit.isValid(gomemlimit)).as("Go syntax: %s", gomemlimit).isTrue();
        assertThat(BigDecimal.valueOf(GoMemLimit.bytes(gomemlimit).orElseThrow())).as("%s <= limit", gomemlimit)
                .isLessThanOrEqualTo(limitBytes);
    }

    @Property(tries = 400, seed = "20261129")
    void validationNeverReportsWhatMutationWasToFix(@ForAll("objects") Case input) {
        JsonNode mutatedObject = patched(input);
        Verdict verdict = ENGINE.review(ReviewRequest.create(input.group(), input.kind(), mutatedObject),
                Webhook.VALIDATE, Mode.ENFORCE);
        List<String> findings = verdict.outcomes().stream().flatMap(o -> o.details().stream()).toList();
        assertThat(findings).noneMatch(f -> f.contains("is not set, so daprd runs without it"))
                .noneMatch(f -> f.contains("has no GOMEMLIMIT, so daprd's garbage collector ignores"))
                .noneMatch(f -> f.contains("sidecar-seccomp-profile-type is not set"))
                .noneMatch(f -> f.startsWith("[injected-sidecar]") && f.contains("a seccomp profile;"));
    }
}

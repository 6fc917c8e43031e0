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
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutation over generated pods and Deployments: random annotation sets with valid and invalid quantities, random
 * {@code dapr.io/env} strings with commas, quotes and '=', an injected daprd or not, in containers or
 * initContainers. Plain JUnit: each property is a {@code @TestFactory} of {@value #TRIES} cases from a seeded
 * generator; seeds are fixed so that CI is deterministic, {@code -Dproperties.seed=<n>} explores further, and a
 * failure prints the seeds that reproduce it.
 */
class MutationPropertiesTest {

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

    /** Every property runs over this many generated objects. */
    private static final int TRIES = 400;

    private static <T> T oneOf(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Present about two times in three, like an optional annotation or field. */
    private static <T> Optional<T> maybe(Random random, List<T> values) {
        return random.nextInt(3) == 0 ? Optional.empty() : Optional.of(oneOf(random, values));
    }

    private static final List<String> QUANTITIES = List.of("100m", "300m", "1500m", "0.5", "1", "2", "250Mi",
            "512Mi", "1000Mi", "1Gi", "2Gi", "1G", "64Mi", "1e3", "0", "-1", "1000MB", "1gi", "1 Gi", "abc", "1K", "",
            " 1Gi", "Mi", "Ei");
    private static final List<String> ENV_VALUES =
            List.of("a", "a,b", "\"quoted, value\"", "x=y", "", " spaced ", "http://p:3128", "1,2,3");
    private static final List<String> ENV_NAMES =
            List.of("NO_PROXY", "LOG_LEVEL", "HTTP_PROXY", "A", "GOMEMLIMIT", "DB_PASSWORD");
    private static final List<String> GOMEMLIMITS = List.of("900MiB", "900Mi", "off", "0", "943718400", "2GiB", "1MiB");
    private static final List<String> CONTAINER_QUANTITIES = List.of("50m", "100m", "1", "128Mi", "1Gi", "2Gi");

    /** One generated pod or Deployment; the same random source always gives the same case. */
    static Case generate(Random random) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(DaprAnnotations.ENABLED, oneOf(random, List.of("true", "TRUE", "True")));
        annotations.put(DaprAnnotations.APP_ID, "app");
        for (SidecarResource resource : List.of(SidecarResource.CPU_REQUEST, SidecarResource.CPU_LIMIT,
                SidecarResource.MEMORY_REQUEST, SidecarResource.MEMORY_LIMIT)) {
            maybe(random, QUANTITIES).ifPresent(v -> annotations.put(resource.annotation(), v));
        }
        if (random.nextInt(3) != 0) {
            List<String> parts = IntStream.range(0, random.nextInt(5)).mapToObj(i -> {
                String name = oneOf(random, ENV_NAMES);
                return name + "=" + ("GOMEMLIMIT".equals(name) ? oneOf(random, GOMEMLIMITS) : oneOf(random, ENV_VALUES));
            }).toList();
            annotations.put(DaprAnnotations.ENV, String.join(",", parts));
        }
        maybe(random, List.of("RuntimeDefault", "Localhost"))
                .ifPresent(v -> annotations.put(DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE, v));
        Optional<ObjectNode> daprd = random.nextInt(3) == 0 ? Optional.empty() : Optional.of(daprd(random));
        return new Case(random.nextBoolean(), annotations, daprd, random.nextBoolean());
    }

    private static ObjectNode daprd(Random random) {
        ObjectNode container = JSON.createObjectNode().put("name", "daprd").put("image", "daprd:1.16");
        ObjectNode resources = container.putObject("resources");
        maybe(random, CONTAINER_QUANTITIES)
                .ifPresent(q -> resources.putObject("requests").put(q.endsWith("i") ? "memory" : "cpu", q));
        maybe(random, CONTAINER_QUANTITIES)
                .ifPresent(q -> resources.putObject("limits").put(q.endsWith("i") ? "memory" : "cpu", q));
        ArrayNode envList = container.putArray("env");
        envList.addObject().put("name", "NAMESPACE").putObject("valueFrom").putObject("fieldRef")
                .put("fieldPath", "metadata.namespace");
        maybe(random, List.of("900MiB", "100MiB"))
                .ifPresent(v -> envList.addObject().put("name", "GOMEMLIMIT").put("value", v));
        if (random.nextBoolean()) {
            container.putObject("securityContext").putObject("seccompProfile").put("type", "RuntimeDefault");
        }
        return container;
    }

    /**
     * {@value #TRIES} generated cases of one property. Each case has its own seed, drawn from the property's seed
     * (fixed so CI is repeatable; {@code -Dproperties.seed=<n>} explores others); a failure names both seeds and
     * the case, so {@code generate(new Random(caseSeed))} reproduces it.
     */
    private static Stream<DynamicTest> property(long defaultSeed, Consumer<Case> check) {
        long seed = Long.getLong("properties.seed", defaultSeed);
        Random seeds = new Random(seed);
        return IntStream.range(0, TRIES).mapToObj(i -> {
            long caseSeed = seeds.nextLong();
            return DynamicTest.dynamicTest("case " + i + " (seed " + seed + ", case seed " + caseSeed + ")", () -> {
                Case input = generate(new Random(caseSeed));
                try {
                    check.accept(input);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("property failed for seed " + seed + ", case " + i + " (case seed "
                            + caseSeed + "): " + input + "\n" + e.getMessage(), e);
                }
            });
        });
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

    @TestFactory
    Stream<DynamicTest> thePatchOnlyAddsOrReplacesAndAppliesCleanly() {
        return property(20261124L, input -> {
            Verdict verdict = mutate(input, input.object());
            if (verdict.patch() != null) {
                for (JsonNode op : verdict.patch()) {
                    assertThat(op.path("op").asString()).isIn("add", "replace");
                }
                JsonPatch.apply(verdict.patch(), input.object());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> thePatchedObjectStillParsesAsItsKind() {
        return property(20261125L, input -> {
            JsonNode result = patched(input);
            Class<?> type = input.pod() ? Pod.class : Deployment.class;
            Object typed = JSON.treeToValue(result, type);
            assertThat(typed).isNotNull();
        });
    }

    @TestFactory
    Stream<DynamicTest> mutatingTwiceAddsNothing() {
        return property(20261126L, input -> {
            JsonNode once = patched(input);
            assertThat(mutate(input, once).patch()).isNull();
        });
    }

    @TestFactory
    Stream<DynamicTest> whateverIsAddedKeepsRequestAtMostLimit() {
        return property(20261127L, input -> {
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
        });
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

    @TestFactory
    Stream<DynamicTest> anAddedGomemlimitIsGoSyntaxAndWithinTheLimit() {
        return property(20261128L, input -> {
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
        });
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

    @TestFactory
    Stream<DynamicTest> validationNeverReportsWhatMutationWasToFix() {
        return property(20261129L, input -> {
            JsonNode mutatedObject = patched(input);
            Verdict verdict = ENGINE.review(ReviewRequest.create(input.group(), input.kind(), mutatedObject),
                    Webhook.VALIDATE, Mode.ENFORCE);
            List<String> findings = verdict.outcomes().stream().flatMap(o -> o.details().stream()).toList();
            assertThat(findings).noneMatch(f -> f.contains("is not set, so daprd runs without it"))
                    .noneMatch(f -> f.contains("has no GOMEMLIMIT, so daprd's garbage collector ignores"))
                    .noneMatch(f -> f.contains("sidecar-seccomp-profile-type is not set"))
                    .noneMatch(f -> f.startsWith("[injected-sidecar]") && f.contains("a seccomp profile;"));
        });
    }
}

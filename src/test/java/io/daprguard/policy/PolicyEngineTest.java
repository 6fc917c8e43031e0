package io.daprguard.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.daprguard.rules.Action;
import io.daprguard.rules.SidecarDefaults;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

class PolicyEngineTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final PolicyEngine engine = new PolicyEngine(Policy.standard());

    /** A pod with fields no model knows (a newer Kubernetes), at every level the webhook touches. */
    private static final String FUTURE_POD = """
            {"apiVersion":"v1","kind":"Pod","futureTopLevel":{"a":[1,2,{"b":null}]},
             "metadata":{"generateName":"orders-","namespace":"shop","futureMeta":"x",
               "annotations":{"dapr.io/enabled":"true","dapr.io/app-id":"orders"}},
             "spec":{"futureSpec":{"mode":"quantum"},"hostUsers":false,
               "containers":[{"name":"orders","image":"orders:1","futureContainerField":[{"k":"v"}]},
                 {"name":"daprd","image":"daprd:1.16","env":[{"name":"A","value":"1","futureEnvField":true}],
                  "securityContext":{"futureSc":1},"resources":{"claims":[{"name":"gpu"}]}}]}}""";

    @Test
    void unknownFieldsSurviveAndThePatchOnlyAdds() {
        JsonNode pod = JSON.readTree(FUTURE_POD);
        Verdict verdict = engine.review(ReviewRequest.create("", "Pod", pod), Webhook.MUTATE, Mode.ENFORCE);
        assertThat(verdict.decision()).isEqualTo(Verdict.Decision.PATCHED);
        for (JsonNode op : verdict.patch()) {
            assertThat(op.path("op").asString()).isEqualTo("add");
        }
        JsonNode patched = JsonPatch.apply(verdict.patch(), pod);
        assertThat(patched.at("/futureTopLevel")).isEqualTo(pod.at("/futureTopLevel"));
        assertThat(patched.at("/metadata/futureMeta").asString()).isEqualTo("x");
        assertThat(patched.at("/spec/futureSpec")).isEqualTo(pod.at("/spec/futureSpec"));
        assertThat(patched.at("/spec/hostUsers").asBoolean(true)).isFalse();
        assertThat(patched.at("/spec/containers/0")).isEqualTo(pod.at("/spec/containers/0"));
        assertThat(patched.at("/spec/containers/1/env/0")).isEqualTo(pod.at("/spec/containers/1/env/0"));
        assertThat(patched.at("/spec/containers/1/env/1/value").asString()).isEqualTo("900MiB");
        assertThat(patched.at("/spec/containers/1/securityContext/futureSc").asInt()).isEqualTo(1);
        assertThat(patched.at("/spec/containers/1/securityContext/seccompProfile/type").asString())
                .isEqualTo("RuntimeDefault");
        assertThat(patched.at("/spec/containers/1/resources/claims")).isEqualTo(pod.at("/spec/containers/1/resources/claims"));
        assertThat(patched.at("/spec/containers/1/resources/limits/memory").asString()).isEqualTo("1000Mi");

        Verdict again = engine.review(ReviewRequest.create("", "Pod", patched), Webhook.MUTATE, Mode.ENFORCE);
        assertThat(again.decision()).isEqualTo(Verdict.Decision.ALLOWED);
        assertThat(again.patch()).isNull();
    }

    static Stream<Arguments> requestObjects() {
        return Stream.of(
                Arguments.of("Pod", FUTURE_POD),
                Arguments.of("Pod", """
                        {"metadata":{"annotations":{"dapr.io/enabled":"true","dapr.io/app-id":"a"}},
                         "spec":{"initContainers":[{"name":"daprd","restartPolicy":"Always"}],
                           "containers":[{"name":"app"}]}}"""),
                Arguments.of("Pod", """
                        {"metadata":{"annotations":{"dapr.io/enabled":"true","dapr.io/app-id":"a",
                           "dapr.io/env":"A=1","dapr.io/sidecar-memory-limit":"1Gi"}},"spec":{"containers":null}}"""),
                Arguments.of("Deployment", """
                        {"spec":{"template":{"metadata":{"annotations":{"dapr.io/enabled":"true","dapr.io/app-id":"a"}},
                           "spec":{"containers":[{"name":"app"},{"name":"daprd","env":[]}]}}}}"""));
    }

    /** Mutation writes into a copy-on-write working copy: whatever it adds, the request's tree stays as sent. */
    @ParameterizedTest
    @MethodSource("requestObjects")
    void theRequestObjectIsNeverModified(String kind, String json) {
        JsonNode object = JSON.readTree(json);
        JsonNode before = object.deepCopy();
        PolicyEngine templates =
                new PolicyEngine(Policy.of(Mode.ENFORCE, Map.of(), null, SidecarDefaults.GUIDELINE, true));
        String group = kind.equals("Pod") ? "" : "apps";
        int patched = 0;
        for (PolicyEngine each : new PolicyEngine[] {engine, templates}) {
            for (Webhook webhook : Webhook.values()) {
                for (Mode mode : Mode.values()) {
                    Verdict verdict = each.review(ReviewRequest.create(group, kind, object), webhook, mode);
                    patched += verdict.patch() == null ? 0 : 1;
                }
            }
        }
        assertThat(patched).as("some review patched the object").isPositive();
        assertThat(object).isEqualTo(before);
    }

    @Test
    void theDiffOfEqualTreesThatShareNothingIsEmpty() {
        JsonNode pod = JSON.readTree(FUTURE_POD);
        ArrayNode operations = JSON.createArrayNode();
        PolicyEngine.diff("", pod, JSON.readTree(FUTURE_POD), operations);
        assertThat(operations).isEmpty();
    }

    @Test
    void theDiffOfTreesThatShareNothingFindsEveryChange() {
        JsonNode before = JSON.readTree("""
                {"a":{"b":1,"c":[1,{"d":null}]},"e/f~":"x"}""");
        JsonNode after = JSON.readTree("""
                {"a":{"b":1,"c":[1,{"d":{"g":true}},3]},"e/f~":"y","h":{}}""");
        ArrayNode operations = JSON.createArrayNode();
        PolicyEngine.diff("", before, after, operations);
        assertThat(operations.toString()).isEqualTo("["
                + "{\"op\":\"replace\",\"path\":\"/a/c/1/d\",\"value\":{\"g\":true}},"
                + "{\"op\":\"add\",\"path\":\"/a/c/2\",\"value\":3},"
                + "{\"op\":\"replace\",\"path\":\"/e~1f~0\",\"value\":\"y\"},"
                + "{\"op\":\"add\",\"path\":\"/h\",\"value\":{}}]");
    }

    @Test
    void subresourcesAreNotReviewed() {
        JsonNode pod = JSON.readTree(FUTURE_POD);
        ReviewRequest status = new ReviewRequest("u", "", "Pod", "CREATE", "ephemeralcontainers", "shop", "p",
                false, pod, null, "", java.util.List.of());
        assertThat(engine.review(status, Webhook.MUTATE, Mode.ENFORCE).reviewed()).isFalse();
    }

    @Test
    void everyRuleIsReportedForAReviewedObject() {
        JsonNode pod = JSON.readTree(FUTURE_POD);
        Verdict verdict = engine.review(ReviewRequest.create("", "Pod", pod), Webhook.VALIDATE, Mode.ENFORCE);
        assertThat(verdict.outcomes()).extracting(RuleOutcome::rule).containsExactly(
                "sidecar-resources", "sidecar-gomemlimit", "sidecar-seccomp", "injected-sidecar",
                "sidecar-injected", "app-id", "enabled-value", "unknown-annotation", "api-token", "app-token",
                "service-account-token", "env-secrets", "ssl-cert-dir", "graceful-shutdown", "log-level");
    }

    @Test
    void unknownRuleIdsInConfigurationAreRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Policy.of(Mode.ENFORCE, Map.of("sidecar-resource", Action.WARN), null,
                SidecarDefaults.GUIDELINE, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown rule action 'sidecar-resource'; the rules are [api-token, app-id, app-id-unique, "
                        + "app-token, component-auth, component-metadata, component-scopes, component-secrets, "
                        + "config-exists, config-metrics, config-mtls, config-tracing, control-plane-ha, "
                        + "control-plane-namespace, control-plane-resources, control-plane-spread, enabled-value, "
                        + "env-secrets, graceful-shutdown, injected-sidecar, log-level, scopes-known-apps, "
                        + "secret-store-exists, service-account-token, sidecar-gomemlimit, sidecar-injected, "
                        + "sidecar-oom-killed, sidecar-resources, sidecar-right-size, sidecar-seccomp, sidecar-version, "
                        + "ssl-cert-dir, unknown-annotation]");
    }

    @Test
    void defaultsThatWouldPutRequestAboveLimitAreRefused() {
        assertThatThrownBy(() -> SidecarDefaults.of("500m", "300m", "250Mi", "1000Mi", 90))
                .hasMessage("sidecar default cpu-request 500m is above the default cpu-limit 300m");
        assertThatThrownBy(() -> SidecarDefaults.of("100m", "300m", "250Mi", "1000MB", 90))
                .hasMessage("sidecar default memory-limit '1000MB' is not a valid Kubernetes quantity (e.g. 100m, 1000Mi)");
    }
}

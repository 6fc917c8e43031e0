package io.daprguard.rightsizing;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.cluster.ApiKind;
import io.daprguard.cluster.KubeApi;
import io.daprguard.cluster.MockCluster;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.NamespaceFacts;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import io.daprguard.rules.SidecarDefaults;
import io.daprguard.rules.SidecarSizing.Resources;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code rightsizing.apply: defaults}: the leader publishes the recommendations in a ConfigMap, another replica reads
 * them back, and its engine adds them to a new pod of the workload, keeping what the user set.
 */
class RecommendationStoreTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final double MIB = 1024.0 * 1024.0;
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final ObjectRef ORDERS = new ObjectRef("apps/v1", "Deployment", "shop", "orders");

    private static RightSizer sizedOrders() {
        UsageSource source = new FixedSource(List.of(new PodUsage("shop", "orders-6d8f9c7b5-x2kqz", 100 * MIB,
                150 * MIB, 0.02, 0.05, 20160, NOW.minus(Duration.ofDays(7)), NOW)));
        RightSizer sizer = new RightSizer(source, RightSizingSettings.defaults(90), Clock.fixed(NOW, ZoneOffset.UTC));
        sizer.prepare(Set.of("shop"));
        sizer.size("shop", List.of(new NamespaceFacts.Sidecars(ORDERS, 1, Map.of("1.18.3", 1), List.of(),
                List.of("orders-6d8f9c7b5-x2kqz"), new Resources("100m", "300m", "250Mi", "1000Mi", "900MiB"), null)));
        return sizer;
    }

    private static JsonNode pod(String annotations) {
        return YAML.readTree("""
                apiVersion: v1
                kind: Pod
                metadata:
                  generateName: orders-6d8f9c7b5-
                  namespace: shop
                  labels: {app: orders, pod-template-hash: 6d8f9c7b5}
                  annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders%s}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: orders-6d8f9c7b5, controller: true,
                    uid: u1}]
                spec:
                  containers: [{name: app, image: x}]
                """.formatted(annotations));
    }

    private static String patch(PolicyEngine engine, JsonNode pod) {
        Verdict verdict = engine.review(new ReviewRequest("u", "", "Pod", "CREATE", "", "shop", "", false, pod, null,
                "system:serviceaccount:kube-system:replicaset-controller", java.util.List.of()), Webhook.MUTATE, Mode.ENFORCE);
        return String.valueOf(verdict);
    }

    @Test
    void theLeaderPublishesAnotherReplicaReadsAndItsEngineAddsTheRecommendation() throws Exception {
        try (MockCluster cluster = new MockCluster(); KubeApi leaderApi = cluster.api(500);
                KubeApi replicaApi = cluster.api(500)) {
            RecommendationStore leader = new RecommendationStore(sizedOrders(), "dapr-guard", 90);
            leader.publish(leaderApi);
            JsonNode configMap = leaderApi.get(ApiKind.CONFIGMAP.path("dapr-guard", RecommendationStore.NAME));
            assertThat(configMap.path("data").path(RecommendationStore.KEY).asString()).isEqualTo(
                    "{\"workloads\":{\"shop/Deployment/orders\":{\"cpuRequest\":\"30m\",\"cpuLimit\":\"100m\","
                            + "\"memoryRequest\":\"120Mi\",\"memoryLimit\":\"200Mi\"}}}");
            int calls = leaderApi.calls();
            leader.publish(leaderApi);
            assertThat(leaderApi.calls()).as("unchanged: not written again").isEqualTo(calls);

            RecommendationStore replica = new RecommendationStore(new RightSizer(null, RightSizingSettings.defaults(90),
                    Clock.systemUTC()), "dapr-guard", 90);
            assertThat(replica.forPod("shop", pod(""))).isNull();
            replica.refresh(replicaApi);
            assertThat(replica.size()).isEqualTo(1);
            assertThat(replica.forPod("shop", pod(""))).isEqualTo(SidecarDefaults.of("30m", "100m", "120Mi", "200Mi", 90));
            assertThat(replica.forPod("billing", pod(""))).as("another namespace's workload").isNull();

            PolicyEngine engine = new PolicyEngine(Policy.standard(), Clock.systemUTC(), replica);
            String withRecommendation = patch(engine, pod(""));
            assertThat(withRecommendation).contains("dapr.io~1sidecar-cpu-request\",\"value\":\"30m\"")
                    .contains("dapr.io~1sidecar-memory-limit\",\"value\":\"200Mi\"")
                    .contains("\"value\":\"GOMEMLIMIT=180MiB\"");
            String userSet = patch(engine, pod(", dapr.io/sidecar-memory-limit: 300Mi"));
            assertThat(userSet).as("a value the user set stays; GOMEMLIMIT follows it")
                    .doesNotContain("dapr.io~1sidecar-memory-limit").contains("\"value\":\"GOMEMLIMIT=270MiB\"")
                    .contains("dapr.io~1sidecar-memory-request\",\"value\":\"120Mi\"");
            String policyDefaults = patch(new PolicyEngine(Policy.standard()), pod(""));
            assertThat(policyDefaults).contains("dapr.io~1sidecar-memory-limit\",\"value\":\"1000Mi\"");
        }
    }

    @Test
    void workloadsAreFoundFromThePodsOwnerAndBadEntriesAreLeftOut() {
        RecommendationStore store = new RecommendationStore(null, "dapr-guard", 90);
        store.load("{\"workloads\":{"
                + "\"shop/CronJob/nightly\":{\"cpuRequest\":\"10m\",\"cpuLimit\":\"50m\",\"memoryRequest\":\"64Mi\","
                + "\"memoryLimit\":\"128Mi\"},"
                + "\"shop/StatefulSet/ledger\":{\"cpuRequest\":\"20m\",\"cpuLimit\":\"50m\",\"memoryRequest\":\"64Mi\","
                + "\"memoryLimit\":\"128Mi\"},"
                + "\"shop/Deployment/bad\":{\"cpuRequest\":\"900m\",\"cpuLimit\":\"50m\",\"memoryRequest\":\"64Mi\","
                + "\"memoryLimit\":\"128Mi\"}}}");
        assertThat(store.size()).as("a request above its limit is not valid defaults").isEqualTo(2);
        assertThat(store.forPod("shop", owned("Job", "nightly-29012345", "")))
                .isEqualTo(SidecarDefaults.of("10m", "50m", "64Mi", "128Mi", 90));
        assertThat(store.forPod("shop", owned("StatefulSet", "ledger", "")))
                .isEqualTo(SidecarDefaults.of("20m", "50m", "64Mi", "128Mi", 90));
        assertThat(store.forPod("shop", owned("ReplicaSet", "bad-7c5d9b8f6", "7c5d9b8f6"))).isNull();
        assertThat(store.forPod("shop", owned("Job", "nightly", ""))).isNull();
        assertThat(store.forPod("shop", YAML.readTree("{metadata: {name: ledger-0}}"))).isNull();
    }

    private static JsonNode owned(String kind, String name, String hash) {
        return YAML.readTree("""
                metadata:
                  labels: {pod-template-hash: "%s"}
                  ownerReferences: [{kind: %s, name: %s, controller: true}]
                """.formatted(hash, kind, name));
    }
}

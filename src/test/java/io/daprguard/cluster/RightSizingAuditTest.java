package io.daprguard.cluster;

import static io.daprguard.cluster.ClusterObjects.deployment;
import static io.daprguard.cluster.ClusterObjects.namespace;
import static io.daprguard.cluster.ClusterObjects.replicaSet;
import static io.daprguard.cluster.ClusterObjects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rightsizing.FixedSource;
import io.daprguard.rightsizing.PodUsage;
import io.daprguard.rightsizing.RightSizer;
import io.daprguard.rightsizing.RightSizingSettings;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import io.daprguard.rules.SidecarDefaults;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code sidecar-right-size} in the cluster audit: the use of a workload's pods, running and gone, becomes one finding
 * on the workload with what was observed, the values, the effect and the annotations; a failing source keeps the last
 * recommendations; a small difference says nothing.
 */
class RightSizingAuditTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final double MIB = 1024.0 * 1024.0;
    private static final ObjectRef ORDERS = new ObjectRef("apps/v1", "Deployment", "shop", "orders");

    private static JsonNode pod(String name, String memoryLimit) {
        return yaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: shop
                  annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders, dapr.io/sidecar-cpu-request: 100m,
                    dapr.io/sidecar-cpu-limit: 300m, dapr.io/sidecar-memory-request: 250Mi,
                    dapr.io/sidecar-memory-limit: %s, dapr.io/env: GOMEMLIMIT=900MiB,
                    dapr.io/sidecar-seccomp-profile-type: RuntimeDefault}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: orders-6d8f9c7b5, controller: true, uid: u}]
                spec:
                  containers:
                  - {name: app, image: x}
                  - name: daprd
                    image: ghcr.io/dapr/daprd:1.18.3
                    env: [{name: GOMEMLIMIT, value: 900MiB}]
                    securityContext: {seccompProfile: {type: RuntimeDefault}}
                    resources: {requests: {cpu: 100m, memory: 250Mi}, limits: {cpu: 300m, memory: %s}}
                status: {phase: Running}
                """.formatted(name, memoryLimit, memoryLimit));
    }

    private static FakeCluster cluster() {
        return new FakeCluster().add(namespace("shop", null)).add(deployment("shop", "orders"))
                .add(replicaSet("shop", "orders-6d8f9c7b5", "orders"))
                .add(pod("orders-6d8f9c7b5-x2kqz", "1000Mi")).add(pod("orders-6d8f9c7b5-b8n2w", "1000Mi"));
    }

    private static PodUsage usage(String pod, double p95Mib, double peakMib, Duration age) {
        return new PodUsage("shop", pod, p95Mib * MIB, peakMib * MIB, 0.02, 0.05, 10080, NOW.minus(age),
                NOW.minus(age).plus(Duration.ofDays(3)).isAfter(NOW) ? NOW : NOW.minus(age).plus(Duration.ofDays(3)));
    }

    private static ClusterAudit audit(RightSizer sizer) {
        Policy policy = Policy.of(Mode.ENFORCE, Map.of(), null, SidecarDefaults.GUIDELINE, false);
        return new ClusterAudit(policy, new NamespaceModes(Set.of("kube-system"), Mode.ENFORCE),
                Clock.fixed(NOW, ZoneOffset.UTC), sizer);
    }

    private static List<AuditFinding> rightSize(AuditResult result) {
        return result.findings().stream().filter(f -> f.rule().equals("sidecar-right-size")).toList();
    }

    @Test
    void theUseOfRunningAndGonePodsBecomesOneFindingOnTheWorkload() {
        FixedSource source = new FixedSource(List.of(
                usage("orders-6d8f9c7b5-x2kqz", 100, 120, Duration.ofDays(2)),
                usage("orders-6d8f9c7b5-b8n2w", 90, 110, Duration.ofDays(2)),
                usage("orders-5c4b7d9f8-zzt4m", 80, 150, Duration.ofDays(6))));
        RightSizer sizer = new RightSizer(source, RightSizingSettings.defaults(90), Clock.fixed(NOW, ZoneOffset.UTC));

        AuditResult result = audit(sizer).run(cluster(), null);

        assertThat(source.calls()).isEqualTo(1);
        assertThat(sizer.up()).isTrue();
        // p95 100Mi -> 120Mi; peak 150Mi (the gone ReplicaSet's pod) x 1.3 = 195 -> 200Mi; cpu 30m/100m
        assertThat(rightSize(result)).singleElement().satisfies(f -> {
            assertThat(f.subject()).isEqualTo(ORDERS);
            assertThat(f.level()).isEqualTo(AuditFinding.Level.WARN);
            assertThat(f.message()).isEqualTo("daprd used 100Mi (p95) and 150Mi (peak) of memory and 0.020 (p95) "
                    + "and 0.050 (peak) CPU cores over 7d (30240 samples from 3 pods, prometheus); it runs with memory "
                    + "250Mi/1000Mi and CPU 100m/300m (request/limit); recommended: memory 120Mi/200Mi, CPU 30m/100m, "
                    + "GOMEMLIMIT=180MiB (frees 260Mi of requested memory and 140m of requested CPU over 2 running "
                    + "pods); on the pod template set dapr.io/sidecar-cpu-request: \"30m\", dapr.io/sidecar-cpu-limit: "
                    + "\"100m\", dapr.io/sidecar-memory-request: \"120Mi\", dapr.io/sidecar-memory-limit: \"200Mi\" and "
                    + "GOMEMLIMIT=180MiB in dapr.io/env, then restart the workload (kubectl rollout restart "
                    + "deployment/orders -n shop)");
        });
    }

    @Test
    void aFailingSourceKeepsTheLastRecommendationsAndTheAuditRuns() {
        FixedSource source = new FixedSource(List.of(usage("orders-6d8f9c7b5-x2kqz", 100, 120, Duration.ofDays(2))));
        RightSizer sizer = new RightSizer(source, RightSizingSettings.defaults(90), Clock.fixed(NOW, ZoneOffset.UTC));
        ClusterAudit audit = audit(sizer);
        List<AuditFinding> first = rightSize(audit.run(cluster(), null));

        source.fail("Prometheus at http://127.0.0.1:1 is unreachable: Connection refused");
        AuditResult second = audit.run(cluster(), null);

        assertThat(sizer.up()).isFalse();
        assertThat(second.failure()).isNull();
        assertThat(rightSize(second)).isEqualTo(first).hasSize(1);
    }

    @Test
    void aSmallDifferenceOrTooLittleHistorySaysNothing() {
        // p95 215Mi -> 250Mi request; peak 760Mi x 1.3 = 988 -> 1000Mi; cpu 85m -> 100m, 230m x 1.3 -> 300m
        FixedSource source = new FixedSource(List.of(new PodUsage("shop", "orders-6d8f9c7b5-x2kqz", 215 * MIB,
                760 * MIB, 0.085, 0.23, 20160, NOW.minus(Duration.ofDays(7)), NOW),
                new PodUsage("shop", "other-7c5d9b8f6-k2m4n", 500 * MIB, 900 * MIB, 0.5, 0.9, 20,
                        NOW.minus(Duration.ofMinutes(10)), NOW)));
        RightSizer sizer = new RightSizer(source, RightSizingSettings.defaults(90), Clock.fixed(NOW, ZoneOffset.UTC));
        FakeCluster cluster = cluster().add(deployment("shop", "other")).add(replicaSet("shop", "other-7c5d9b8f6", "other"))
                .add(yaml(pod("other-7c5d9b8f6-k2m4n", "1000Mi").toString().replace("orders-6d8f9c7b5", "other-7c5d9b8f6")
                        .replace("dapr.io/app-id\":\"orders", "dapr.io/app-id\":\"other")));

        assertThat(rightSize(audit(sizer).run(cluster, null))).isEmpty();
        // orders: a recommendation that does not differ; other: twenty samples over ten minutes are not enough
        assertThat(sizer.sizings()).singleElement().satisfies(s -> {
            assertThat(s.owner()).isEqualTo(ORDERS);
            assertThat(s.material()).isFalse();
        });
    }

    @Test
    void withoutASizerTheAuditIsUnchanged() {
        Policy policy = Policy.of(Mode.ENFORCE, Map.of(), null, SidecarDefaults.GUIDELINE, false);
        AuditResult result = new ClusterAudit(policy, new NamespaceModes(Set.of("kube-system"), Mode.ENFORCE))
                .run(cluster(), null);
        assertThat(rightSize(result)).isEmpty();
    }
}

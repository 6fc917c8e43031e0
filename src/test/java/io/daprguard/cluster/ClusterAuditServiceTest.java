package io.daprguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.daprguard.metrics.AuditMetrics;
import io.daprguard.policy.Policy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The server's audit against the CRUD mock: leader election through the Lease, reports and metrics of a run, and a
 * failed run that leaves the reports alone. Waits on conditions, with generous timeouts for a busy machine.
 */
class ClusterAuditServiceTest {

    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final Duration WAIT = Duration.ofSeconds(120);

    private final MockCluster cluster = new MockCluster().withPolicyReports();
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final AuditMetrics metrics = new AuditMetrics(registry, Clock.systemUTC());

    @AfterEach
    void close() {
        cluster.close();
    }

    private ClusterAuditService service(String identity, AuditMetrics meters) {
        AuditSettings settings = new AuditSettings(Duration.ofMinutes(10), Duration.ZERO, 500, 1000, 100, "default",
                LEASE, Duration.ofSeconds(60), new NamespaceModes(Set.of("kube-system"), Policy.standard().mode()));
        return new ClusterAuditService(settings, Policy.standard(), () -> cluster.api(500), meters,
                Clock.systemUTC(), identity);
    }

    private double runs(String result) {
        return registry.get("daprguard.audit.runs").tag("result", result).counter().count();
    }

    private JsonNode report(String namespace) throws ClusterException {
        try (KubeApi api = cluster.api(500)) {
            return api.get(ApiKind.POLICY_REPORT.path(namespace, PolicyReports.NAME));
        }
    }

    @Test
    void theLeaderAuditsWritesReportsAndMetricsAndAnotherReplicaTakesOverWhenItStops() throws Exception {
        cluster.create(ClusterObjects.namespace("shop", null), ClusterObjects.deployment("shop", "orders"),
                ClusterObjects.replicaSet("shop", "orders-5d9f", "orders"),
                ClusterObjects.oldPod("shop", "orders-5d9f-a", "orders-5d9f", "Running"));
        ClusterAuditService first = service("replica-a", metrics);
        ClusterAuditService second = service("replica-b", new AuditMetrics(new SimpleMeterRegistry(),
                Clock.systemUTC()));
        try (first; second) {
            first.start();
            await().atMost(WAIT).until(first::leading);
            second.start();
            await().atMost(WAIT).until(() -> runs("success") >= 1);

            JsonNode shop = report("shop");
            assertThat(shop).as("the PolicyReport of shop").isNotNull();
            JsonNode result = shop.path("results").path(0);
            assertThat(result.path("resources").path(0).path("name").asString()).isEqualTo("orders");
            assertThat(result.path("result").asString()).isEqualTo("fail");
            assertThat(result.path("message").asString())
                    .endsWith("(1 of 1 running pod; a running pod keeps what it was created with: restart the "
                            + "workload (kubectl rollout restart deployment/orders -n shop))");
            assertThat(registry.get("daprguard.audit.findings").tag("rule", "sidecar-resources").tag("level", "deny")
                    .gauge().value()).isEqualTo(4);
            assertThat(registry.get("daprguard.audit.objects").tag("kind", "Pod").gauge().value()).isEqualTo(1);
            assertThat(registry.get("daprguard.audit.last.success.timestamp").gauge().value()).isPositive();
            assertThat(registry.get("daprguard.audit.leader").gauge().value()).isEqualTo(1);
            assertThat(second.leading()).as("exactly one replica audits").isFalse();

            long stopped = System.nanoTime();
            first.close();
            await().atMost(WAIT).until(second::leading);
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).as("hand-over within the lease duration "
                    + "(plus a retry period and a slow machine's slack)").isLessThan(LEASE.multipliedBy(4));
            assertThat(first.leading()).isFalse();
        }
    }

    @Test
    void ofThreeReplicasExactlyOneAuditsAndStoppingItHandsOverWithinTheLeaseDuration() throws Exception {
        cluster.create(ClusterObjects.namespace("shop", null),
                ClusterObjects.oldPod("shop", "bare", "none", "Running"));
        List<MeterRegistry> registries = List.of(new SimpleMeterRegistry(), new SimpleMeterRegistry(),
                new SimpleMeterRegistry());
        List<ClusterAuditService> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replicas.add(service("replica-" + i, new AuditMetrics(registries.get(i), Clock.systemUTC())));
        }
        try {
            replicas.forEach(ClusterAuditService::start);
            await().atMost(WAIT)
                    .until(() -> successes(registries).stream().mapToDouble(Double::doubleValue).sum() >= 1);
            List<Integer> leaders = leaders(replicas);
            assertThat(leaders).as("exactly one replica holds the lease").hasSize(1);
            int first = leaders.get(0);
            assertThat(successes(registries)).as("only the leader ran the audit")
                    .containsExactly(first == 0 ? 1.0 : 0.0, first == 1 ? 1.0 : 0.0, first == 2 ? 1.0 : 0.0);

            long stopped = System.nanoTime();
            replicas.get(first).close();
            await().atMost(WAIT).until(() -> leaders(replicas).size() == 1);
            Duration handOver = Duration.ofNanos(System.nanoTime() - stopped);
            int second = leaders(replicas).get(0);
            assertThat(second).as("another replica took over").isNotEqualTo(first);
            assertThat(handOver).as("hand-over within the lease duration (plus a retry period and a slow "
                    + "machine's slack)").isLessThan(LEASE.multipliedBy(4));
            await().atMost(WAIT).until(() -> successes(registries).get(second) >= 1);
            assertThat(leaders(replicas)).as("still exactly one").containsExactly(second);
            for (int i = 0; i < 3; i++) {
                if (i != first && i != second) {
                    assertThat(successes(registries).get(i)).as("the third replica never audited").isZero();
                }
            }
        } finally {
            replicas.forEach(ClusterAuditService::close);
        }
    }

    private static List<Integer> leaders(List<ClusterAuditService> replicas) {
        List<Integer> leading = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            if (replicas.get(i).leading()) {
                leading.add(i);
            }
        }
        return leading;
    }

    private static List<Double> successes(List<MeterRegistry> registries) {
        return registries.stream().map(registry -> registry.find("daprguard.audit.runs").tag("result", "success")
                .counter()).map(counter -> counter == null ? 0.0 : counter.count()).toList();
    }

    @Test
    void aFailedRunIsCountedAndLeavesTheReportsOfTheLastGoodRun() throws Exception {
        cluster.create(ClusterObjects.namespace("shop", null),
                ClusterObjects.oldPod("shop", "bare", "none", "Running"));
        ClusterAuditService service = service("replica-a", metrics);
        try (service) {
            service.start();
            await().atMost(WAIT).until(() -> runs("success") >= 1);
        }
        assertThat(report("shop")).isNotNull();

        cluster.server.expect().get().withPath("/api/v1/pods?limit=500").andReturn(403,
                "{\"kind\":\"Status\",\"message\":\"pods is forbidden\"}").always();
        ClusterAuditService again = service("replica-a", metrics);
        try (again) {
            again.start();
            await().atMost(WAIT).until(() -> runs("failure") >= 1);
        }
        assertThat(report("shop")).as("a partial run never deletes or empties a report").isNotNull();
        assertThat(report("shop").path("results").size()).isPositive();
        assertThat(runs("success")).isEqualTo(1);
    }

    @Test
    void backoffDoublesFromTenSecondsUpToTheInterval() {
        ClusterAuditService service = service("replica-a", metrics);
        try (service) {
            assertThat(service.backoff(1)).isEqualTo(Duration.ofSeconds(10));
            assertThat(service.backoff(3)).isEqualTo(Duration.ofSeconds(40));
            assertThat(service.backoff(30)).isEqualTo(Duration.ofMinutes(10));
        }
    }
}

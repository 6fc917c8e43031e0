package io.daprguard.rightsizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.daprguard.cluster.ApiKind;
import io.daprguard.cluster.KubeApi;
import io.daprguard.cluster.MockCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * daprd's use sampled from metrics.k8s.io into decaying histograms, checkpointed in the release namespace so that a new
 * leader resumes where the last one stopped; no metrics-server is a clear fault.
 */
class MetricsServerSourceTest {

    private static final double MIB = 1024.0 * 1024.0;
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private static String metrics(Instant at, String memory, String cpu) {
        return """
                {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "items": [
                  {"metadata": {"name": "orders-6d8f9c7b5-x2kqz", "namespace": "shop"}, "timestamp": "%s",
                   "window": "10s", "containers": [
                     {"name": "app", "usage": {"cpu": "500m", "memory": "2Gi"}},
                     {"name": "daprd", "usage": {"cpu": "%s", "memory": "%s"}}]},
                  {"metadata": {"name": "ledger-0", "namespace": "billing"}, "timestamp": "%s", "window": "10s",
                   "containers": [{"name": "daprd", "usage": {"cpu": "-1", "memory": "60Mi"}}]}]}
                """.formatted(at, cpu, memory, at);
    }

    @Test
    void samplesAccumulateAndANewLeaderResumesFromTheCheckpoint() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            cluster.server.expect().get().withPath(MetricsServerSource.PODS)
                    .andReturn(200, metrics(T0, "100Mi", "20m")).once();
            cluster.server.expect().get().withPath(MetricsServerSource.PODS)
                    .andReturn(200, metrics(T0.plusSeconds(600), "110Mi", "30m")).once();
            cluster.server.expect().get().withPath(MetricsServerSource.PODS)
                    .andReturn(200, metrics(T0.plusSeconds(1200), "300Mi", "25m")).once();
            cluster.server.expect().get().withPath(MetricsServerSource.PODS)
                    .andReturn(200, metrics(T0.plusSeconds(1800), "120Mi", "20m")).once();
            MetricsServerSource leader = new MetricsServerSource(() -> cluster.api(500), "dapr-guard",
                    Duration.ofHours(24), Duration.ofDays(7));

            leader.fetch(Set.of("shop"), T0);
            leader.fetch(Set.of("shop"), T0.plusSeconds(600));
            UsageSnapshot third = leader.fetch(Set.of("shop"), T0.plusSeconds(1200));

            assertThat(third.queries()).isEqualTo(1);
            assertThat(third.pods()).singleElement().satisfies(pod -> {
                assertThat(pod.pod()).isEqualTo("orders-6d8f9c7b5-x2kqz");
                assertThat(pod.samples()).isEqualTo(3);
                assertThat(pod.memoryPeak()).isEqualTo(300 * MIB);
                assertThat(pod.memoryP95()).as("the top bucket, never above the peak").isEqualTo(300 * MIB);
                assertThat(pod.cpuPeak()).isCloseTo(0.03, within(1e-9));
                assertThat(pod.first()).isEqualTo(T0);
                assertThat(pod.last()).isEqualTo(T0.plusSeconds(1200));
            });
            try (KubeApi api = cluster.api(500)) {
                assertThat(api.get(ApiKind.CONFIGMAP.path("dapr-guard", MetricsServerSource.NAME)).path("data")
                        .path(MetricsServerSource.KEY).asString()).contains("\"shop/orders-6d8f9c7b5-x2kqz\"");
            }

            MetricsServerSource next = new MetricsServerSource(() -> cluster.api(500), "dapr-guard",
                    Duration.ofHours(24), Duration.ofDays(7));
            UsageSnapshot resumed = next.fetch(Set.of(), T0.plusSeconds(1800));
            assertThat(resumed.pods()).singleElement().satisfies(pod -> {
                assertThat(pod.samples()).as("three from the checkpoint, one new").isEqualTo(4);
                assertThat(pod.first()).isEqualTo(T0);
                assertThat(pod.memoryPeak()).isEqualTo(300 * MIB);
            });
            assertThat(resumed.ignored()).as("billing/ledger-0's negative CPU").isEqualTo(1);
        }
    }

    @Test
    void withoutMetricsServerItSaysSo() {
        try (MockCluster cluster = new MockCluster()) {
            // the group is not served: the apiserver answers 404 (page not found)
            cluster.server.expect().get().withPath(MetricsServerSource.PODS).andReturn(404, "404 page not found")
                    .always();
            MetricsServerSource source = new MetricsServerSource(() -> cluster.api(500), "dapr-guard",
                    Duration.ofHours(24), Duration.ofDays(7));
            assertThatThrownBy(() -> source.fetch(Set.of(), T0)).isInstanceOf(SourceException.class)
                    .hasMessage("metrics.k8s.io is not served (no metrics-server in the cluster): right-sizing has pod "
                            + "status only");
        }
    }

    @Test
    void recentSamplesWeighMoreThanOldOnes() {
        DecayingHistogram steady = new DecayingHistogram(Duration.ofHours(1), T0);
        DecayingHistogram decayed = new DecayingHistogram(Duration.ofHours(1), T0);
        for (int i = 0; i < 30; i++) {
            steady.add(T0, 100 * MIB, 0.01);
            decayed.add(T0, 100 * MIB, 0.01);
        }
        steady.add(T0, 300 * MIB, 0.01);
        decayed.add(T0.plus(Duration.ofHours(10)), 300 * MIB, 0.01);
        // 30 of 31 samples at 100Mi: p95 in the 100Mi bucket (within 5 %); ten half-lives later one sample outweighs them
        assertThat(steady.usage("shop", "a").memoryP95() / MIB).isBetween(100.0, 105.0);
        assertThat(decayed.usage("shop", "a").memoryP95() / MIB).isEqualTo(300.0);
        DecayingHistogram copy = DecayingHistogram.fromJson(decayed.toJson(), Duration.ofHours(1));
        assertThat(copy.usage("shop", "a")).isEqualTo(decayed.usage("shop", "a"));
    }
}

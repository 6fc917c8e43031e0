package io.daprguard.rightsizing;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.rules.NamespaceFacts;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import io.daprguard.rules.SidecarSizing.Resources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The right-sizing series: cluster totals only, the source's health following its last read. */
class RightSizingMetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final double MIB = 1024.0 * 1024.0;

    @Test
    void totalsOverTheAuditedNamespacesAndTheSourcesHealth() {
        boolean[] fail = {false};
        UsageSource source = new UsageSource() {
            @Override
            public String name() {
                return "prometheus";
            }

            @Override
            public UsageSnapshot fetch(Set<String> namespaces, Instant now) throws SourceException {
                if (fail[0]) {
                    throw new SourceException("Prometheus at http://127.0.0.1:1 is unreachable: Connection refused");
                }
                return new UsageSnapshot(List.of(new PodUsage("shop", "orders-6d8f9c7b5-x2kqz", 100 * MIB, 150 * MIB,
                        0.02, 0.05, 20160, NOW.minus(Duration.ofDays(7)), NOW)), Map.of(), 9, 2);
            }
        };
        RightSizer sizer = new RightSizer(source, RightSizingSettings.defaults(90), Clock.fixed(NOW, ZoneOffset.UTC));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RightSizingMetrics.register(registry, sizer);
        ObjectRef orders = new ObjectRef("apps/v1", "Deployment", "shop", "orders");
        NamespaceFacts.Sidecars running = new NamespaceFacts.Sidecars(orders, 2, Map.of("1.18.3", 2),
                List.of(new NamespaceFacts.OomKill("orders-6d8f9c7b5-b8n2w", "", 1, "1000Mi")),
                List.of("orders-6d8f9c7b5-x2kqz", "orders-6d8f9c7b5-b8n2w"),
                new Resources("100m", "300m", "250Mi", "1000Mi", "900MiB"), null);

        sizer.prepare(Set.of("shop"));
        sizer.size("shop", List.of(running));

        assertThat(registry.get("daprguard_rightsizing_source_up").tag("source", "prometheus").gauge().value())
                .isEqualTo(1);
        assertThat(registry.get("daprguard_rightsizing_workloads").tag("state", "recommended").gauge().value())
                .isEqualTo(1);
        assertThat(registry.get("daprguard_rightsizing_workloads").tag("state", "differs").gauge().value())
                .isEqualTo(1);
        // 2 running pods: 250Mi each now; 120Mi each recommended
        assertThat(registry.get("daprguard_rightsizing_memory_request_bytes").tag("value", "now").gauge().value())
                .isEqualTo(500 * MIB);
        assertThat(registry.get("daprguard_rightsizing_memory_request_bytes").tag("value", "recommended").gauge()
                .value()).isEqualTo(240 * MIB);
        assertThat(registry.get("daprguard_rightsizing_cpu_request_cores").tag("value", "now").gauge().value())
                .isEqualTo(0.2);
        assertThat(registry.get("daprguard_rightsizing_cpu_request_cores").tag("value", "recommended").gauge()
                .value()).isEqualTo(0.06);
        assertThat(registry.get("daprguard_rightsizing_oom_killed_pods").gauge().value()).isEqualTo(1);
        assertThat(registry.get("daprguard_rightsizing_source_queries").gauge().value()).isEqualTo(9);
        assertThat(registry.get("daprguard_rightsizing_ignored_series").gauge().value()).isEqualTo(2);

        fail[0] = true;
        sizer.prepare(Set.of("shop"));
        assertThat(registry.get("daprguard_rightsizing_source_up").gauge().value()).isZero();
        assertThat(sizer.size("shop", List.of(running))).hasSize(1);

        sizer.prepare(Set.of("billing"));
        assertThat(registry.get("daprguard_rightsizing_workloads").tag("state", "recommended").gauge().value())
                .as("a namespace no longer audited drops out of the totals").isZero();
    }
}

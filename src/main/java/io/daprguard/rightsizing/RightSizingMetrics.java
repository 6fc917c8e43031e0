package io.daprguard.rightsizing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/**
 * Right-sizing's series, cluster totals only (never per pod or workload): the source's health, the workloads with a
 * recommendation, the daprd memory and CPU their running pods request now and as recommended, the pods whose daprd was
 * OOM-killed, and what the last read of the source cost and ignored.
 */
public final class RightSizingMetrics {

    private RightSizingMetrics() {}

    /** Registers the gauges, read from {@code sizer} at each scrape. */
    public static void register(MeterRegistry registry, RightSizer sizer) {
        Gauge.builder("daprguard_rightsizing_source_up", sizer, s -> s.up() ? 1 : 0)
                .description("1 when the last read of the right-sizing usage source succeeded")
                .tag("source", sizer.sourceName()).register(registry);
        Gauge.builder("daprguard_rightsizing_workloads", sizer, s -> s.totals().recommended())
                .description("Dapr workloads with a daprd recommendation").tag("state", "recommended")
                .register(registry);
        Gauge.builder("daprguard_rightsizing_workloads", sizer, s -> s.totals().material())
                .description("Dapr workloads with a daprd recommendation").tag("state", "differs")
                .register(registry);
        gauge(registry, "daprguard_rightsizing_memory_request_bytes", "now", sizer, t -> t.memoryNow(),
                "daprd memory requested by the running pods of workloads with a recommendation");
        gauge(registry, "daprguard_rightsizing_memory_request_bytes", "recommended", sizer, t -> t.memoryRecommended(),
                "daprd memory requested by the running pods of workloads with a recommendation");
        gauge(registry, "daprguard_rightsizing_cpu_request_cores", "now", sizer, t -> t.cpuNow(),
                "daprd CPU requested by the running pods of workloads with a recommendation");
        gauge(registry, "daprguard_rightsizing_cpu_request_cores", "recommended", sizer, t -> t.cpuRecommended(),
                "daprd CPU requested by the running pods of workloads with a recommendation");
        Gauge.builder("daprguard_rightsizing_oom_killed_pods", sizer, s -> s.totals().oomKills())
                .description("Running pods whose daprd was last terminated as OOMKilled").register(registry);
        Gauge.builder("daprguard_rightsizing_source_queries", sizer, s -> s.snapshot().queries())
                .description("Queries the last read of the usage source sent").register(registry);
        Gauge.builder("daprguard_rightsizing_ignored_series", sizer, s -> s.snapshot().ignored())
                .description("Series or samples the last read ignored as absurd (NaN, negative, infinite, huge, "
                        + "unlabelled)").register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String value, RightSizer sizer,
            ToDoubleFunction<RightSizer.Totals> read, String description) {
        Gauge.builder(name, sizer, s -> read.applyAsDouble(s.totals())).description(description).tag("value", value)
                .register(registry);
    }
}

package io.daprguard.metrics;

import io.daprguard.cluster.AuditFinding;
import io.daprguard.cluster.AuditResult;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster audit's meters, with bounded labels (rule ids, two levels, a fixed list of kinds, two results):
 * <ul>
 *   <li>{@code daprguard_audit_findings{rule, level}}: findings of the last complete run (level deny|warn);
 *   <li>{@code daprguard_audit_objects{kind}}: objects read in the audited namespaces by the last complete run;
 *   <li>{@code daprguard_audit_last_success_timestamp_seconds}: when the last complete run ended (0: never);
 *   <li>{@code daprguard_audit_runs_total{result}}: runs, success or failure;
 *   <li>{@code daprguard_audit_duration_seconds} and {@code daprguard_audit_api_calls}: the last run's wall time and
 *       Kubernetes API calls;
 *   <li>{@code daprguard_audit_leader}: 1 on the replica that holds the audit lease.
 * </ul>
 * Only complete runs change the findings and objects gauges: a failed run leaves the last good picture.
 */
public final class AuditMetrics {

    static final String FINDINGS = "daprguard.audit.findings";
    static final String OBJECTS = "daprguard.audit.objects";
    static final String LAST_SUCCESS = "daprguard.audit.last.success.timestamp";
    static final String RUNS = "daprguard.audit.runs";
    static final String DURATION = "daprguard.audit.duration";
    static final String CALLS = "daprguard.audit.api.calls";
    static final String LEADER = "daprguard.audit.leader";

    /** The kinds counted by {@code daprguard_audit_objects}. */
    public static final List<String> KINDS = List.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job",
            "CronJob", "Pod", "Component", "Configuration");

    private final Map<String, AtomicInteger> findings = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> objects = new ConcurrentHashMap<>();
    private final Counter successes;
    private final Counter failures;
    private final Clock clock;
    private volatile double lastSuccess;
    private volatile double duration;
    private volatile double calls;
    private volatile double leader;

    public AuditMetrics(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        for (Rule rule : Rules.all()) {
            for (AuditFinding.Level level : AuditFinding.Level.values()) {
                AtomicInteger value = new AtomicInteger();
                findings.put(key(rule.id(), level), value);
                Gauge.builder(FINDINGS, value, AtomicInteger::get).tag("rule", rule.id()).tag("level", level.tag())
                        .description("Findings of the last complete cluster audit, by rule and level")
                        .register(registry);
            }
        }
        for (String kind : KINDS) {
            AtomicInteger value = new AtomicInteger();
            objects.put(kind, value);
            Gauge.builder(OBJECTS, value, AtomicInteger::get).tag("kind", kind)
                    .description("Objects read in the audited namespaces by the last complete cluster audit")
                    .register(registry);
        }
        Gauge.builder(LAST_SUCCESS, this, metrics -> metrics.lastSuccess).strongReference(true).baseUnit("seconds")
                .description("When the last complete cluster audit ended, as Unix epoch seconds (0: none yet)")
                .register(registry);
        Gauge.builder(DURATION, this, metrics -> metrics.duration).strongReference(true).baseUnit("seconds")
                .description("Wall time of the last cluster audit run").register(registry);
        Gauge.builder(CALLS, this, metrics -> metrics.calls).strongReference(true)
                .description("Kubernetes API calls of the last cluster audit run").register(registry);
        Gauge.builder(LEADER, this, metrics -> metrics.leader).strongReference(true)
                .description("1 while this replica holds the audit lease (only the leader audits)").register(registry);
        successes = runs("success").register(registry);
        failures = runs("failure").register(registry);
    }

    private static Counter.Builder runs(String result) {
        return Counter.builder(RUNS).tag("result", result).description("Cluster audit runs, by result");
    }

    /**
     * Records one run: a successful one replaces the gauges, a failed one is only counted.
     *
     * @param success the run read everything and its reports were written
     */
    public void recorded(AuditResult result, boolean success, double seconds) {
        duration = seconds;
        calls = result.calls();
        if (!success) {
            failures.increment();
            return;
        }
        findings.values().forEach(value -> value.set(0));
        for (AuditFinding finding : result.findings()) {
            AtomicInteger value = findings.get(key(finding.rule(), finding.level()));
            if (value != null) {
                value.incrementAndGet();
            }
        }
        objects.forEach((kind, value) -> value.set(result.objects().getOrDefault(kind, 0)));
        lastSuccess = clock.millis() / 1000.0;
        successes.increment();
    }

    /** A run that failed before it could produce a result (no connection, reports could not be written). */
    public void failed(double seconds) {
        duration = seconds;
        failures.increment();
    }

    public void leading(boolean leading) {
        leader = leading ? 1 : 0;
    }

    private static String key(String rule, AuditFinding.Level level) {
        return rule + "|" + level.tag();
    }
}

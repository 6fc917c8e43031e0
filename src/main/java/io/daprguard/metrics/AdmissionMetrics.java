package io.daprguard.metrics;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.ReviewListener;
import io.daprguard.policy.Mode;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.RuleOutcome;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The admission metrics, with bounded label values only: no pod names or uids; kinds and operations outside the
 * known sets become {@code other}; the namespace label is off unless switched on. Every series for every rule and
 * webhook is registered at start with zero, so dashboards and alerts see them before the first review.
 *
 * <ul>
 *   <li>{@code daprguard_admission_requests_total{webhook,mode,kind,operation,result,dry_run}}
 *   <li>{@code daprguard_admission_duration_seconds} histogram, same labels but {@code result}, fixed buckets
 *       from 0.5 ms to 5 s, from body received to response written
 *   <li>{@code daprguard_rule_results_total{rule,outcome,mode}}
 *   <li>{@code daprguard_build_info{version}}
 * </ul>
 */
public final class AdmissionMetrics implements ReviewListener {

    static final String REQUESTS = "daprguard.admission.requests";
    static final String DURATION = "daprguard.admission.duration";
    static final String RULE_RESULTS = "daprguard.rule.results";
    static final String BUILD_INFO = "daprguard.build.info";

    /** The histogram's buckets: the Gatekeeper/Kyverno budgets (100 ms, 1 s) sit on bucket edges. */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5)
    };

    private static final Set<String> KINDS =
            Set.of("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Component",
                    "Configuration");
    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
    private static final int MODES = Mode.values().length;
    private static final List<String> RESULTS = List.of("allowed", "patched", "denied", AdmissionHandler.ERROR);

    private final MeterRegistry registry;
    private final boolean namespaceLabel;
    /**
     * The request series met so far, looked up once per review instead of built and registered each time (a
     * builder, sorted tags and a registry lookup per meter): bounded by the label sets above, times the
     * namespaces when that label is on.
     */
    private final ConcurrentMap<SeriesKey, Series> series = new ConcurrentHashMap<>();
    /** Rule counters by rule, outcome and mode, all registered at start. */
    private final Map<String, Counter[]> ruleCounters = new HashMap<>();

    /** The labels of one request series but {@code result}. */
    private record SeriesKey(Webhook webhook, Mode mode, String kind, String operation, boolean dryRun,
            String namespace) {}

    /** The timer and the counters (one per result) of one {@link SeriesKey}. */
    private record Series(Timer timer, Map<String, Counter> counters) {}

    /**
     * @param namespaceLabel add a {@code namespace} label to the request series (cardinality grows with the
     *     number of namespaces)
     */
    public AdmissionMetrics(MeterRegistry registry, boolean namespaceLabel, String version) {
        this.registry = registry;
        this.namespaceLabel = namespaceLabel;
        Gauge.builder(BUILD_INFO, () -> 1).description("dapr-guard build information")
                .tag("version", version).register(registry);
        for (Mode mode : Mode.values()) {
            for (Webhook webhook : Webhook.values()) {
                series(new SeriesKey(webhook, mode, "Pod", "CREATE", false, ""));
            }
        }
        for (Rule rule : Rules.all()) {
            Counter[] counters = new Counter[RuleOutcome.Kind.values().length * MODES];
            for (RuleOutcome.Kind outcome : RuleOutcome.Kind.values()) {
                for (Mode mode : Mode.values()) {
                    counters[outcome.ordinal() * MODES + mode.ordinal()] = ruleCounter(rule.id(), outcome, mode);
                }
            }
            ruleCounters.put(rule.id(), counters);
        }
    }

    @Override
    public void reviewed(AdmissionHandler.Outcome outcome, long nanos) {
        ReviewRequest request = outcome.request();
        String kind = request == null ? "unknown" : KINDS.contains(request.kind()) ? request.kind() : "other";
        String operation = request == null ? "unknown"
                : OPERATIONS.contains(request.operation()) ? request.operation() : "other";
        String namespace =
                namespaceLabel && request != null && request.namespace() != null ? request.namespace() : "";
        SeriesKey key = new SeriesKey(outcome.webhook(), outcome.mode(), kind, operation,
                request != null && request.dryRun(), namespace);
        Series found = series(key);
        Counter counter = found.counters().get(outcome.result());
        if (counter == null) { // not one of RESULTS: registered on the spot
            counter = counter(tags(key).and("result", outcome.result()));
        }
        counter.increment();
        found.timer().record(nanos, TimeUnit.NANOSECONDS);
        if (outcome.verdict() != null) {
            for (RuleOutcome rule : outcome.verdict().outcomes()) {
                Counter[] counters = ruleCounters.get(rule.rule());
                if (counters != null) {
                    counters[rule.kind().ordinal() * MODES + outcome.mode().ordinal()].increment();
                } else {
                    ruleCounter(rule.rule(), rule.kind(), outcome.mode()).increment();
                }
            }
        }
    }

    private Series series(SeriesKey key) {
        Series found = series.get(key);
        return found != null ? found : series.computeIfAbsent(key, this::register);
    }

    private Series register(SeriesKey key) {
        Tags tags = tags(key);
        Map<String, Counter> counters = new HashMap<>();
        for (String result : RESULTS) {
            counters.put(result, counter(tags.and("result", result)));
        }
        return new Series(timer(tags), Map.copyOf(counters));
    }

    private Tags tags(SeriesKey key) {
        Tags tags = Tags.of("webhook", key.webhook().configName(), "mode", key.mode().configName(), "kind",
                key.kind(), "operation", key.operation(), "dry_run", Boolean.toString(key.dryRun()));
        return namespaceLabel ? tags.and("namespace", key.namespace()) : tags;
    }

    private Counter counter(Tags tags) {
        return Counter.builder(REQUESTS).description("Admission reviews answered").tags(tags).register(registry);
    }

    private Timer timer(Tags tags) {
        return Timer.builder(DURATION).description("Time from review body received to response written")
                .tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
    }

    private Counter ruleCounter(String rule, RuleOutcome.Kind outcome, Mode mode) {
        return Counter.builder(RULE_RESULTS).description("Rule outcomes per reviewed object")
                .tags("rule", rule, "outcome", outcome.tag(), "mode", mode.configName()).register(registry);
    }
}

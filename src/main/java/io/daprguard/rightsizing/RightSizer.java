package io.daprguard.rightsizing;

import io.daprguard.dapr.Quantity;
import io.daprguard.rules.NamespaceFacts;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import io.daprguard.rules.SidecarSizer;
import io.daprguard.rules.SidecarSizing;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster audit's right-sizing: before each run it reads daprd's use from its source (a fixed number of queries,
 * whatever the cluster's size), and it sizes each workload from the use of all its pods, those that run and those
 * that are gone, with the OOM kills the audit saw in pod status. A source that fails keeps the last snapshot (a partial
 * or failed read never loses recommendations), says why in one log line, and shows in {@link #up()}.
 */
public final class RightSizer implements SidecarSizer {

    private static final Logger log = LoggerFactory.getLogger(RightSizer.class);

    private final UsageSource source;
    private final Recommender recommender;
    private final double oomFactor;
    private final Clock clock;
    /** The last run's result of each audited namespace. */
    private final Map<String, Sized> sized = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile UsageSnapshot snapshot = new UsageSnapshot(List.of(), Map.of(), 0, 0);
    private volatile boolean up;
    private volatile String lastError;

    public RightSizer(UsageSource source, RightSizingSettings settings, Clock clock) {
        this.source = source;
        this.recommender = new Recommender(settings);
        this.oomFactor = settings.oomFactor();
        this.clock = clock;
    }

    @Override
    public double oomFactor() {
        return oomFactor;
    }

    @Override
    public void forget() {
        sized.clear();
        up = false;
    }

    /** Why the last read of the source failed, or null when it succeeded (or never ran). */
    public String lastError() {
        return lastError;
    }

    /** Whether the last read of the source succeeded. */
    public boolean up() {
        return up;
    }

    /** The source's name. */
    public String sourceName() {
        return source.name();
    }

    /** The snapshot the recommendations come from. */
    public UsageSnapshot snapshot() {
        return snapshot;
    }

    /**
     * One namespace's sums, for the metrics: workloads with a recommendation and with a material difference, the
     * daprd memory and CPU requested by their running pods now and as recommended, and the pods OOM-killed.
     */
    public record Totals(int recommended, int material, double memoryNow, double memoryRecommended, double cpuNow,
            double cpuRecommended, int oomKills) {}

    /** One namespace's sizings and their sums. */
    private record Sized(List<SidecarSizing> sizings, Totals totals) {}

    /** Every workload's sizing of the last runs, by namespace, then kind and name. */
    public List<SidecarSizing> sizings() {
        return sized.values().stream().flatMap(s -> s.sizings().stream())
                .sorted(java.util.Comparator.comparing((SidecarSizing s) -> s.owner().namespace())
                        .thenComparing(s -> s.owner().kind()).thenComparing(s -> s.owner().name()))
                .toList();
    }

    /** The sums over every namespace of the last runs. */
    public Totals totals() {
        int recommended = 0;
        int material = 0;
        double memoryNow = 0;
        double memoryRecommended = 0;
        double cpuNow = 0;
        double cpuRecommended = 0;
        int oomKills = 0;
        for (Sized namespace : sized.values()) {
            Totals t = namespace.totals();
            recommended += t.recommended();
            material += t.material();
            memoryNow += t.memoryNow();
            memoryRecommended += t.memoryRecommended();
            cpuNow += t.cpuNow();
            cpuRecommended += t.cpuRecommended();
            oomKills += t.oomKills();
        }
        return new Totals(recommended, material, memoryNow, memoryRecommended, cpuNow, cpuRecommended, oomKills);
    }

    @Override
    public void prepare(Set<String> namespaces) {
        sized.keySet().retainAll(namespaces);
        try {
            UsageSnapshot read = source.fetch(namespaces, clock.instant());
            snapshot = read;
            up = true;
            if (lastError != null) {
                log.info("right-sizing: {} answers again ({} pods with daprd samples)", source.name(), read.pods().size());
            }
            lastError = null;
        } catch (SourceException e) {
            up = false;
            if (!e.getMessage().equals(lastError)) {
                log.warn("right-sizing: {}; recommendations keep their last values", e.getMessage());
            }
            lastError = e.getMessage();
        } catch (RuntimeException e) {
            up = false;
            String error = "reading " + source.name() + " failed unexpectedly: " + e;
            if (!error.equals(lastError)) {
                log.warn("right-sizing: {}; recommendations keep their last values", error, e);
            }
            lastError = error;
        }
    }

    private static double value(String quantity) {
        return Quantity.parse(quantity).map(q -> q.value().doubleValue()).orElse(0.0);
    }

    @Override
    public List<SidecarSizing> size(String namespace, List<NamespaceFacts.Sidecars> sidecars) {
        Map<ObjectRef, NamespaceFacts.Sidecars> byOwner = new LinkedHashMap<>();
        Map<String, ObjectRef> running = new LinkedHashMap<>();
        for (NamespaceFacts.Sidecars s : sidecars) {
            byOwner.put(s.owner(), s);
            s.podNames().forEach(pod -> running.put(pod, s.owner()));
        }
        UsageSnapshot current = snapshot;
        Map<ObjectRef, List<PodUsage>> usage = new LinkedHashMap<>();
        for (PodUsage pod : current.pods()) {
            if (!pod.namespace().equals(namespace)) {
                continue;
            }
            ObjectRef owner = running.get(pod.pod());
            if (owner == null) {
                owner = PodOwners.owner(pod.pod(), PodOwners.known(current.owners(), namespace, pod.pod()),
                        byOwner.keySet()).orElse(null);
            }
            if (owner != null) {
                usage.computeIfAbsent(owner, k -> new ArrayList<>()).add(pod);
            }
        }
        List<SidecarSizing> sizings = new ArrayList<>();
        double[] sums = new double[4];
        usage.forEach((owner, pods) -> {
            NamespaceFacts.Sidecars facts = byOwner.get(owner);
            double oomLimit = facts.oomKills().stream().map(k -> Quantity.parse(k.memoryLimit()))
                    .flatMap(Optional::stream).mapToDouble(q -> q.value().doubleValue()).max().orElse(0);
            recommender.size(owner, facts.current(), facts.env(), WorkloadUsage.of(pods, oomLimit), source.name())
                    .ifPresent(sizing -> {
                        sizings.add(sizing);
                        sums[0] += value(sizing.current().memoryRequest()) * facts.pods();
                        sums[1] += value(sizing.recommended().memoryRequest()) * facts.pods();
                        sums[2] += value(sizing.current().cpuRequest()) * facts.pods();
                        sums[3] += value(sizing.recommended().cpuRequest()) * facts.pods();
                    });
        });
        int oomKills = sidecars.stream().mapToInt(s -> s.oomKills().size()).sum();
        int material = (int) sizings.stream().filter(SidecarSizing::material).count();
        sized.put(namespace, new Sized(List.copyOf(sizings),
                new Totals(sizings.size(), material, sums[0], sums[1], sums[2], sums[3], oomKills)));
        return sizings;
    }
}

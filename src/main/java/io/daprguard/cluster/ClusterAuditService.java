package io.daprguard.cluster;

import io.daprguard.metrics.AuditMetrics;
import io.daprguard.policy.Policy;
import io.daprguard.rules.SidecarSizer;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the cluster audit in the server: on its own thread (low priority, so admission never waits for it), only
 * on the replica that holds the Lease {@value #LEASE}, once {@code initialDelay} after it became the leader and then
 * every {@code interval}. A run that fails (apiserver unreachable or slow, a list forbidden, a page failing half-way,
 * an object that does not parse, a report that cannot be written) is counted as a failure with one log line naming
 * the cause, leaves the reports of the last good run as they are, and is retried with backoff (10 s, doubling, at
 * most the interval). A replica that loses the lease stops at once (its run is interrupted) and competes again.
 */
public final class ClusterAuditService implements AutoCloseable {

    /** The Lease that elects the auditing replica. */
    public static final String LEASE = "dapr-guard-audit";

    private static final Logger log = LoggerFactory.getLogger(ClusterAuditService.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);

    private final AuditSettings settings;
    private final ClusterAudit audit;
    private final SidecarSizer sizer;
    private final SharedState shared;

    /** How often every replica reads what the leader shared. */
    static final Duration SHARED_REFRESH = Duration.ofSeconds(30);
    private final Supplier<KubeApi> connect;
    private final AuditMetrics metrics;
    private final Clock clock;
    private final String identity;
    private final FindingChanges changes;
    private final ScheduledExecutorService executor;

    private volatile KubeApi api;
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;
    private Future<?> next;
    private int failures;
    private int connectFailures;
    private ApiKind reportKind;
    private boolean reportKindKnown;

    /**
     * @param connect makes the API client (called on the audit thread, retried with backoff when it throws)
     * @param identity this replica's name in the lease (the pod name)
     */
    public ClusterAuditService(
            AuditSettings settings, Policy policy, Supplier<KubeApi> connect, AuditMetrics metrics, Clock clock,
            String identity) {
        this(settings, policy, connect, metrics, clock, identity, SidecarSizer.NONE);
    }

    /**
     * @param connect makes the API client (called on the audit thread, retried with backoff when it throws)
     * @param identity this replica's name in the lease (the pod name)
     * @param sizer right-sizes daprd from its measured use ({@code sidecar-right-size}); {@link SidecarSizer#NONE}
     *     without a usage source
     */
    public ClusterAuditService(
            AuditSettings settings, Policy policy, Supplier<KubeApi> connect, AuditMetrics metrics, Clock clock,
            String identity, SidecarSizer sizer) {
        this(settings, policy, connect, metrics, clock, identity, sizer, SharedState.NONE);
    }

    /**
     * @param shared what the leader publishes after each complete run and every replica reads back every
     *     {@link #SHARED_REFRESH} (right-sizing's recommendations, for {@code apply: defaults})
     */
    public ClusterAuditService(
            AuditSettings settings, Policy policy, Supplier<KubeApi> connect, AuditMetrics metrics, Clock clock,
            String identity, SidecarSizer sizer, SharedState shared) {
        this.shared = shared;
        this.settings = settings;
        this.audit = new ClusterAudit(policy, settings.modes(), clock, sizer);
        this.sizer = sizer;
        this.connect = connect;
        this.metrics = metrics;
        this.clock = clock;
        this.identity = identity;
        this.changes = new FindingChanges(clock);
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dapr-guard-audit");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            return thread;
        });
    }

    /** Connects and joins the election, in the background: start-up never waits for (or fails on) the cluster. */
    public void start() {
        executor.execute(this::connectAndElect);
    }

    public boolean leading() {
        return leading;
    }

    private void connectAndElect() {
        if (closed) {
            return;
        }
        try {
            if (api == null) {
                api = connect.get();
                connectFailures = 0;
                if (shared != SharedState.NONE) {
                    executor.scheduleWithFixedDelay(this::refreshShared, 0, SHARED_REFRESH.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            connectFailures++;
            Duration wait = backoff(connectFailures);
            log.warn("cluster audit: no Kubernetes API client ({}); next try in {}s", e.getMessage(), wait.toSeconds());
            metrics.failed(0);
            executor.schedule(this::connectAndElect, wait.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        Duration lease = settings.leaseDuration();
        LeaderElectionConfig config = new LeaderElectionConfig(
                new LeaseLock(settings.leaseNamespace(), LEASE, identity), lease,
                lease.multipliedBy(2).dividedBy(3), lease.dividedBy(5),
                new LeaderCallbacks(this::startLeading, this::stopLeading, this::newLeader), true, LEASE);
        CompletableFuture<?> started = api.client().leaderElector().withConfig(config).build().start();
        election = started;
        started.whenComplete((ignored, error) -> {
            if (!closed) {
                // Lost the lease (or could not keep trying): compete again.
                executor.schedule(this::connectAndElect, lease.dividedBy(5).toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private synchronized void startLeading() {
        leading = true;
        failures = 0;
        metrics.leading(true);
        log.info("cluster audit: {} holds the lease {}/{}; auditing every {}s", identity, settings.leaseNamespace(),
                LEASE, settings.interval().toSeconds());
        schedule(settings.initialDelay());
    }

    private synchronized void stopLeading() {
        if (!leading) {
            return;
        }
        leading = false;
        metrics.leading(false);
        sizer.forget();
        if (next != null) {
            next.cancel(true);
        }
        changes.reset();
        log.info("cluster audit: {} no longer holds the lease {}/{}; stopped", identity, settings.leaseNamespace(),
                LEASE);
    }

    private void newLeader(String leader) {
        if (leader != null && !identity.equals(leader)) {
            log.info("cluster audit: {} holds the lease {}/{}", leader, settings.leaseNamespace(), LEASE);
        }
    }

    private synchronized void schedule(Duration delay) {
        if (leading && !closed) {
            next = executor.schedule(this::runOnce, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One run: read and judge, then reports, metrics and the audit log. */
    void runOnce() {
        if (!leading || closed) {
            return;
        }
        long started = System.nanoTime();
        int callsBefore = api.calls();
        AuditResult result = audit.run(api, null);
        String failure = result.failure();
        PolicyReports.Sync sync = null;
        if (failure == null && leading) {
            try {
                sync = writeReports(result);
            } catch (ClusterException e) {
                failure = e.getMessage();
            }
        }
        if (!leading) {
            return;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int reads = result.calls();
        result = result.withCalls(api.calls() - callsBefore);
        metrics.recorded(result, failure == null, seconds);
        if (failure != null) {
            failures++;
            Duration wait = backoff(failures);
            log.warn("cluster audit failed: {}; reports left as they were; next try in {}s", failure, wait.toSeconds());
            schedule(wait);
            return;
        }
        failures = 0;
        shared.publish(api);
        changes.logChanges(result);
        log.info("cluster audit: {} findings, {} namespaces, {} objects, {} API calls ({} to read), {} s{}",
                result.findings().size(), result.namespaces().size(),
                result.objects().values().stream().mapToInt(Integer::intValue).sum(), result.calls(), reads,
                String.format(java.util.Locale.ROOT, "%.1f", seconds),
                sync == null ? "" : "; reports: " + sync.created() + " created, " + sync.updated() + " updated, "
                        + sync.deleted() + " deleted, " + sync.unchanged() + " unchanged");
        schedule(settings.interval());
    }

    private void refreshShared() {
        KubeApi current = api;
        if (current != null && !closed) {
            shared.refresh(current);
        }
    }

    private PolicyReports.Sync writeReports(AuditResult result) throws ClusterException {
        PolicyReports reports = new PolicyReports(api, settings.maxResultsPerReport(), clock);
        ApiKind kind = reports.discover();
        if (!reportKindKnown || kind != reportKind) {
            reportKindKnown = true;
            reportKind = kind;
            if (kind == null) {
                log.info("cluster audit: neither the PolicyReport (wgpolicyk8s.io/v1alpha2) nor the Report "
                        + "(openreports.io/v1alpha1) CRD is installed; findings go to metrics and the audit log only");
            } else {
                log.info("cluster audit: writing findings as {} {} named {} per namespace", kind.apiVersion(),
                        kind.kind(), PolicyReports.NAME);
            }
        }
        return kind == null ? null : reports.sync(kind, result.findings());
    }

    /** 10 s, 20 s, 40 s... never more than the interval. */
    Duration backoff(int failed) {
        Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(failed - 1, 16));
        return wait.compareTo(settings.interval()) > 0 ? settings.interval() : wait;
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> current = election;
        if (current != null) {
            current.cancel(true);
        }
        stopLeading();
        executor.shutdownNow();
        KubeApi client = api;
        if (client != null) {
            client.close();
        }
    }
}

package io.daprguard.config;

import static io.daprguard.config.SettingChecks.between;
import static io.daprguard.config.SettingChecks.notBlank;
import static io.daprguard.config.SettingChecks.required;

import io.daprguard.dapr.InjectorAccounts;
import io.daprguard.nativepolicy.NativeExport;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.SkipRules;
import io.daprguard.rules.Action;
import io.daprguard.rules.SecretNames;
import io.daprguard.rules.SidecarDefaults;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code dapr-guard.*} except TLS. Checked when bound: a bad value stops start-up with a message
 * naming the property (an unknown rule id lists the known ones).
 *
 * @param mode {@code enforce} (default) or {@code audit}
 * @param mutateTemplates patch workload pod templates too (default false: pods are patched when created)
 * @param validateFailOpen allow instead of deny when {@code /validate} fails unexpectedly (default false)
 * @param maxRequestSize the largest AdmissionReview body accepted (default 8MB: an UPDATE carries two objects
 *     of up to 3 MiB each)
 * @param sidecar the values mutation adds
 * @param rules per-rule actions ({@code deny}, {@code warn}, {@code off}) overriding the defaults
 * @param skippable rule ids {@code daprguard.io/skip} may skip; unset means the warn-level rules
 * @param skip limits on skips: how far ahead {@code daprguard.io/skip-until} may lie, whether a reason is required
 * @param limits how much work may be in progress
 * @param metrics metric options
 * @param shutdown graceful shutdown options
 * @param components options of the Component rules
 * @param audit the cluster audit (off by default: the quick start needs no cluster)
 * @param controlPlane options of the control-plane rules and of {@code check --dapr-values}
 * @param rightsizing recommendations of daprd's resources from its measured use (with the audit)
 * @param injector what dapr-guard knows of Dapr's sidecar injector ({@code sidecar-injected})
 */
@ConfigurationProperties(prefix = "dapr-guard")
public record DaprGuardProperties(
        @DefaultValue("enforce") Mode mode,
        @DefaultValue("false") boolean mutateTemplates,
        @DefaultValue("false") boolean validateFailOpen,
        @DefaultValue("8MB") DataSize maxRequestSize,
        @DefaultValue Sidecar sidecar,
        Map<String, String> rules,
        Set<String> skippable,
        @DefaultValue Skip skip,
        @DefaultValue Limits limits,
        @DefaultValue Metrics metrics,
        @DefaultValue Shutdown shutdown,
        @DefaultValue Components components,
        @DefaultValue Audit audit,
        @DefaultValue ControlPlane controlPlane,
        @DefaultValue Rightsizing rightsizing,
        Set<String> nativeRules,
        @DefaultValue Injector injector) {

    /**
     * @param memoryLimits advise memory limits on control-plane pods, as the seed guideline's table does (default
     *     true); false follows the current upstream production page, which advises against them (a memory limit
     *     OOM-kills the service) and then warns about a memory limit instead
     */
    public record ControlPlane(@DefaultValue("true") boolean memoryLimits) {}

    /**
     * @param serviceAccounts the {@code namespace:name} patterns (Go globs) Dapr's injector serves beyond its built-in
     *     list: the Helm values {@code dapr_sidecar_injector.allowedServiceAccounts} and
     *     {@code allowedServiceAccountsPrefixNames} of the Dapr install. A pod another account creates gets no
     *     sidecar by design, and {@code sidecar-injected} only warns about it.
     */
    public record Injector(List<String> serviceAccounts) {

        public Injector {
            serviceAccounts = serviceAccounts == null ? List.of() : List.copyOf(serviceAccounts);
            accounts(serviceAccounts);
        }

        InjectorAccounts accounts() {
            return accounts(serviceAccounts);
        }

        private static InjectorAccounts accounts(List<String> patterns) {
            try {
                return InjectorAccounts.of(patterns);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dapr-guard.injector.service-accounts: " + e.getMessage(), e);
            }
        }
    }

    /**
     * @param secretNamePatterns regular expressions (case-insensitive, whole name, compared with everything but
     *     letters and digits removed) for the Component metadata names that hold secrets; unset means
     *     {@link SecretNames#DEFAULT_PATTERNS}
     */
    public record Components(List<String> secretNamePatterns) {

        public Components {
            if (secretNamePatterns != null) {
                SecretNames.of(secretNamePatterns);
            }
        }

        SecretNames secretNames() {
            return secretNamePatterns == null ? SecretNames.DEFAULT : SecretNames.of(secretNamePatterns);
        }
    }

    /**
     * @param maxDuration the furthest ahead {@code daprguard.io/skip-until} may lie (default 90 days); a later end
     *     is refused with a warning, so every exception is reviewed at least that often
     * @param requireReason refuse a skip that has no {@code daprguard.io/skip-reason}
     */
    public record Skip(
            @DefaultValue("90d") Duration maxDuration,
            @DefaultValue("false") boolean requireReason) {

        public Skip {
            required("dapr-guard.skip.max-duration", maxDuration);
            if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
                throw new IllegalArgumentException(
                        "dapr-guard.skip.max-duration must be positive, was " + maxDuration);
            }
        }

        SkipRules rules() {
            return new SkipRules(maxDuration, requireReason);
        }
    }

    /**
     * @param maxConcurrentReviews reviews in progress at once (waiting for a worker or being served); more are
     *     answered at once with code 429, from their envelope alone (no parse, no evaluation)
     * @param maxWait a review that waited longer than this for a worker is answered with code 429 instead of being
     *     evaluated (keep it well below the webhook's {@code timeoutSeconds})
     * @param workerThreads threads that serve reviews (CPU work: a few per core)
     */
    public record Limits(
            @DefaultValue("384") int maxConcurrentReviews,
            @DefaultValue("1s") Duration maxWait,
            @DefaultValue("16") int workerThreads) {

        public Limits {
            between("dapr-guard.limits.max-concurrent-reviews", maxConcurrentReviews, 1, 10_000);
            if (required("dapr-guard.limits.max-wait", maxWait).isNegative() || maxWait.toSeconds() > 30) {
                throw new IllegalArgumentException("dapr-guard.limits.max-wait must be between 0 and 30s, was " + maxWait);
            }
            between("dapr-guard.limits.worker-threads", workerThreads, 1, 512);
        }
    }

    /**
     * The cluster audit: what already runs, judged every {@code interval} by the replica holding the audit lease.
     *
     * @param enabled run it (default false; the Helm chart turns it on)
     * @param interval time between two runs (1m to 24h)
     * @param initialDelay time from becoming the leader to the first run (0 to 1h)
     * @param pageSize objects per list call (1 to 5000)
     * @param qps the most Kubernetes API calls per second (0.1 to 1000)
     * @param maxResultsPerReport results kept in one namespace's PolicyReport (1 to 5000; the summary counts all)
     * @param leaseNamespace namespace of the Lease {@code dapr-guard-audit} (the chart sets its release namespace)
     * @param leaseDuration how long the lease holds without renewal: another replica takes over within it (5s to
     *     5m)
     * @param requestTimeout how long one API call may take (1s to 5m)
     * @param excludeNamespaces namespaces never audited, as the webhook configurations exclude them (default
     *     kube-system; the chart adds its release namespace and webhook.excludeNamespaces)
     * @param namespaceSelector a label selector: only namespaces it selects are audited (default unset: all)
     * @param kubeconfig a kubeconfig file to audit that cluster (default unset: the in-cluster service account,
     *     else {@code KUBECONFIG} or {@code ~/.kube/config})
     */
    public record Audit(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("10m") Duration interval,
            @DefaultValue("10s") Duration initialDelay,
            @DefaultValue("500") int pageSize,
            @DefaultValue("20") double qps,
            @DefaultValue("1000") int maxResultsPerReport,
            @DefaultValue("default") String leaseNamespace,
            @DefaultValue("15s") Duration leaseDuration,
            @DefaultValue("30s") Duration requestTimeout,
            @DefaultValue("kube-system") List<String> excludeNamespaces,
            String namespaceSelector,
            String kubeconfig) {

        public Audit {
            between("dapr-guard.audit.interval", required("dapr-guard.audit.interval", interval),
                    Duration.ofMinutes(1), Duration.ofHours(24));
            between("dapr-guard.audit.initial-delay", required("dapr-guard.audit.initial-delay", initialDelay),
                    Duration.ZERO, Duration.ofHours(1));
            between("dapr-guard.audit.page-size", pageSize, 1, 5000);
            between("dapr-guard.audit.qps", qps, 0.1, 1000);
            between("dapr-guard.audit.max-results-per-report", maxResultsPerReport, 1, 5000);
            notBlank("dapr-guard.audit.lease-namespace", leaseNamespace);
            between("dapr-guard.audit.lease-duration", required("dapr-guard.audit.lease-duration", leaseDuration),
                    Duration.ofSeconds(5), Duration.ofMinutes(5));
            between("dapr-guard.audit.request-timeout", required("dapr-guard.audit.request-timeout", requestTimeout),
                    Duration.ofSeconds(1), Duration.ofMinutes(5));
            required("dapr-guard.audit.exclude-namespaces", excludeNamespaces);
        }
    }

    /**
     * Right-sizing: the cluster audit reads daprd's measured use and recommends its resources
     * ({@code sidecar-right-size}). Off unless {@code prometheus.url} is set; the README's "Right-sizing" section
     * documents the method these values tune.
     *
     * @param prometheus where the use is read
     * @param apply {@code off} (default): recommendations are findings only; {@code defaults}: the mutating webhook
     *     adds a workload's recommendation instead of the fixed sidecar defaults, for what the user did not set
     * @param metricsServer without a Prometheus: sample daprd's use from metrics.k8s.io at every audit run
     * @param halfLife how fast metrics.k8s.io samples lose weight in their histograms (1h to 30d)
     * @param window how far back use is read (1h to 90d)
     * @param oomFactor after an OOM kill, the limit recommended is at least the limit daprd died at times this (1 to 4)
     * @param minSamples no recommendation from fewer memory samples
     * @param minHistory no recommendation from a shorter span of history (first to last sample)
     * @param relativeThreshold a difference is reported when larger than this share of the current value...
     * @param memoryThreshold ...and than this much memory
     * @param cpuThreshold ...or this much CPU
     * @param memoryRequestFloor the smallest memory request recommended
     * @param memoryLimitFloor the smallest memory limit recommended
     * @param memoryLimitCeiling the largest memory limit (and request) recommended
     * @param cpuRequestFloor the smallest CPU request recommended
     * @param cpuLimitFloor the smallest CPU limit recommended
     * @param cpuLimitCeiling the largest CPU limit (and request) recommended
     */
    public record Rightsizing(
            @DefaultValue Prometheus prometheus,
            @DefaultValue("off") Apply apply,
            @DefaultValue("false") boolean metricsServer,
            @DefaultValue("24h") Duration halfLife,
            @DefaultValue("7d") Duration window,
            @DefaultValue("1.5") double oomFactor,
            @DefaultValue("1000") long minSamples,
            @DefaultValue("24h") Duration minHistory,
            @DefaultValue("0.2") double relativeThreshold,
            @DefaultValue("64Mi") String memoryThreshold,
            @DefaultValue("50m") String cpuThreshold,
            @DefaultValue("32Mi") String memoryRequestFloor,
            @DefaultValue("128Mi") String memoryLimitFloor,
            @DefaultValue("8Gi") String memoryLimitCeiling,
            @DefaultValue("10m") String cpuRequestFloor,
            @DefaultValue("50m") String cpuLimitFloor,
            @DefaultValue("4") String cpuLimitCeiling) {

        public Rightsizing {
            required("dapr-guard.rightsizing.prometheus", prometheus);
            required("dapr-guard.rightsizing.apply", apply);
            required("dapr-guard.rightsizing.half-life", halfLife);
            required("dapr-guard.rightsizing.window", window);
            required("dapr-guard.rightsizing.min-history", minHistory);
            between("dapr-guard.rightsizing.oom-factor", oomFactor, 1, 4);
            between("dapr-guard.rightsizing.min-samples", minSamples, 1, Long.MAX_VALUE);
            between("dapr-guard.rightsizing.relative-threshold", relativeThreshold, 0, 10);
            between("dapr-guard.rightsizing.window", window, Duration.ofHours(1), Duration.ofDays(90));
            between("dapr-guard.rightsizing.half-life", halfLife, Duration.ofHours(1), Duration.ofDays(30));
            if (window != null && minHistory != null && minHistory.compareTo(window) > 0) {
                throw new IllegalArgumentException("dapr-guard.rightsizing.min-history (" + minHistory + ") is longer "
                        + "than the window (" + window + "): no recommendation could ever be made");
            }
            mib("memory-threshold", memoryThreshold);
            long requestFloor = mib("memory-request-floor", memoryRequestFloor);
            long limitFloor = mib("memory-limit-floor", memoryLimitFloor);
            long ceiling = mib("memory-limit-ceiling", memoryLimitCeiling);
            milli("cpu-threshold", cpuThreshold);
            long cpuFloor = milli("cpu-request-floor", cpuRequestFloor);
            long cpuLimitFloorMilli = milli("cpu-limit-floor", cpuLimitFloor);
            long cpuCeiling = milli("cpu-limit-ceiling", cpuLimitCeiling);
            if (requestFloor > ceiling || limitFloor > ceiling || cpuFloor > cpuCeiling || cpuLimitFloorMilli > cpuCeiling) {
                throw new IllegalArgumentException("dapr-guard.rightsizing: a floor is above its ceiling");
            }
        }

        /** Whether a usage source is configured: a Prometheus, or metrics.k8s.io. */
        public boolean hasSource() {
            return prometheus.url() != null && !prometheus.url().isBlank() || metricsServer;
        }

        /** What admission does with the recommendations. */
        public enum Apply {
            /** nothing: they are findings (sidecar-right-size) and check --recommend output only */
            OFF,
            /** the mutating webhook adds the workload's recommendation instead of the fixed defaults */
            DEFAULTS
        }

        /** The method's settings (margins and steps are fixed: the README documents them). */
        public io.daprguard.rightsizing.RightSizingSettings settings(int gomemlimitPercent) {
            io.daprguard.rightsizing.RightSizingSettings d =
                    io.daprguard.rightsizing.RightSizingSettings.defaults(gomemlimitPercent);
            return new io.daprguard.rightsizing.RightSizingSettings(window, d.memoryRequestMargin(),
                    d.memoryLimitMargin(), d.cpuRequestMargin(), d.cpuLimitMargin(), oomFactor,
                    d.memoryRequestStepMib(), d.memoryLimitStepMib(), d.cpuRequestStepMilli(), d.cpuLimitStepMilli(),
                    mib("memory-request-floor", memoryRequestFloor), mib("memory-limit-floor", memoryLimitFloor),
                    mib("memory-limit-ceiling", memoryLimitCeiling), milli("cpu-request-floor", cpuRequestFloor),
                    milli("cpu-limit-floor", cpuLimitFloor), milli("cpu-limit-ceiling", cpuLimitCeiling), minSamples,
                    minHistory, relativeThreshold, mib("memory-threshold", memoryThreshold),
                    milli("cpu-threshold", cpuThreshold), gomemlimitPercent);
        }

        /** A memory quantity in whole MiB (rounded up); a bad value names its key. */
        public static long mib(String key, String quantity) {
            return io.daprguard.dapr.Quantity.parse(quantity).filter(io.daprguard.dapr.Quantity::isPositive)
                    .map(q -> q.value().divide(java.math.BigDecimal.valueOf(1L << 20), 0, java.math.RoundingMode.CEILING)
                            .longValueExact())
                    .orElseThrow(() -> new IllegalArgumentException("dapr-guard.rightsizing." + key
                            + " must be a positive Kubernetes quantity such as 64Mi, was " + quantity));
        }

        /** A CPU quantity in whole millicores (rounded up); a bad value names its key. */
        public static long milli(String key, String quantity) {
            return io.daprguard.dapr.Quantity.parse(quantity).filter(io.daprguard.dapr.Quantity::isPositive)
                    .map(q -> q.value().multiply(java.math.BigDecimal.valueOf(1000))
                            .setScale(0, java.math.RoundingMode.CEILING).longValueExact())
                    .orElseThrow(() -> new IllegalArgumentException("dapr-guard.rightsizing." + key
                            + " must be a positive Kubernetes quantity such as 50m, was " + quantity));
        }
    }

    /**
     * @param url the Prometheus that scrapes the kubelets' cAdvisor series (unset: no right-sizing)
     * @param bearerTokenFile a file holding a bearer token for it, read at every run (unset: none)
     * @param caFile a PEM file of the CA that signed its certificate (unset: the JVM's trust store)
     * @param timeout how long one query may take
     */
    public record Prometheus(String url, String bearerTokenFile, String caFile,
            @DefaultValue("2m") Duration timeout) {

        public Prometheus {
            required("dapr-guard.rightsizing.prometheus.timeout", timeout);
        }
    }

    /** @param namespaceLabel add a {@code namespace} label to the request series (off: bounded cardinality) */
    public record Metrics(@DefaultValue("false") boolean namespaceLabel) {}

    /**
     * @param drainPeriod after SIGTERM, how long new connections are still served while readiness is already
     *     false, so the Service stops routing before the server stops accepting
     */
    public record Shutdown(@DefaultValue("5s") Duration drainPeriod) {

        public Shutdown {
            if (required("dapr-guard.shutdown.drain-period", drainPeriod).isNegative() || drainPeriod.toMinutes() > 5) {
                throw new IllegalArgumentException(
                        "dapr-guard.shutdown.drain-period must be between 0 and 5m, was " + drainPeriod);
            }
        }
    }

    /**
     * The sidecar values mutation adds (the guideline's production values by default).
     *
     * @param gomemlimitPercent GOMEMLIMIT as a share of the sidecar memory limit, 1 to 100
     */
    public record Sidecar(
            @DefaultValue("100m") String cpuRequest,
            @DefaultValue("300m") String cpuLimit,
            @DefaultValue("250Mi") String memoryRequest,
            @DefaultValue("1000Mi") String memoryLimit,
            @DefaultValue("90") int gomemlimitPercent) {

        public Sidecar {
            required("dapr-guard.sidecar.cpu-request", cpuRequest);
            required("dapr-guard.sidecar.cpu-limit", cpuLimit);
            required("dapr-guard.sidecar.memory-request", memoryRequest);
            required("dapr-guard.sidecar.memory-limit", memoryLimit);
            between("dapr-guard.sidecar.gomemlimit-percent", gomemlimitPercent, 1, 100);
        }
    }

    public DaprGuardProperties {
        required("dapr-guard.mode", mode);
        required("dapr-guard.max-request-size", maxRequestSize);
        required("dapr-guard.sidecar", sidecar);
        required("dapr-guard.skip", skip);
        required("dapr-guard.limits", limits);
        required("dapr-guard.metrics", metrics);
        required("dapr-guard.shutdown", shutdown);
        required("dapr-guard.components", components);
        required("dapr-guard.audit", audit);
        required("dapr-guard.control-plane", controlPlane);
        required("dapr-guard.rightsizing", rightsizing);
        required("dapr-guard.injector", injector);
        rules = rules == null ? Map.of() : rules;
        if (rightsizing != null && rightsizing.apply() == Rightsizing.Apply.DEFAULTS) {
            if (audit == null || !audit.enabled()) {
                throw new IllegalArgumentException("dapr-guard.rightsizing.apply=defaults needs the cluster audit "
                        + "(dapr-guard.audit.enabled=true): its leader computes the recommendations");
            }
            if (!rightsizing.hasSource()) {
                throw new IllegalArgumentException("dapr-guard.rightsizing.apply=defaults needs a usage source: set "
                        + "dapr-guard.rightsizing.prometheus.url or dapr-guard.rightsizing.metrics-server=true");
            }
        }
        if (maxRequestSize != null && (maxRequestSize.toBytes() < 1024 || maxRequestSize.toBytes() > 64L << 20)) {
            throw new IllegalArgumentException(
                    "dapr-guard.max-request-size must be between 1KB and 64MB, was " + maxRequestSize);
        }
        if (mode != null && sidecar != null) {
            toPolicy(mode, mutateTemplates, sidecar, rules, skippable);
        }
        nativeRules = nativeRules == null ? Set.of() : Set.copyOf(nativeRules);
        Set<String> expressible = new TreeSet<>(NativeExport.expressibleRules());
        expressible.removeAll(NativeExport.PARTIAL);
        for (String id : new TreeSet<>(nativeRules)) {
            if (NativeExport.PARTIAL.contains(id)) {
                throw new IllegalArgumentException("dapr-guard.native-rules names " + id + ", which CEL expresses"
                        + " only in part, so the webhook keeps it whole (export native --with-webhook leaves it out)");
            }
            if (!expressible.contains(id)) {
                throw new IllegalArgumentException("dapr-guard.native-rules names " + id + ", which has no native"
                        + " form, so nothing would enforce it; the rules export native writes in full are "
                        + String.join(", ", expressible));
            }
        }
    }

    /**
     * The policy of the admission webhook: {@link #toPolicy()} with the {@code native-rules} judged by native
     * admission policies (from {@code export native --with-webhook}) in the kube-apiserver, not by the webhook
     * ({@link Policy#nativeRules}). The audit keeps {@link #toPolicy()}.
     */
    public Policy toAdmissionPolicy() {
        return toPolicy().withNativeRules(nativeRules);
    }

    /** The engine's policy; the values were checked when bound. */
    public Policy toPolicy() {
        return toPolicy(mode, mutateTemplates, sidecar, rules, skippable).withSecretNames(components.secretNames())
                .withSkipRules(skip.rules())
                .withControlPlaneMemoryLimits(controlPlane.memoryLimits())
                .withInjector(injector.accounts());
    }

    private static Policy toPolicy(
            Mode mode, boolean mutateTemplates, Sidecar sidecar, Map<String, String> rules, Set<String> skippable) {
        SidecarDefaults defaults = SidecarDefaults.of(sidecar.cpuRequest(), sidecar.cpuLimit(),
                sidecar.memoryRequest(), sidecar.memoryLimit(), sidecar.gomemlimitPercent());
        Map<String, Action> actions = new LinkedHashMap<>();
        rules.forEach((id, action) -> actions.put(id, Action.parse(action)));
        return Policy.of(mode, actions, skippable, defaults, mutateTemplates);
    }
}

package io.daprguard.config;

import io.daprguard.cluster.AuditSettings;
import io.daprguard.cluster.ClusterAuditService;
import io.daprguard.cluster.KubeApi;
import io.daprguard.cluster.NamespaceModes;
import io.daprguard.cluster.SharedState;
import io.daprguard.metrics.AuditMetrics;
import io.daprguard.policy.Policy;
import io.daprguard.rightsizing.MetricsServerSource;
import io.daprguard.rightsizing.PrometheusSource;
import io.daprguard.rightsizing.RecommendationStore;
import io.daprguard.rightsizing.RightSizer;
import io.daprguard.rightsizing.RightSizingMetrics;
import io.daprguard.rightsizing.UsageSource;
import io.daprguard.rules.SidecarDefaultsSource;
import io.daprguard.rules.SidecarSizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cluster audit, when {@code dapr-guard.audit.enabled} is true. It connects and elects in the background, so the
 * server starts (and admits) whether or not a cluster is reachable.
 *
 * <p>Decided when the context starts, not by a condition: the image runs Spring's ahead-of-time processed context,
 * whose conditions were settled when the jar was built (with the audit off), so a condition on the property would
 * leave the chart's audit out without a word.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

    /**
     * The audit's parts, or {@link ClusterAudit#OFF}: its metrics, right-sizing when
     * {@code dapr-guard.rightsizing.prometheus.url} or {@code metrics-server} is set (the audit reads daprd's use before
     * each run; otherwise it sizes nothing, and sidecar-oom-killed still works from pod status), the recommendations'
     * ConfigMap with {@code dapr-guard.rightsizing.apply: defaults}, and the audit itself, started here.
     */
    @Bean(destroyMethod = "close")
    ClusterAudit clusterAudit(DaprGuardProperties properties, Policy policy, MeterRegistry registry) {
        if (!properties.audit().enabled()) {
            return ClusterAudit.OFF;
        }
        AuditMetrics metrics = new AuditMetrics(registry, Clock.systemUTC());
        SidecarSizer sizer = sidecarSizer(properties, policy, registry);
        RecommendationStore store = recommendationStore(properties, policy, sizer, registry);
        ClusterAuditService service = clusterAuditService(properties, policy, metrics, sizer, store);
        service.start();
        return new ClusterAudit(service, store == null ? SidecarDefaultsSource.POLICY : store);
    }

    /**
     * The running audit, if {@code dapr-guard.audit.enabled}; closing it stops the audit.
     *
     * @param defaults the sidecar defaults the admission engine gives a pod: the recommendations the leader publishes
     *     with {@code rightsizing.apply: defaults}, else the policy's
     */
    public record ClusterAudit(ClusterAuditService service, SidecarDefaultsSource defaults) implements AutoCloseable {

        static final ClusterAudit OFF = new ClusterAudit(null, SidecarDefaultsSource.POLICY);

        /** The audit, unless it is off. */
        public Optional<ClusterAuditService> running() {
            return Optional.ofNullable(service);
        }

        @Override
        public void close() {
            if (service != null) {
                service.close();
            }
        }
    }

    private static SidecarSizer sidecarSizer(DaprGuardProperties properties, Policy policy, MeterRegistry registry) {
        DaprGuardProperties.Rightsizing r = properties.rightsizing();
        if (!r.hasSource()) {
            return SidecarSizer.NONE;
        }
        RightSizer sizer = new RightSizer(usageSource(properties), r.settings(policy.defaults().gomemlimitPercent()),
                Clock.systemUTC());
        RightSizingMetrics.register(registry, sizer);
        return sizer;
    }

    /** The configured usage source: the Prometheus of {@code prometheus.url}, else metrics.k8s.io. */
    private static UsageSource usageSource(DaprGuardProperties properties) {
        DaprGuardProperties.Rightsizing r = properties.rightsizing();
        DaprGuardProperties.Prometheus p = r.prometheus();
        if (p.url() == null || p.url().isBlank()) {
            DaprGuardProperties.Audit audit = properties.audit();
            return new MetricsServerSource(() -> new KubeApi(KubeApi.connect(audit.kubeconfig(), null,
                    audit.requestTimeout()), audit.pageSize(), audit.qps(), audit.requestTimeout()),
                    audit.leaseNamespace(), r.halfLife(), r.window());
        }
        try {
            return new PrometheusSource(new URI(p.url().trim()), optionalPath(p.bearerTokenFile()),
                    optionalPath(p.caFile()), p.timeout(), r.window());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("dapr-guard.rightsizing.prometheus.url is not a URL: " + p.url(), e);
        }
    }

    private static Optional<Path> optionalPath(String path) {
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(Path.of(path.trim()));
    }

    /**
     * {@code dapr-guard.rightsizing.apply: defaults}: the leader publishes the recommendations in a ConfigMap of the
     * audit's (the release) namespace, every replica reads them back, and the engine uses them as sidecar defaults.
     */
    private static RecommendationStore recommendationStore(DaprGuardProperties properties, Policy policy,
            SidecarSizer sizer, MeterRegistry registry) {
        if (properties.rightsizing().apply() != DaprGuardProperties.Rightsizing.Apply.DEFAULTS
                || !(sizer instanceof RightSizer rightSizer)) {
            return null;
        }
        RecommendationStore store = new RecommendationStore(rightSizer, properties.audit().leaseNamespace(),
                policy.defaults().gomemlimitPercent());
        io.micrometer.core.instrument.Gauge.builder("daprguard_rightsizing_applied_workloads", store,
                RecommendationStore::size).description("Workloads whose recommendation this replica applies as "
                        + "sidecar defaults (apply: defaults)").register(registry);
        return store;
    }

    private static ClusterAuditService clusterAuditService(DaprGuardProperties properties, Policy policy,
            AuditMetrics metrics, SidecarSizer sizer, RecommendationStore store) {
        DaprGuardProperties.Audit audit = properties.audit();
        AuditSettings settings = new AuditSettings(audit.interval(), audit.initialDelay(), audit.pageSize(),
                audit.qps(), audit.maxResultsPerReport(), audit.leaseNamespace(), audit.leaseDuration(),
                audit.requestTimeout(), new NamespaceModes(Set.copyOf(audit.excludeNamespaces()), policy.mode(), audit.namespaceSelector()));
        return new ClusterAuditService(settings, policy,
                () -> new KubeApi(KubeApi.connect(audit.kubeconfig(), null, audit.requestTimeout()), audit.pageSize(),
                        audit.qps(), audit.requestTimeout()),
                metrics, Clock.systemUTC(), identity(), sizer, store == null ? SharedState.NONE : store);
    }

    /** The pod name (HOSTNAME in a pod), else this host's name with a random suffix. */
    static String identity() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "dapr-guard";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

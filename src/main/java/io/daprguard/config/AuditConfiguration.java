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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The cluster audit, when {@code dapr-guard.audit.enabled} is true. It connects and elects in the background, so the
 * server starts (and admits) whether or not a cluster is reachable.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "dapr-guard.audit.enabled", havingValue = "true")
public class AuditConfiguration {

    @Bean
    AuditMetrics auditMetrics(MeterRegistry registry) {
        return new AuditMetrics(registry, Clock.systemUTC());
    }

    /**
     * Right-sizing, when {@code dapr-guard.rightsizing.prometheus.url} is set: the audit reads daprd's use from that
     * Prometheus before each run; otherwise the audit sizes nothing (sidecar-oom-killed still works from pod status).
     */
    @Bean
    SidecarSizer sidecarSizer(DaprGuardProperties properties, Policy policy, MeterRegistry registry) {
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
    @Bean
    RecommendationStore recommendationStore(DaprGuardProperties properties, Policy policy, SidecarSizer sizer,
            MeterRegistry registry) {
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

    @Bean(initMethod = "start", destroyMethod = "close")
    ClusterAuditService clusterAuditService(DaprGuardProperties properties, Policy policy, AuditMetrics metrics,
            SidecarSizer sizer, ObjectProvider<RecommendationStore> store) {
        DaprGuardProperties.Audit audit = properties.audit();
        AuditSettings settings = new AuditSettings(audit.interval(), audit.initialDelay(), audit.pageSize(),
                audit.qps(), audit.maxResultsPerReport(), audit.leaseNamespace(), audit.leaseDuration(),
                audit.requestTimeout(), new NamespaceModes(Set.copyOf(audit.excludeNamespaces()), policy.mode(), audit.namespaceSelector()));
        return new ClusterAuditService(settings, policy,
                () -> new KubeApi(KubeApi.connect(audit.kubeconfig(), null, audit.requestTimeout()), audit.pageSize(),
                        audit.qps(), audit.requestTimeout()),
                metrics, Clock.systemUTC(), identity(), sizer,
                store.getIfAvailable() == null ? SharedState.NONE : store.getIfAvailable());
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

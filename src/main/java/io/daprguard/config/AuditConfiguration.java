package io.daprguard.config;

import io.daprguard.cluster.AuditSettings;
import io.daprguard.cluster.ClusterAuditService;
import io.daprguard.cluster.KubeApi;
import io.daprguard.cluster.NamespaceModes;
import io.daprguard.metrics.AuditMetrics;
import io.daprguard.policy.Policy;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.Set;
import java.util.UUID;
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

    @Bean(initMethod = "start", destroyMethod = "close")
    ClusterAuditService clusterAuditService(DaprGuardProperties properties, Policy policy, AuditMetrics metrics) {
        DaprGuardProperties.Audit audit = properties.audit();
        AuditSettings settings = new AuditSettings(audit.interval(), audit.initialDelay(), audit.pageSize(),
                audit.qps(), audit.maxResultsPerReport(), audit.leaseNamespace(), audit.leaseDuration(),
                audit.requestTimeout(), new NamespaceModes(Set.copyOf(audit.excludeNamespaces()), policy.mode(), audit.namespaceSelector()));
        return new ClusterAuditService(settings, policy,
                () -> new KubeApi(KubeApi.connect(audit.kubeconfig(), null, audit.requestTimeout()), audit.pageSize(),
                        audit.qps(), audit.requestTimeout()),
                metrics, Clock.systemUTC(), identity());
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

package io.daprguard.ops;

import io.daprguard.audit.AuditLog;
import io.daprguard.config.DaprGuardConfiguration;
import io.daprguard.config.DaprGuardProperties;
import io.daprguard.metrics.AdmissionMetrics;
import io.daprguard.tls.ServingCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What a platform team operates by: metrics, the audit log, readiness, the shutdown drain. */
@Configuration(proxyBeanMethods = false)
public class OperationsConfiguration {

    @Bean
    AdmissionMetrics admissionMetrics(MeterRegistry registry, DaprGuardProperties properties) {
        String version = DaprGuardConfiguration.class.getPackage().getImplementationVersion();
        return new AdmissionMetrics(registry, properties.metrics().namespaceLabel(), version == null ? "dev" : version);
    }

    @Bean
    AuditLog auditLog() {
        return new AuditLog(Clock.systemUTC());
    }

    /**
     * Readiness input {@code servingCertificate}: a serving certificate is loaded and valid. Without dapr-guard's
     * TLS set-up (no web server, or {@code server.ssl.enabled=false}) there is nothing to wait for.
     */
    @Bean
    HealthIndicator servingCertificateHealthIndicator(ObjectProvider<ServingCertificate> certificate) {
        ServingCertificate serving = certificate.getIfAvailable();
        if (serving == null) {
            return () -> Health.up().withDetail("tls", "not managed by dapr-guard").build();
        }
        return new ServingCertificateHealthIndicator(serving, Clock.systemUTC());
    }

    @Bean
    DrainOnShutdown drainOnShutdown(DaprGuardProperties properties) {
        return new DrainOnShutdown(properties.shutdown().drainPeriod());
    }
}

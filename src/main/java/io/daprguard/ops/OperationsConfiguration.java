package io.daprguard.ops;

import io.daprguard.admission.ConnectionDrain;
import io.daprguard.audit.AuditLog;
import io.daprguard.config.DaprGuardConfiguration;
import io.daprguard.config.DaprGuardProperties;
import io.daprguard.metrics.AdmissionMetrics;
import io.daprguard.tls.TlsProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a platform team operates by: metrics, the audit log, the shutdown drain. Readiness on the serving certificate
 * is Spring Boot's {@code ssl} health indicator (in the readiness group, see {@code application.yaml}).
 */
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
     * Only in the AOT cache's training run (the Dockerfile, {@code dapr-guard.aot-training=true}): reviews the server
     * sends itself, then exit. Read when the context has started, not a condition: the image runs Spring's
     * ahead-of-time processed context, whose conditions were settled when the jar was built.
     */
    @Bean
    ApplicationRunner aotTraining(ConfigurableApplicationContext context, TlsProperties tls) {
        return args -> {
            if (context.getEnvironment().getProperty("dapr-guard.aot-training", Boolean.class, false)) {
                new AotTraining(context, tls.dir().resolve("ca.crt"), System::exit).run(args);
            }
        };
    }

    @Bean
    DrainOnShutdown drainOnShutdown(DaprGuardProperties properties, ConnectionDrain connections) {
        return new DrainOnShutdown(properties.shutdown().drainPeriod(), connections::begin);
    }
}

package io.daprguard.config;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.admission.AdmissionSettings;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import java.time.Clock;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain engine and admission classes from the bound properties. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DaprGuardProperties.class)
public class DaprGuardConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DaprGuardConfiguration.class);

    @Bean
    Policy policy(DaprGuardProperties properties) {
        Policy policy = properties.toPolicy();
        log.info("dapr-guard policy: mode={}, mutate-templates={}, rules={}, skippable={}", policy.mode().configName(),
                policy.mutateTemplates(), policy.actions(), policy.skippable());
        return policy;
    }

    /**
     * The admission engine: the policy without the rules native admission policies enforce
     * ({@code dapr-guard.native-rules}); with {@code rightsizing.apply: defaults}, pods get their workload's
     * recommended defaults.
     */
    @Bean
    PolicyEngine policyEngine(DaprGuardProperties properties, ObjectProvider<AuditConfiguration.ClusterAudit> audit) {
        if (!properties.nativeRules().isEmpty()) {
            log.info("dapr-guard admission: left to the kube-apiserver's native policies: {}",
                    new TreeSet<>(properties.nativeRules()));
        }
        return new PolicyEngine(properties.toAdmissionPolicy(), Clock.systemUTC(),
                audit.getIfAvailable(() -> AuditConfiguration.ClusterAudit.OFF).defaults());
    }

    @Bean
    AdmissionReviewCodec admissionReviewCodec() {
        return new AdmissionReviewCodec();
    }

    @Bean
    AdmissionHandler admissionHandler(
            PolicyEngine engine, Policy policy, AdmissionReviewCodec codec, DaprGuardProperties properties) {
        return new AdmissionHandler(engine, policy.mode(), codec, properties.validateFailOpen());
    }

    @Bean
    AdmissionSettings admissionSettings(DaprGuardProperties properties) {
        return new AdmissionSettings(properties.maxRequestSize().toBytes());
    }
}

package io.daprguard.tls;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Wires the HTTPS listener's certificates into Spring Boot's SSL bundles ({@code server.ssl.bundle} names the one
 * {@link TlsBundleRegistrar} registers) and keeps them current.
 *
 * <p>Active only when an embedded web server will actually be started and SSL is not switched off
 * with {@code server.ssl.enabled=false}. In particular a {@code @SpringBootTest} with the default
 * mock web environment neither creates nor needs any certificate files.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TlsProperties.class)
@Conditional(TlsConfiguration.OnEmbeddedWebServerCondition.class)
@ConditionalOnBooleanProperty(name = "server.ssl.enabled", matchIfMissing = true)
public class TlsConfiguration {

    /**
     * @return the certificate the admission port presents
     */
    @Bean
    ServingCertificate daprGuardServingCertificate() {
        return new ServingCertificate();
    }

    /**
     * @param registry the application's meter registry (auto-configured by actuator)
     * @return the certificate meters, registered at once
     */
    @Bean
    CertificateMetrics daprGuardCertificateMetrics(MeterRegistry registry) {
        return new CertificateMetrics(registry);
    }

    /**
     * @param properties the TLS settings
     * @param servingCertificate updated with what is served
     * @param metrics updated on every load and reload
     * @return the loader and reloader of the bundle
     */
    @Bean
    CertificateReloader daprGuardCertificateReloader(TlsProperties properties, ServingCertificate servingCertificate,
            CertificateMetrics metrics) {
        return new CertificateReloader(new CertificateFiles(properties.dir()), properties.clientCaFile(),
                new PemSslBundleLoader(), servingCertificate, metrics);
    }

    /**
     * @param properties the TLS settings
     * @param reloader loads the bundle
     * @return the registrar Spring Boot's SSL auto-configuration calls when building its registry
     */
    @Bean
    TlsBundleRegistrar daprGuardTlsBundleRegistrar(TlsProperties properties, CertificateReloader reloader) {
        return new TlsBundleRegistrar(new CertificateProvisioner(properties), reloader);
    }

    /**
     * @param reloader does the checking
     * @param registry the SSL bundle registry the web server listens to for bundle updates
     * @param properties the TLS settings
     * @return the poller, started and stopped with the application context
     */
    @Bean
    CertificateReloadPoller daprGuardCertificateReloadPoller(CertificateReloader reloader, SslBundleRegistry registry,
            TlsProperties properties) {
        return new CertificateReloadPoller(reloader, registry, properties.reloadInterval());
    }

    /**
     * @param properties the TLS settings
     * @return the customizer requiring client certificates when a client CA file is configured
     */
    @Bean
    ClientAuthenticationCustomizer daprGuardClientAuthenticationCustomizer(TlsProperties properties) {
        return new ClientAuthenticationCustomizer(properties.clientCaFile());
    }

    /**
     * Matches when the application context starts an embedded web server (as
     * {@code SpringApplication.run} and {@code @SpringBootTest(webEnvironment = RANDOM_PORT)} do),
     * not for mock-environment tests or non-web runs.
     */
    static final class OnEmbeddedWebServerCondition implements Condition {

        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return context.getResourceLoader() instanceof WebServerApplicationContext;
        }
    }
}

package io.daprguard.tls;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Wires the HTTPS listener's certificates into Spring Boot's SSL bundles: a
 * {@link TlsBundleRegistrar} registers the {@value TlsBundleRegistrar#BUNDLE_NAME} bundle that
 * {@code server.ssl.bundle} names.
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
     * @param properties the TLS settings
     * @return the registrar Spring Boot's SSL auto-configuration calls when building its registry
     */
    @Bean
    TlsBundleRegistrar daprGuardTlsBundleRegistrar(TlsProperties properties) {
        return new TlsBundleRegistrar(new CertificateProvisioner(properties), new PemSslBundleLoader());
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

package io.daprguard.tls;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class TlsPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(PropertiesConfiguration.class);

    @Test
    void defaults() {
        runner.run((context) -> {
            TlsProperties properties = context.getBean(TlsProperties.class);
            assertThat(properties.dir()).isEqualTo(Path.of("certs"));
            assertThat(properties.generate()).isTrue();
            assertThat(properties.dnsNames()).isEmpty();
            assertThat(properties.caValidity()).isEqualTo(Duration.ofDays(3650));
            assertThat(properties.servingValidity()).isEqualTo(Duration.ofDays(365));
            assertThat(properties.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(properties.clientCaFile()).isNull();
        });
    }

    @Test
    void bindsTheReloadIntervalAndClientCaFile() {
        runner.withPropertyValues("dapr-guard.tls.reload-interval=200ms",
                "dapr-guard.tls.client-ca-file=/var/run/dapr-guard/client-ca/ca.crt")
            .run((context) -> {
                TlsProperties properties = context.getBean(TlsProperties.class);
                assertThat(properties.reloadInterval()).isEqualTo(Duration.ofMillis(200));
                assertThat(properties.clientCaFile()).isEqualTo(Path.of("/var/run/dapr-guard/client-ca/ca.crt"));
            });
    }

    @Test
    void acceptsAReloadIntervalOf100Milliseconds() {
        runner.withPropertyValues("dapr-guard.tls.reload-interval=100ms")
            .run((context) -> assertThat(context.getBean(TlsProperties.class).reloadInterval())
                .isEqualTo(Duration.ofMillis(100)));
    }

    @Test
    void rejectsAReloadIntervalBelow100Milliseconds() {
        runner.withPropertyValues("dapr-guard.tls.reload-interval=99ms")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessage("dapr-guard.tls.reload-interval must be at least 100ms, was 99ms"));
    }

    @Test
    void bindsKebabCaseProperties() {
        runner.withPropertyValues("dapr-guard.tls.dir=/var/run/dapr-guard/tls", "dapr-guard.tls.generate=false",
                "dapr-guard.tls.dns-names=dapr-guard.dapr-guard.svc,dapr-guard.dapr-guard.svc.cluster.local",
                "dapr-guard.tls.ca-validity=730d", "dapr-guard.tls.serving-validity=90d")
            .run((context) -> {
                TlsProperties properties = context.getBean(TlsProperties.class);
                assertThat(properties.dir()).isEqualTo(Path.of("/var/run/dapr-guard/tls"));
                assertThat(properties.generate()).isFalse();
                assertThat(properties.dnsNames()).containsExactly("dapr-guard.dapr-guard.svc",
                        "dapr-guard.dapr-guard.svc.cluster.local");
                assertThat(properties.caValidity()).isEqualTo(Duration.ofDays(730));
                assertThat(properties.servingValidity()).isEqualTo(Duration.ofDays(90));
            });
    }

    @Test
    void rejectsAnInvalidDnsName() {
        runner.withPropertyValues("dapr-guard.tls.dns-names=dapr-guard.svc,not a host")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessage("dapr-guard.tls.dns-names[1] must be a DNS name such as dapr-guard.dapr-guard.svc, was"
                        + " 'not a host'"));
    }

    @Test
    void rejectsACaThatWouldExpireBeforeItsServingCertificates() {
        runner.withPropertyValues("dapr-guard.tls.ca-validity=30d", "dapr-guard.tls.serving-validity=365d")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("dapr-guard.tls.ca-validity must be at least dapr-guard.tls.serving-validity"));
    }

    @Test
    void rejectsATooShortServingValidity() {
        runner.withPropertyValues("dapr-guard.tls.serving-validity=10m")
            .run((context) -> assertThat(context).getFailure().rootCause()
                .hasMessage("dapr-guard.tls.serving-validity must be at least 1h, was 10m"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TlsProperties.class)
    static class PropertiesConfiguration {

    }
}

package io.daprguard.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.application.SslHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.info.SslInfo;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;

/**
 * Readiness follows the serving certificate through Spring Boot's {@code ssl} health indicator (the readiness
 * group's member, see application.yaml) over the bundle dapr-guard registers and reloads: ready while valid, not
 * ready (OUT_OF_SERVICE, which the readiness probe answers with 503) once expired or before it is valid, ready again
 * after a valid certificate is reloaded.
 */
class ServingCertificateReadinessTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path dir;

    private final CertificateGenerator generator = new CertificateGenerator(Clock.fixed(NOW, ZoneOffset.UTC),
            new SecureRandom());

    private final DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();

    private CertificateAndKey ca;

    private CertificateFiles files;

    private CertificateReloader reloader;

    @BeforeEach
    void serveACertificateValidForOneDay() throws Exception {
        files = new CertificateFiles(dir);
        ca = generator.generateCertificateAuthority(Duration.ofDays(3650));
        generator.writeCertificateAuthority(ca, files);
        generator.writeServingCertificate(generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1)), files);
        reloader = TlsTestSupport.reloader(dir);
        registry.registerBundle(TlsBundleRegistrar.BUNDLE_NAME, reloader.loadInitial());
    }

    @Test
    void readyWhileTheServingCertificateIsValid() {
        assertThat(readinessAt(NOW.plus(Duration.ofHours(1)))).isEqualTo(Status.UP);
    }

    @Test
    void notReadyOnceTheServingCertificateExpired() {
        assertThat(readinessAt(NOW.plus(Duration.ofDays(2)))).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void notReadyBeforeTheServingCertificateIsValid() {
        assertThat(readinessAt(NOW.minus(Duration.ofDays(1)))).isEqualTo(Status.OUT_OF_SERVICE);
    }

    @Test
    void readyAgainOnceAValidCertificateIsReloaded() throws Exception {
        Instant later = NOW.plus(Duration.ofDays(2));
        assertThat(readinessAt(later)).isEqualTo(Status.OUT_OF_SERVICE);

        generator.writeServingCertificate(generator.issueServingCertificate(ca, List.of(), Duration.ofDays(30)), files);
        assertThat(reloader.reload(registry)).isEqualTo(CertificateReloader.Outcome.RELOADED);

        assertThat(readinessAt(later)).isEqualTo(Status.UP);
    }

    private Status readinessAt(Instant instant) {
        SslInfo info = new SslInfo(registry, Clock.fixed(instant, ZoneOffset.UTC));
        return new SslHealthIndicator(info, Duration.ofDays(14)).health().getStatus();
    }
}

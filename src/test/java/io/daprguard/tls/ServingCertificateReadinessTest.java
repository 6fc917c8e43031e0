package io.daprguard.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.ops.ServingCertificateHealthIndicator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** Readiness follows the serving certificate: none loaded or expired is not ready. */
class ServingCertificateReadinessTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void notReadyUntilLoadedReadyWhileValidNotReadyOnceExpired() {
        CertificateGenerator generator = new CertificateGenerator(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom());
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(3650));
        CertificateAndKey serving = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1));
        ServingCertificate certificate = new ServingCertificate();

        ServingCertificateHealthIndicator now = new ServingCertificateHealthIndicator(certificate,
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(now.health().getStatus()).isEqualTo(Status.DOWN);

        certificate.update(serving.certificate());
        Health ready = now.health();
        assertThat(ready.getStatus()).isEqualTo(Status.UP);
        assertThat(ready.getDetails()).containsKey("notAfter");

        ServingCertificateHealthIndicator later = new ServingCertificateHealthIndicator(certificate,
                Clock.fixed(NOW.plus(Duration.ofDays(2)), ZoneOffset.UTC));
        assertThat(later.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(later.health().getDetails()).containsEntry("reason", "serving certificate expired");
    }
}

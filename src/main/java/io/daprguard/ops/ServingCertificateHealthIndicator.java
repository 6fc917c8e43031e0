package io.daprguard.ops;

import io.daprguard.tls.ServingCertificate;
import java.time.Clock;
import java.time.Instant;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness input: a serving certificate is loaded and has not expired (the apiserver could not connect
 * otherwise). Part of the {@code readiness} group, so {@code /readyz} only answers 200 when it holds.
 */
public final class ServingCertificateHealthIndicator implements HealthIndicator {

    private final ServingCertificate certificate;
    private final Clock clock;

    public ServingCertificateHealthIndicator(ServingCertificate certificate, Clock clock) {
        this.certificate = certificate;
        this.clock = clock;
    }

    @Override
    public Health health() {
        if (!certificate.loaded()) {
            return Health.down().withDetail("reason", "no serving certificate loaded yet").build();
        }
        Instant notAfter = certificate.notAfter().orElseThrow();
        if (!notAfter.isAfter(Instant.now(clock))) {
            return Health.down().withDetail("reason", "serving certificate expired").withDetail("notAfter",
                    notAfter.toString()).build();
        }
        return Health.up().withDetail("notAfter", notAfter.toString()).build();
    }
}

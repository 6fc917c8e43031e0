package io.daprguard.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.TestClients;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real server with a provided (not generated) serving certificate that expired two days ago: it starts (with
 * generation off an expired pair is only warned about) but is not ready, while it is alive.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "dapr-guard.tls.generate=false")
@DirtiesContext
class ExpiredCertificateReadinessIT {

    @TempDir
    static Path certificates;

    @DynamicPropertySource
    static void expiredServingCertificate(DynamicPropertyRegistry registry) throws Exception {
        Instant threeDaysAgo = Instant.now().minus(Duration.ofDays(3));
        CertificateGenerator generator = new CertificateGenerator(Clock.fixed(threeDaysAgo, ZoneOffset.UTC),
                new SecureRandom());
        CertificateFiles files = new CertificateFiles(certificates);
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(3650));
        generator.writeCertificateAuthority(ca, files);
        generator.writeServingCertificate(generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1)), files);
        registry.add("dapr-guard.tls.dir", certificates::toString);
    }

    @LocalManagementPort
    int managementPort;

    @Test
    void notReadyWithAnExpiredServingCertificateButAlive() throws Exception {
        assertThat(TestClients.get(managementPort, "/readyz", null).statusCode()).isEqualTo(503);
        assertThat(TestClients.get(managementPort, "/healthz", null).statusCode()).isEqualTo(200);
    }
}

package io.daprguard.tls;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @SpringBootTest} in the default mock web environment starts no server, so it must
 * neither need nor create certificate files (tests elsewhere in the project rely on that).
 */
@SpringBootTest
class TlsMockEnvironmentTest {

    @TempDir
    static Path tempDir;

    @DynamicPropertySource
    static void tlsDirectory(DynamicPropertyRegistry registry) {
        registry.add("dapr-guard.tls.dir", () -> tempDir.resolve("certs").toString());
    }

    @Test
    void contextStartsWithoutCreatingCertificates(@Autowired ApplicationContext context) {
        assertThat(context.getBeanNamesForType(TlsBundleRegistrar.class)).isEmpty();
        assertThat(context.getBean(TlsProperties.class).dir()).isEqualTo(tempDir.resolve("certs"));
        assertThat(tempDir.resolve("certs")).doesNotExist();
    }
}

package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.config.DaprGuardProperties;
import io.daprguard.policy.Mode;
import io.daprguard.rules.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * One policy file, two readers: the server (Spring Boot's config data loading and {@code @ConfigurationProperties}
 * binding, in a real application context) and {@code check --policy}. They must make the same settings of it,
 * including where YAML 1.1 (the server's YAML) and YAML 1.2 differ.
 */
class PolicyFileAgreementTest {

    @TempDir
    Path dir;

    static Stream<Arguments> yaml11Numbers() {
        return Stream.of(
                Arguments.of("limits:\n    max-concurrent-reviews: 1_000", 1000,
                        (ToIntFunction<DaprGuardProperties>) p -> p.limits().maxConcurrentReviews()),
                Arguments.of("audit:\n    page-size: 0777", 0777,
                        (ToIntFunction<DaprGuardProperties>) p -> p.audit().pageSize()),
                Arguments.of("limits:\n    worker-threads: 1:30", 90,
                        (ToIntFunction<DaprGuardProperties>) p -> p.limits().workerThreads()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("yaml11Numbers")
    void yaml11NumbersMeanTheSameNumberToServerAndCheck(String setting, int expected,
            ToIntFunction<DaprGuardProperties> value) throws Exception {
        Path file = write("dapr-guard:\n  " + setting + "\n");

        DaprGuardProperties server = server(file);
        DaprGuardProperties check = PolicyLoader.properties(file, Map.of());

        assertThat(value.applyAsInt(server)).isEqualTo(expected);
        assertThat(check).isEqualTo(server);
        assertThat(PolicyLoader.load(file, Map.of())).isEqualTo(server.toPolicy());
    }

    @Test
    void theServersOwnApplicationYamlGivesTheSameSettings() throws Exception {
        Path file = Path.of("src/main/resources/application.yaml");

        DaprGuardProperties server = server(file);

        assertThat(PolicyLoader.properties(file, Map.of())).isEqualTo(server);
        assertThat(PolicyLoader.load(file, Map.of())).isEqualTo(server.toPolicy());
    }

    @Test
    void laterDocumentsWinAndProfileDocumentsAreSkippedAsByTheServer() throws Exception {
        Path file = write("""
                dapr-guard:
                  mode: enforce
                  max-request-size: 4MB
                  rules: {log-level: deny, app-token: off}
                  skip: {max-duration: 30d}
                  tls: {dir: /etc/certs, generate: false}
                ---
                dapr-guard:
                  mode: audit
                  validateFailOpen: true
                ---
                spring.config.activate.on-profile: dev
                dapr-guard.mode: enforce
                """);

        DaprGuardProperties server = server(file);
        DaprGuardProperties check = PolicyLoader.properties(file, Map.of());

        assertThat(check).isEqualTo(server);
        assertThat(PolicyLoader.load(file, Map.of())).isEqualTo(server.toPolicy());
        assertThat(check.mode()).as("a later document wins; a profile's is skipped").isEqualTo(Mode.AUDIT);
        assertThat(check.validateFailOpen()).isTrue();
        assertThat(check.toPolicy().action("app-token")).as("YAML 1.1 'off' is false, bound as the server does")
                .isEqualTo(Action.OFF);
    }

    /** The server's binding path: a Spring application reading only this file, binding {@link DaprGuardProperties}. */
    private static DaprGuardProperties server(Path file) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerBinding.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .run("--spring.config.location=file:" + file, "--spring.main.banner-mode=off")) {
            return context.getBean(DaprGuardProperties.class);
        }
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "policy", ".yaml"), yaml);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(DaprGuardProperties.class)
    static class ServerBinding {}
}

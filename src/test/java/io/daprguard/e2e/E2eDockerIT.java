package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testcontainers.DockerClientFactory;

/**
 * {@code ./mvnw verify -Pe2e} asks for the real-cluster suite, so there a missing Docker engine is a failure, not the
 * skip that {@code @Testcontainers(disabledWithoutDocker = true)} makes of {@link K3sEndToEndIT} in the default build.
 * The e2e profile sets the property; without it (the default build) this is skipped, and so it is with
 * {@code -De2e.kubeconfig=PATH} or {@code -De2e.context=NAME}, where the suite runs on that cluster and needs no
 * Docker.
 */
@EnabledIfSystemProperty(named = E2eDockerIT.REQUIRE_DOCKER, matches = "true")
@DisabledIf("io.daprguard.e2e.KubeconfigEndToEndIT#requested")
class E2eDockerIT {

    static final String REQUIRE_DOCKER = "daprguard.e2e.requireDocker";

    @Test
    void dockerEngineIsAvailable() {
        assertThat(DockerClientFactory.instance().isDockerAvailable())
                .as("-Pe2e runs K3sEndToEndIT, which needs a Docker engine (Testcontainers found none)")
                .isTrue();
    }
}

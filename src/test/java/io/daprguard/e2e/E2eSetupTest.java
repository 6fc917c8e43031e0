package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.test.context.SpringBootTest;
import org.testcontainers.junit.jupiter.Testcontainers;

/** How the real-cluster suite is wired into the build and documented, checked without running it. */
class E2eSetupTest {

    @Test
    void suiteIsSkippedWithoutDockerSoTheDefaultBuildStaysGreen() {
        Testcontainers testcontainers = K3sEndToEndIT.class.getAnnotation(Testcontainers.class);
        assertThat(testcontainers).isNotNull();
        assertThat(testcontainers.disabledWithoutDocker()).isTrue();
        assertThat(K3sEndToEndIT.class.getAnnotation(SpringBootTest.class).webEnvironment())
                .isEqualTo(SpringBootTest.WebEnvironment.RANDOM_PORT);
        assertThat(K3sEndToEndIT.class.getAnnotation(TestInstance.class).value())
                .as("one cluster for the whole class, started after the server").isEqualTo(TestInstance.Lifecycle.PER_CLASS);
    }

    @Test
    void e2eProfileRunsOnlyTheSuiteAndRequiresDocker() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<id>e2e</id>").contains("<include>**/e2e/*IT.java</include>")
                .contains("<" + E2eDockerIT.REQUIRE_DOCKER + ">true</" + E2eDockerIT.REQUIRE_DOCKER + ">")
                .contains("<artifactId>testcontainers-k3s</artifactId>")
                .contains("<artifactId>kubernetes-client</artifactId>");
    }

    @Test
    void readmeSaysHowToRunIt() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("```sh\n./mvnw verify -Pe2e\n```").contains("`" + E2eSettings.K3S_IMAGE + "`")
                .contains("Docker engine").contains("skipped");
    }

    @Test
    void anExistingClusterIsUsedOnlyWhenAKubeconfigIsGiven() throws Exception {
        assertThat(KubeconfigEndToEndIT.class.getAnnotation(EnabledIfSystemProperty.class).named())
                .isEqualTo("e2e.kubeconfig");
        assertThat(K3sEndToEndIT.class.getAnnotation(DisabledIfSystemProperty.class).named())
                .isEqualTo("e2e.kubeconfig");
        assertThat(E2eDockerIT.class.getAnnotation(DisabledIfSystemProperty.class).named())
                .isEqualTo("e2e.kubeconfig");
        assertThat(Files.readString(Path.of("README.md")))
                .contains("./mvnw verify -Pe2e -De2e.kubeconfig=PATH -De2e.webhook-host=127.0.0.1");
    }

    @Test
    void k3sIsStartedAsK3sContainerDoesWithTheEgressSelectorOff() {
        assertThat(E2eSettings.k3sServerCommand("localhost")).containsExactly("server", "--disable=traefik",
                "--tls-san=localhost", "--egress-selector-mode=disabled");
    }
}

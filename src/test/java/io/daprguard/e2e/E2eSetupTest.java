package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.condition.EnabledIf;
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
    void anExistingClusterIsUsedOnlyWhenAKubeconfigOrAContextIsGiven() throws Exception {
        String condition = "io.daprguard.e2e.KubeconfigEndToEndIT#requested";
        assertThat(KubeconfigEndToEndIT.class.getAnnotation(EnabledIf.class).value()).isEqualTo(condition);
        assertThat(K3sEndToEndIT.class.getAnnotation(DisabledIf.class).value()).isEqualTo(condition);
        assertThat(E2eDockerIT.class.getAnnotation(DisabledIf.class).value()).isEqualTo(condition);
        assertThat(KubeconfigEndToEndIT.requested(null, null)).as("the default build: skipped").isFalse();
        assertThat(KubeconfigEndToEndIT.requested(" ", "")).isFalse();
        assertThat(KubeconfigEndToEndIT.requested("/tmp/config", null)).isTrue();
        assertThat(KubeconfigEndToEndIT.requested(null, "kind-e2e")).isTrue();
        assertThat(Files.readString(Path.of("README.md")))
                .contains("./mvnw verify -Pe2e -De2e.kubeconfig=PATH -De2e.webhook-host=127.0.0.1")
                .contains("./mvnw verify -Pe2e -De2e.context=NAME -De2e.webhook-host=127.0.0.1");
    }

    @Test
    void theKubeconfigIsTheOneGivenElseKubeconfigsFirstElseTheHomeOne() {
        assertThat(KubeconfigEndToEndIT.kubeconfigSource("/a/config", "/b/config", "/home/u"))
                .isEqualTo(Path.of("/a/config"));
        assertThat(KubeconfigEndToEndIT.kubeconfigSource(null, "/b/config" + java.io.File.pathSeparator + "/c/config",
                "/home/u")).isEqualTo(Path.of("/b/config"));
        assertThat(KubeconfigEndToEndIT.kubeconfigSource("", "", "/home/u")).isEqualTo(Path.of("/home/u/.kube/config"));
    }

    @Test
    void aContextBecomesTheCurrentOneAndAnUnknownContextIsRefusedWithTheKnownOnes() {
        String yaml = """
                apiVersion: v1
                kind: Config
                current-context: prod
                contexts:
                - {name: prod, context: {cluster: prod, user: me}}
                - {name: kind-e2e, context: {cluster: kind, user: kind}}
                """;
        assertThat(KubeconfigEndToEndIT.withContext(yaml, null, Path.of("config"))).isEqualTo(yaml);
        assertThat(KubeconfigEndToEndIT.withContext(yaml, "kind-e2e", Path.of("config")))
                .contains("current-context: \"kind-e2e\"").contains("name: \"prod\"");
        assertThatThrownBy(() -> KubeconfigEndToEndIT.withContext(yaml, "staging", Path.of("config")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-De2e.context=staging: config has no such context (it has [prod, kind-e2e])");
    }

    @Test
    void k3sIsStartedAsK3sContainerDoesWithTheEgressSelectorOff() {
        assertThat(E2eSettings.k3sServerCommand("localhost")).containsExactly("server", "--disable=traefik",
                "--tls-san=localhost", "--egress-selector-mode=disabled");
    }
}

package io.daprguard.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.condition.DisabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The real-cluster suite ({@link RealClusterSuite}) on k3s in a container.
 *
 * <p>How the cluster reaches the server: the Spring context starts first, then
 * {@code Testcontainers.exposeHostPorts(port)} forwards the admission port, and only then k3s starts, so its
 * /etc/hosts maps {@value E2eSettings#HOST_FROM_CONTAINERS} to the forwarder, a name the server's certificate covers.
 *
 * <p>Needs a Docker engine (it pulls {@value E2eSettings#K3S_IMAGE}); without one it is reported as skipped. Run it
 * alone with {@code ./mvnw verify -Pe2e}. With {@code -De2e.kubeconfig=PATH} or {@code -De2e.context=NAME} the
 * suite runs on that cluster instead ({@link KubeconfigEndToEndIT}) and this class is skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
@DisabledIf("io.daprguard.e2e.KubeconfigEndToEndIT#requested")
class K3sEndToEndIT extends RealClusterSuite {

    private K3sContainer k3s;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) {
        serverProperties(registry, E2eSettings.HOST_FROM_CONTAINERS);
    }

    @Override
    String startCluster(int port) throws IOException {
        // Before k3s starts: only containers started afterwards get the host.testcontainers.internal entry.
        org.testcontainers.Testcontainers.exposeHostPorts(port);
        k3s = new K3sContainer(DockerImageName.parse(E2eSettings.K3S_IMAGE));
        k3s.withCommand(E2eSettings.k3sServerCommand(k3s.getHost()))
                .withAccessToHost(true)
                .withStartupTimeout(Duration.ofMinutes(3));
        k3s.start();
        String kubeconfig = k3s.getKubeConfigYaml();
        Files.writeString(kubeconfigFile(), kubeconfig);
        return kubeconfig;
    }

    @Override
    String webhookBaseUrl(int port) {
        return E2eSettings.baseUrl(port);
    }

    @Override
    String kubeVersion() {
        return E2eSettings.KUBE_VERSION;
    }

    @Override
    String apiServerLog() {
        List<String> lines = k3s.getLogs().lines().filter(line -> line.contains("dapr-guard")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    @Override
    void stopCluster() {
        if (k3s != null) {
            k3s.stop();
        }
    }
}

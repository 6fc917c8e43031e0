package io.daprguard.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real-cluster suite ({@link RealClusterSuite}) on an existing cluster:
 * {@code ./mvnw verify -Pe2e -De2e.kubeconfig=PATH [-De2e.webhook-host=HOST]} (the kubeconfig's current context). The webhooks are
 * registered by URL to this JVM, {@code https://HOST:<random port>}: HOST must reach this machine from the
 * kube-apiserver and be a DNS name or 127.0.0.1 (the server's generated certificate covers it). The default is this
 * machine's host name; use 127.0.0.1 for an apiserver on the same machine (kind, k3s or minikube with the host
 * network). The cluster must not run dapr-guard itself (the webhook configurations are named alike). Everything the
 * suite creates is deleted afterwards.
 */
@EnabledIfSystemProperty(named = KubeconfigEndToEndIT.KUBECONFIG, matches = ".+")
class KubeconfigEndToEndIT extends RealClusterSuite {

    static final String KUBECONFIG = "e2e.kubeconfig";
    static final String WEBHOOK_HOST = "e2e.webhook-host";

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) {
        serverProperties(registry, webhookHost());
    }

    static String webhookHost() {
        String host = System.getProperty(WEBHOOK_HOST, "");
        if (!host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException("set -D" + WEBHOOK_HOST + " to a name the apiserver reaches this JVM at", ex);
        }
    }

    @Override
    String startCluster(int port) throws IOException {
        Path file = Path.of(System.getProperty(KUBECONFIG));
        Config config = Config.fromKubeconfig(null, file.toFile());
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(config).build()) {
            probe.getKubernetesVersion();
        }
        // The server's audit reads the same file (its current context).
        Files.copy(file, kubeconfigFile());
        return Files.readString(file);
    }

    @Override
    String webhookBaseUrl(int port) {
        return "https://" + webhookHost() + ":" + port;
    }

    @Override
    String kubeVersion() {
        Config config = Config.fromKubeconfig(null, new File(System.getProperty(KUBECONFIG)));
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(config).build()) {
            return probe.getKubernetesVersion().getGitVersion().replaceFirst("^v", "").replaceFirst("[-+].*$", "");
        }
    }
}

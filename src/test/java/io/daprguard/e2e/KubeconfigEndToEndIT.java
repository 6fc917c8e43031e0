package io.daprguard.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The real-cluster suite ({@link RealClusterSuite}) on an existing cluster:
 * {@code ./mvnw verify -Pe2e -De2e.kubeconfig=PATH [-De2e.context=NAME] [-De2e.webhook-host=HOST]}; with only
 * {@code -De2e.context=NAME}, the kubeconfig every Kubernetes tool reads ({@code KUBECONFIG}, else
 * {@code ~/.kube/config}); without a context, the kubeconfig's current context. The webhooks are
 * registered by URL to this JVM, {@code https://HOST:<random port>}: HOST must reach this machine from the
 * kube-apiserver and be a DNS name or 127.0.0.1 (the server's generated certificate covers it). The default is this
 * machine's host name; use 127.0.0.1 for an apiserver on the same machine (kind, k3s or minikube with the host
 * network). The cluster must not run dapr-guard itself (the webhook configurations are named alike). Everything the
 * suite creates is deleted afterwards.
 */
@EnabledIf("io.daprguard.e2e.KubeconfigEndToEndIT#requested")
class KubeconfigEndToEndIT extends RealClusterSuite {

    static final String KUBECONFIG = "e2e.kubeconfig";
    static final String CONTEXT = "e2e.context";
    static final String WEBHOOK_HOST = "e2e.webhook-host";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    /** Whether the suite is to run on an existing cluster: {@code -De2e.kubeconfig} or {@code -De2e.context}. */
    static boolean requested() {
        return requested(System.getProperty(KUBECONFIG), System.getProperty(CONTEXT));
    }

    static boolean requested(String kubeconfig, String context) {
        return (kubeconfig != null && !kubeconfig.isBlank()) || (context != null && !context.isBlank());
    }

    /** The kubeconfig file: {@code -De2e.kubeconfig}, else the first of {@code KUBECONFIG}, else ~/.kube/config. */
    static Path kubeconfigSource(String property, String environment, String home) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment.split(java.io.File.pathSeparator)[0]);
        }
        return Path.of(home, ".kube", "config");
    }

    /**
     * The kubeconfig as the suite and the server's audit read it: the file's, with {@code current-context} set to
     * {@code context} when one is given (the server's audit reads the current context).
     *
     * @throws IllegalArgumentException when the file has no such context (naming the ones it has)
     */
    static String withContext(String yaml, String context, Path file) {
        if (context == null || context.isBlank()) {
            return yaml;
        }
        ObjectNode config = (ObjectNode) YAML.readTree(yaml);
        List<String> names = new ArrayList<>();
        config.path("contexts").forEach(entry -> names.add(entry.path("name").asString("")));
        if (!names.contains(context)) {
            throw new IllegalArgumentException("-D" + CONTEXT + "=" + context + ": " + file + " has no such context "
                    + "(it has " + names + ")");
        }
        config.put("current-context", context);
        return YAML.writeValueAsString(config);
    }

    private static Path source() {
        return kubeconfigSource(System.getProperty(KUBECONFIG), System.getenv("KUBECONFIG"),
                System.getProperty("user.home"));
    }

    /** The kubeconfig this suite (and {@link NativePoliciesIT}) uses, with the chosen context current. */
    static String kubeconfigYaml() throws IOException {
        Path file = source();
        return withContext(Files.readString(file), System.getProperty(CONTEXT), file);
    }

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
        String yaml = kubeconfigYaml();
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build()) {
            probe.getKubernetesVersion();
        }
        // The server's audit reads the same configuration (its current context: the one chosen).
        Files.writeString(kubeconfigFile(), yaml);
        return yaml;
    }

    @Override
    String webhookBaseUrl(int port) {
        return "https://" + webhookHost() + ":" + port;
    }

    @Override
    String kubeVersion() {
        String yaml;
        try {
            yaml = kubeconfigYaml();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build()) {
            return probe.getKubernetesVersion().getGitVersion().replaceFirst("^v", "").replaceFirst("[-+].*$", "");
        }
    }
}

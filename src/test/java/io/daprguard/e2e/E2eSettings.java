package io.daprguard.e2e;

import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.test.context.DynamicPropertyRegistry;

/** How the real-cluster suite runs the server and which cluster it runs against. */
final class E2eSettings {

    /**
     * k3s, pinned. Kubernetes 1.31: matchConditions (GA in 1.30) apply, so the chart renders them and the apiserver
     * evaluates them.
     */
    static final String K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";

    /** The Kubernetes version of {@link #K3S_IMAGE}, as the chart is rendered for it. */
    static final String KUBE_VERSION = kubeVersion(K3S_IMAGE);

    /**
     * The name under which containers reach the test JVM: Testcontainers writes it into /etc/hosts of every container
     * started after {@code Testcontainers.exposeHostPorts(port)} (or with {@code withAccessToHost(true)}), pointing at
     * its SSH port-forwarding container, which forwards {@code port} to {@code localhost:port} of the test JVM.
     */
    static final String HOST_FROM_CONTAINERS = "host.testcontainers.internal";

    private E2eSettings() {
    }

    /**
     * The k3s server's arguments: K3sContainer's own ({@code --disable=traefik}, the host as a TLS SAN) and
     * {@code --egress-selector-mode=disabled}, so that the kube-apiserver dials every address directly. The webhooks
     * are URL webhooks, which the apiserver dials through the "controlplane" egress, and k3s configures only the
     * "cluster" egress (through its agent tunnel, which takes a host name for a node name): direct already. Disabling
     * the egress selector keeps the suite from depending on that detail of k3s.
     */
    static String[] k3sServerCommand(String host) {
        return new String[] {"server", "--disable=traefik", "--tls-san=" + host, "--egress-selector-mode=disabled"};
    }

    /**
     * The server's settings in the suite: a generated CA and serving certificate in {@code certs}, valid for
     * {@value #HOST_FROM_CONTAINERS} (besides localhost), and a namespace label on the request metrics.
     */
    static void serverProperties(DynamicPropertyRegistry registry, Supplier<Path> certs) {
        registry.add("dapr-guard.tls.dir", () -> certs.get().toString());
        registry.add("dapr-guard.tls.dns-names", () -> HOST_FROM_CONTAINERS);
        registry.add("dapr-guard.metrics.namespace-label", () -> "true");
    }

    /** Where the kube-apiserver sends reviews: the admission port of the test JVM, through Testcontainers. */
    static String baseUrl(int port) {
        return "https://" + HOST_FROM_CONTAINERS + ":" + port;
    }

    static String kubeVersion(String k3sImage) {
        Matcher tag = Pattern.compile("^rancher/k3s:v(\\d+\\.\\d+\\.\\d+)-k3s\\d+$").matcher(k3sImage);
        if (!tag.matches()) {
            throw new IllegalArgumentException("not a pinned rancher/k3s image: " + k3sImage);
        }
        return tag.group(1);
    }
}

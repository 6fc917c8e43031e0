package io.daprguard.cli;

import static io.daprguard.cluster.ClusterObjects.namespace;
import static io.daprguard.cluster.ClusterObjects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.cluster.MockCluster;
import io.daprguard.rightsizing.PrometheusServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code check --cluster --recommend} against fabric8's mock API server and a real Prometheus holding six days of
 * daprd history: the table gives the README's method computed by hand, {@code -o patch} is a kubectl command that,
 * applied and followed by a restart, leaves nothing to recommend.
 */
class RecommendTest {

    private static final double MIB = 1024 * 1024;
    /** Six days at 30 s: all inside the 7-day window whenever the test queries. */
    private static final int HISTORY = 6 * 24 * 120;
    private static final String POD_A = "orders-6d8f9c7b5-x2kqz";
    private static final String POD_B = "orders-6d8f9c7b5-b8n2w";

    private static PrometheusServer prometheus;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPrometheus() throws Exception {
        Assumptions.assumeTrue(PrometheusServer.available(),
                "prometheus and promtool are not installed (Debian: apt-get install prometheus): skipped");
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(2));
        Instant start = end.minus(PrometheusServer.OpenMetrics.INTERVAL.multipliedBy(HISTORY - 1));
        // 100Mi with a 150Mi sample in every hundred (p95 100Mi, peak 150Mi); a steady 0.02 cores (0.6 s per 30 s)
        String history = new PrometheusServer.OpenMetrics()
                .daprd("shop", POD_A, start, HISTORY, i -> i % 100 == 7 ? 150 * MIB : 100 * MIB, i -> 0.6 * i)
                .daprd("shop", POD_B, start, HISTORY, i -> 90 * MIB, i -> 0.3 * i)
                .text();
        prometheus = PrometheusServer.start(history);
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }




    private static JsonNode deployment() {
        return yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: shop}
                spec:
                  selector: {matchLabels: {app: orders}}
                  template:
                    metadata:
                      labels: {app: orders}
                      annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders, dapr.io/sidecar-cpu-request: 100m,
                        dapr.io/sidecar-cpu-limit: 300m, dapr.io/sidecar-memory-request: 250Mi,
                        dapr.io/sidecar-memory-limit: 1000Mi, dapr.io/env: "LOG_LEVEL=debug,GOMEMLIMIT=900MiB",
                        dapr.io/sidecar-seccomp-profile-type: RuntimeDefault}
                    spec:
                      containers: [{name: app, image: "acme/orders:1"}]
                """);
    }

    private static JsonNode replicaSet(String name) {
        return yaml("""
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: %s
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: orders, controller: true, uid: u1}]
                spec:
                  template: {spec: {containers: [{name: app, image: x}]}}
                """.formatted(name));
    }

    /** A running pod as the injector makes it from the template's annotations. */
    private static JsonNode pod(String name, String replicaSet, JsonNode annotations) {
        String cpuRequest = annotations.path("dapr.io/sidecar-cpu-request").asString();
        String cpuLimit = annotations.path("dapr.io/sidecar-cpu-limit").asString();
        String memoryRequest = annotations.path("dapr.io/sidecar-memory-request").asString();
        String memoryLimit = annotations.path("dapr.io/sidecar-memory-limit").asString();
        String env = annotations.path("dapr.io/env").asString();
        String gomemlimit = env.substring(env.indexOf("GOMEMLIMIT=") + "GOMEMLIMIT=".length());
        return yaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: shop
                  annotations: %s
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: %s, controller: true, uid: u2}]
                spec:
                  containers:
                  - {name: app, image: x}
                  - name: daprd
                    image: ghcr.io/dapr/daprd:1.18.3
                    env: [{name: LOG_LEVEL, value: debug}, {name: GOMEMLIMIT, value: "%s"}]
                    securityContext: {seccompProfile: {type: RuntimeDefault}}
                    resources: {requests: {cpu: %s, memory: %s}, limits: {cpu: %s, memory: %s}}
                status: {phase: Running}
                """.formatted(name, annotations, replicaSet, gomemlimit, cpuRequest, memoryRequest, cpuLimit,
                memoryLimit));
    }

    private static List<String> words(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }

    @Test
    void theTableThePatchAndAfterTheRestartNothingLeft() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            JsonNode template = deployment().path("spec").path("template").path("metadata").path("annotations");
            cluster.create(namespace("shop", null), deployment(), replicaSet("orders-6d8f9c7b5"),
                    pod(POD_A, "orders-6d8f9c7b5", template), pod(POD_B, "orders-6d8f9c7b5", template));
            String kubeconfig = CliRun.kubeconfig(cluster, dir).toString();
            String url = prometheus.url().toString();

            CliRun table = CliRun.check("--cluster", "--kubeconfig", kubeconfig, "--recommend", "--prometheus", url);

            // memory: p95 100Mi x 1.15 -> 120Mi; peak 150Mi x 1.3 = 195 -> 200Mi; GOMEMLIMIT 90% of 200Mi
            // cpu: 20m x 1.15 = 23 -> 30m; peak 20m x 1.3 = 26 -> 50m (the floor); two pods of 17 280 samples
            assertThat(table.err()).isEmpty();
            assertThat(table.code()).isZero();
            List<String> lines = table.out().lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(words(lines.get(0))).containsExactly("NAMESPACE", "WORKLOAD", "PODS", "SAMPLES", "MEMORY", "NOW",
                    "MEMORY", "RECOMMENDED", "CPU", "NOW", "CPU", "RECOMMENDED", "GOMEMLIMIT", "DIFFERS");
            assertThat(words(lines.get(1))).containsExactly("shop", "deployment/orders", "2", "34560", "250Mi/1000Mi",
                    "120Mi/200Mi", "100m/300m", "30m/50m", "180MiB", "yes");

            CliRun json = CliRun.check("--cluster", "--kubeconfig", kubeconfig, "--recommend", "--prometheus", url,
                    "-o", "json");
            JsonNode recommendation = JsonMapper.builder().build().readTree(json.out()).path("recommendations").get(0);
            assertThat(recommendation.path("basis").path("memoryP95Bytes").asLong()).isEqualTo(100L * 1024 * 1024);
            assertThat(recommendation.path("basis").path("memoryPeakBytes").asLong()).isEqualTo(150L * 1024 * 1024);
            assertThat(recommendation.path("recommended").path("gomemlimit").asString()).isEqualTo("180MiB");

            CliRun patch = CliRun.check("--cluster", "--kubeconfig", kubeconfig, "--recommend", "--prometheus", url,
                    "-o", "patch");
            assertThat(patch.out()).isEqualTo("kubectl -n shop patch deployment orders --type merge -p '{\"spec\":"
                    + "{\"template\":{\"metadata\":{\"annotations\":{\"dapr.io/sidecar-cpu-request\":\"30m\","
                    + "\"dapr.io/sidecar-cpu-limit\":\"50m\",\"dapr.io/sidecar-memory-request\":\"120Mi\","
                    + "\"dapr.io/sidecar-memory-limit\":\"200Mi\",\"dapr.io/env\":\"LOG_LEVEL=debug,GOMEMLIMIT=180MiB\""
                    + "}}}}}'\n");

            // kubectl patch, then kubectl rollout restart: the old ReplicaSet's pods go, a new one's come
            String merge = patch.out().substring(patch.out().indexOf('\'') + 1, patch.out().lastIndexOf('\''));
            try (KubernetesClient client = cluster.server.createClient()) {
                client.apps().deployments().inNamespace("shop").withName("orders")
                        .patch(PatchContext.of(PatchType.JSON_MERGE), merge);
                client.pods().inNamespace("shop").withName(POD_A).delete();
                client.pods().inNamespace("shop").withName(POD_B).delete();
                String patched = client.apps().deployments().inNamespace("shop").withName("orders").get().getSpec()
                        .getTemplate().getMetadata().getAnnotations().get("dapr.io/env");
                assertThat(patched).isEqualTo("LOG_LEVEL=debug,GOMEMLIMIT=180MiB");
            }
            JsonNode after = yaml(merge).path("spec").path("template").path("metadata").path("annotations");
            JsonNode annotations = ((tools.jackson.databind.node.ObjectNode) template.deepCopy()).setAll(
                    (tools.jackson.databind.node.ObjectNode) after);
            cluster.create(replicaSet("orders-7f9c5b8d4"), pod("orders-7f9c5b8d4-k2m4n", "orders-7f9c5b8d4", annotations),
                    pod("orders-7f9c5b8d4-z9s4t", "orders-7f9c5b8d4", annotations));

            CliRun again = CliRun.check("--cluster", "--kubeconfig", kubeconfig, "--recommend", "--prometheus", url);
            assertThat(words(again.out().lines().toList().get(1))).containsExactly("shop", "deployment/orders", "2",
                    "34560", "120Mi/200Mi", "120Mi/200Mi", "30m/50m", "30m/50m", "180MiB", "no");
            assertThat(CliRun.check("--cluster", "--kubeconfig", kubeconfig, "--recommend", "--prometheus", url, "-o", "patch")
                    .out()).isEmpty();
        }
    }

    @Test
    void withoutAPrometheusItSaysWhatToGive() throws Exception {
        try (MockCluster cluster = new MockCluster()) {
            CliRun run = CliRun.check("--cluster", "--kubeconfig", CliRun.kubeconfig(cluster, dir).toString(),
                    "--recommend");
            assertThat(run.code()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("dapr-guard check: --recommend needs a Prometheus: give --prometheus URL, "
                    + "or --policy with dapr-guard.rightsizing.prometheus.url\n");
        }
    }
}

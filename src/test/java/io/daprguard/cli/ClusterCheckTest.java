package io.daprguard.cli;

import static io.daprguard.cluster.ClusterObjects.deployment;
import static io.daprguard.cluster.ClusterObjects.namespace;
import static io.daprguard.cluster.ClusterObjects.oldPod;
import static io.daprguard.cluster.ClusterObjects.replicaSet;
import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.cluster.MockCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code check --cluster} against fabric8's mock API server, through a kubeconfig file as a user would. */
class ClusterCheckTest {

    @TempDir
    Path dir;

    private final MockCluster cluster = new MockCluster();

    @AfterEach
    void close() {
        cluster.close();
    }




    private String kubeconfig() throws IOException {
        return CliRun.kubeconfig(cluster, dir).toString();
    }

    @Test
    void podsCreatedBeforeDaprGuardAreReportedThroughTheirDeploymentWithExitOne() throws Exception {
        cluster.create(namespace("shop", null), deployment("shop", "orders"),
                replicaSet("shop", "orders-5d9f", "orders"), oldPod("shop", "orders-5d9f-a", "orders-5d9f", "Running"),
                oldPod("shop", "orders-5d9f-b", "orders-5d9f", "Running"), namespace("kube-system", null),
                oldPod("kube-system", "ignored", "rs", "Running"));

        CliRun run = CliRun.check("--cluster", "--kubeconfig", kubeconfig(), "--context", "mock");

        assertThat(run.err()).isEmpty();
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).startsWith("cluster (context mock) " + cluster.server.url("/").replaceAll("/$", "")
                        + "\n  Deployment shop/orders\n    DENY [sidecar-resources] dapr.io/sidecar-cpu-request is not "
                        + "set, so daprd runs without it; add dapr.io/sidecar-cpu-request: \"100m\" (2 of 2 running "
                        + "pods; a running pod keeps what it was created with: restart the workload (kubectl rollout "
                        + "restart deployment/orders -n shop))\n")
                .doesNotContain("kube-system")
                .endsWith("\n1 object checked, 1 denied, 1 with warnings, 0 not reviewed, 0 errors\n");
    }

    @Test
    void aCleanNamespaceExitsZeroAndJsonHasNoLines() throws Exception {
        cluster.create(namespace("shop", null), deployment("shop", "orders"), namespace("other", null),
                oldPod("other", "old", "rs", "Running"));

        CliRun run = CliRun.check("--cluster", "--kubeconfig", kubeconfig(), "-n", "shop", "-o", "json");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        JsonNode report = JsonMapper.builder().build().readTree(run.out());
        JsonNode object = report.path("files").path(0).path("objects").path(0);
        assertThat(object.path("kind").asString()).isEqualTo("Deployment");
        assertThat(object.path("line").isNull()).isTrue();
        assertThat(object.path("findings").toString()).doesNotContain("\"deny\"");
        assertThat(report.path("summary").path("objects").asInt()).as("only namespace shop").isEqualTo(1);
    }

    @Test
    void aClusterThatCannotBeReadCompletelyExitsTwoWithTheReasonAndStillReportsTheRest() throws Exception {
        cluster.create(namespace("shop", null), deployment("shop", "orders"),
                oldPod("shop", "bare", "rs", "Running"));
        cluster.server.expect().get().withPath("/api/v1/pods?limit=500").andReturn(403,
                "{\"kind\":\"Status\",\"message\":\"pods is forbidden: User \\\"me\\\" cannot list pods\"}").always();

        CliRun run = CliRun.check("--cluster", "--kubeconfig", kubeconfig());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains(": incomplete: list pods: forbidden (403): RBAC does not allow it: pods is "
                + "forbidden: User \"me\" cannot list pods");
        assertThat(run.out()).contains("Deployment shop/orders").contains("1 error");
    }

    @Test
    void anUnreadableKubeconfigExitsTwo() {
        CliRun run = CliRun.check("--cluster", "--kubeconfig", dir.resolve("missing").toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("cannot use the kubeconfig");
    }

    @Test
    void clusterOptionsNeedCluster() {
        assertThat(CliRun.check("--kubeconfig", "x").err()).startsWith("dapr-guard check: --kubeconfig needs --cluster");
        assertThat(CliRun.check("--cluster", "x.yaml").err())
                .startsWith("dapr-guard check: --cluster checks the cluster, not files");
    }
}

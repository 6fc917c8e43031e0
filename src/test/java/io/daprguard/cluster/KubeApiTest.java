package io.daprguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KubeApiTest {

    private final MockCluster cluster = new MockCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    private static String page(String continueToken, String... names) {
        StringBuilder items = new StringBuilder();
        for (String name : names) {
            items.append(items.isEmpty() ? "" : ",").append("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":")
                    .append("{\"name\":\"").append(name).append("\",\"namespace\":\"shop\"}}");
        }
        return "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"continue\":\"" + continueToken
                + "\"},\"items\":[" + items + "]}";
    }

    private List<String> names(KubeApi api, ApiKind kind) throws ClusterException {
        List<String> names = new ArrayList<>();
        api.list(kind, null, null, object -> names.add(object.path("metadata").path("name").asString()));
        return names;
    }

    @Test
    void listsPageByPageWithLimitAndContinue() throws Exception {
        cluster.server.expect().get().withPath("/api/v1/pods?limit=2").andReturn(200, page("c1/x", "a", "b")).once();
        cluster.server.expect().get().withPath("/api/v1/pods?limit=2&continue=c1%2Fx").andReturn(200, page("", "c"))
                .once();
        try (KubeApi api = cluster.api(2)) {
            assertThat(names(api, ApiKind.POD)).containsExactly("a", "b", "c");
            assertThat(api.calls()).isEqualTo(2);
        }
    }

    @Test
    void aPageThatFailsHalfWayFailsTheListAfterTheFirstPageWasHandedOver() throws Exception {
        cluster.server.expect().get().withPath("/api/v1/pods?limit=2").andReturn(200, page("c1", "a", "b")).once();
        cluster.server.expect().get().withPath("/api/v1/pods?limit=2&continue=c1").andReturn(500, "{}").once();
        try (KubeApi api = cluster.api(2)) {
            List<String> seen = new ArrayList<>();
            assertThatThrownBy(() -> api.list(ApiKind.POD, null, null,
                    pod -> seen.add(pod.path("metadata").path("name").asString())))
                    .isInstanceOf(ClusterException.class).hasMessage("list pods: HTTP 500");
            assertThat(seen).containsExactly("a", "b");
        }
    }

    @Test
    void aForbiddenListNamesTheCallAndRbac() throws Exception {
        cluster.server.expect().get().withPath("/apis/apps/v1/deployments?limit=500").andReturn(403,
                "{\"kind\":\"Status\",\"message\":\"deployments.apps is forbidden: User \\\"x\\\" cannot list\"}")
                .once();
        try (KubeApi api = cluster.api(500)) {
            assertThatThrownBy(() -> names(api, ApiKind.DEPLOYMENT))
                    .isInstanceOf(ClusterException.class)
                    .hasMessage("list deployments: forbidden (403): RBAC does not allow it: deployments.apps is "
                            + "forbidden: User \"x\" cannot list")
                    .satisfies(e -> assertThat(((ClusterException) e).unreachable()).isFalse());
        }
    }

    @Test
    void aKindTheClusterDoesNotServeHasNoObjects() throws Exception {
        cluster.server.expect().get().withPath("/apis/dapr.io/v1alpha1/components?limit=500").andReturn(404, "{}")
                .once();
        try (KubeApi api = cluster.api(500)) {
            assertThat(names(api, ApiKind.COMPONENT)).isEmpty();
        }
    }

    @Test
    void objectsCreatedInCrudModeAreListedInOnePage() throws Exception {
        cluster.create(ClusterObjects.namespace("shop", null), ClusterObjects.deployment("shop", "orders"),
                ClusterObjects.deployment("shop", "cart"));
        try (KubeApi api = cluster.api(500)) {
            assertThat(names(api, ApiKind.DEPLOYMENT)).containsExactlyInAnyOrder("orders", "cart");
            assertThat(names(api, ApiKind.NAMESPACE)).containsExactly("shop");
        }
    }

    @Test
    void anUnreachableApiServerIsReportedAsSuch() {
        KubeApi api = new KubeApi(new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:1").withRequestRetryBackoffLimit(0).build()).build(), 500, 100,
                Duration.ofSeconds(60));
        try (api) {
            assertThatThrownBy(() -> names(api, ApiKind.NAMESPACE))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageStartingWith("list namespaces: cannot reach the Kubernetes API at http://127.0.0.1:1")
                    .satisfies(e -> assertThat(((ClusterException) e).unreachable()).isTrue());
        }
    }

    @Test
    void callsAreSpacedAtTheQpsCap() throws Exception {
        try (KubeApi api = new KubeApi(cluster.newClient(), 500, 10, Duration.ofSeconds(60))) {
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                api.get("/api/v1/namespaces/none-" + i);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("5 calls at 10 per second")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(390));
        }
    }
}

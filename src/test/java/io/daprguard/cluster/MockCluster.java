package io.daprguard.cluster;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * fabric8's Kubernetes mock server in CRUD mode (objects created are listed, updated, deleted), with expectations
 * taking precedence where a test needs an answer CRUD mode does not give (paging, errors). Dapr's CRDs are known;
 * the report CRD only when a test installs it.
 */
public final class MockCluster implements AutoCloseable {

    static final CustomResourceDefinitionContext COMPONENTS = crd(ApiKind.COMPONENT);
    static final CustomResourceDefinitionContext CONFIGURATIONS = crd(ApiKind.CONFIGURATION);

    public final KubernetesMockServer server;
    final KubernetesClient client;

    public MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init();
        server.expectCustomResource(COMPONENTS);
        server.expectCustomResource(CONFIGURATIONS);
        client = server.createClient();
    }

    static CustomResourceDefinitionContext crd(ApiKind kind) {
        return new CustomResourceDefinitionContext.Builder().withGroup(kind.group())
                .withVersion(kind.apiVersion().substring(kind.apiVersion().indexOf('/') + 1))
                .withPlural(kind.plural()).withKind(kind.kind()).withScope("Namespaced").build();
    }

    /** Installs the PolicyReport CRD (as far as discovery and CRUD are concerned). */
    public MockCluster withPolicyReports() {
        server.expectCustomResource(crd(ApiKind.POLICY_REPORT));
        return this;
    }

    /** A KubeApi on this server: generous rate, a timeout for a busy machine, no retries (as {@link KubeApi#connect} sets). */
    public KubeApi api(int pageSize) {
        return new KubeApi(newClient(), pageSize, 1000, Duration.ofSeconds(60));
    }

    KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0).build()).build();
    }

    /** Creates objects (any kind the audit reads) through the REST API. */
    public MockCluster create(JsonNode... objects) throws ClusterException {
        try (KubeApi api = api(500)) {
            for (JsonNode object : objects) {
                ApiKind kind = kindOf(object);
                api.create(kind, object.path("metadata").path("namespace").asString(null), (ObjectNode) object);
            }
        }
        return this;
    }

    static ApiKind kindOf(JsonNode object) {
        for (ApiKind kind : ApiKind.values()) {
            if (kind.kind().equals(object.path("kind").asString(""))
                    && kind.apiVersion().equals(object.path("apiVersion").asString(""))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("not a kind the audit reads: " + object.path("kind"));
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}

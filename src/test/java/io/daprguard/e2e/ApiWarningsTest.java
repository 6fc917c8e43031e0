package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The warning recorder and the error handling of the real-cluster suite, with fabric8's real client (and its real
 * HTTP client implementation) against a stand-in for the kube-apiserver that answers as the apiserver does: warnings
 * as one {@code Warning: 299 - "..."} header each, a webhook denial as a 403 Status.
 */
class ApiWarningsTest {

    private static final String DENIAL = "admission webhook \"validate.dapr-guard.io\" denied the request: "
            + "[sidecar-resources] dapr.io/sidecar-memory-limit \"1000MB\" is not a Kubernetes quantity\n"
            + "[sidecar-gomemlimit] GOMEMLIMIT=\"900Mi\" in dapr.io/env is not valid Go syntax";

    private HttpServer apiserver;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ApiWarnings warnings = new ApiWarnings();
    private KubernetesClient client;

    @BeforeEach
    void start() throws IOException {
        apiserver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        apiserver.createContext("/apis/apps/v1/namespaces/audit/deployments", exchange -> {
            String body = read(exchange);
            exchange.getResponseHeaders().add("Warning",
                    "299 - \"[sidecar-resources] would deny: dapr.io/sidecar-memory-limit \\\"1000MB\\\" is bad\"");
            exchange.getResponseHeaders().add("Warning", "299 - \"[sidecar-gomemlimit] would deny: GOMEMLIMIT\"");
            respond(exchange, 201, body);
        });
        apiserver.createContext("/apis/apps/v1/namespaces/enforce/deployments", exchange -> {
            read(exchange);
            respond(exchange, 403, """
                    {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":%s,\
                    "reason":"Forbidden","code":403}""".formatted(
                    E2eObjects.SERIALIZATION.asJson(DENIAL)));
        });
        apiserver.createContext("/api/v1/namespaces/quiet/pods", exchange -> respond(exchange, 201, read(exchange)));
        apiserver.start();
        Config config = new ConfigBuilder().withAutoConfigure(false)
                .withMasterUrl("http://127.0.0.1:" + apiserver.getAddress().getPort())
                .withRequestRetryBackoffLimit(0)
                .build();
        client = warnings.client(config);
    }

    @AfterEach
    void stop() {
        client.close();
        apiserver.stop(0);
    }

    private String read(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void recordsEveryWarningOfAResponseWithItsRequest() {
        Deployment created = client.apps().deployments().inNamespace("audit")
                .resource(E2eObjects.ordersDeployment()).create();
        assertThat(created.getMetadata().getName()).isEqualTo("orders");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(warnings.warnings("POST", "/apis/apps/v1/namespaces/audit/deployments")).containsExactly(
                        "[sidecar-resources] would deny: dapr.io/sidecar-memory-limit \"1000MB\" is bad",
                        "[sidecar-gomemlimit] would deny: GOMEMLIMIT"));
        assertThat(warnings.received()).singleElement().satisfies(r -> assertThat(r.code()).isEqualTo(201));
        assertThat(warnings.warnings("PUT", "/apis/apps/v1/namespaces/audit/deployments")).isEmpty();
        assertThat(warnings.warnings("POST", "/apis/apps/v1/namespaces/shop/deployments")).isEmpty();

        warnings.clear();
        assertThat(warnings.received()).isEmpty();
    }

    @Test
    void responsesWithoutWarningsRecordNothing() {
        Pod created = client.pods().inNamespace("quiet").resource(E2eObjects.daprPod("p")).create();
        assertThat(created.getMetadata().getName()).isEqualTo("p");
        assertThat(warnings.received()).isEmpty();
    }

    @Test
    void aDenialSurfacesAsTheApiserversStatus() {
        KubernetesClientException denied = null;
        try {
            client.apps().deployments().inNamespace("enforce").resource(E2eObjects.ordersDeployment()).create();
        }
        catch (KubernetesClientException ex) {
            denied = ex;
        }
        assertThat(denied).as("denied").isNotNull();
        assertThat(denied.getCode()).isEqualTo(403);
        assertThat(ApiWarnings.statusMessage(denied)).isEqualTo(DENIAL);
        assertThat(requests).containsExactly("POST /apis/apps/v1/namespaces/enforce/deployments");
    }

    @Test
    void dryRunIsAServerSideDryRun() {
        client.pods().inNamespace("quiet").resource(E2eObjects.daprPod("p")).dryRun().create();
        assertThatExceptionOfType(KubernetesClientException.class).isThrownBy(() -> client.apps().deployments()
                        .inNamespace("enforce").resource(E2eObjects.ordersDeployment()).dryRun().create())
                .satisfies(ex -> assertThat(ApiWarnings.statusMessage(ex)).isEqualTo(DENIAL));
        assertThat(requests).containsExactly("POST /api/v1/namespaces/quiet/pods?dryRun=All",
                "POST /apis/apps/v1/namespaces/enforce/deployments?dryRun=All");
    }
}

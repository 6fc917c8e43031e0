package io.daprguard.e2e;

import io.daprguard.TestClients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything of the real-cluster suite but the cluster: the server with the suite's settings, its certificate as the
 * kube-apiserver checks it (trusting only {@code ca.crt}, verifying the name {@value E2eSettings#HOST_FROM_CONTAINERS}),
 * and the suite's objects posted as AdmissionReviews to the paths of the webhook configurations the suite registers,
 * with the decisions the suite expects back from the cluster. Runs without Docker.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class E2eServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path certs;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) {
        E2eSettings.serverProperties(registry, () -> certs);
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    private SSLContext trustingOnlyTheCa;
    private Map<String, String> urls;

    @BeforeEach
    void trustOnlyTheGeneratedCaAndRegisterAsTheSuiteDoes() throws Exception {
        trustingOnlyTheCa = TestClients.trustingOnly(certs);

        // The configurations exactly as K3sEndToEndIT registers them: webhook name -> URL.
        byte[] caPem = Files.readAllBytes(certs.resolve("ca.crt"));
        urls = new HashMap<>();
        for (ObjectNode configuration : WebhookConfigurations.render(E2eSettings.KUBE_VERSION)) {
            ObjectNode pointed = WebhookConfigurations.pointedAt(configuration, E2eSettings.baseUrl(port), caPem);
            for (JsonNode webhook : pointed.path("webhooks")) {
                urls.put(webhook.path("name").asString(), webhook.path("clientConfig").path("url").asString());
                assertThat(webhook.path("clientConfig").path("caBundle").asString())
                        .isEqualTo(Base64.getEncoder().encodeToString(caPem));
            }
        }
    }

    @Test
    void certificateIsValidForTheNameTheClusterUses() throws Exception {
        assertThat(handshake(E2eSettings.HOST_FROM_CONTAINERS)).isEqualTo("TLSv1.3");
        assertThat(handshake("localhost")).isEqualTo("TLSv1.3");
        assertThatExceptionOfType(SSLHandshakeException.class)
                .isThrownBy(() -> handshake("dapr-guard.dapr-guard.svc"))
                .withMessageContaining("dapr-guard.dapr-guard.svc");
    }

    /** Connects to this server on 127.0.0.1 as a client that believes it is talking to {@code host}. */
    private String handshake(String host) throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                SSLSocket tls = (SSLSocket) trustingOnlyTheCa.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.startHandshake();
            return tls.getSession().getProtocol();
        }
    }

    @Test
    void registeredPathsAnswerWhatTheSuiteExpectsFromTheCluster() throws Exception {
        assertThat(urls).containsOnlyKeys("mutate.dapr-guard.io", "mutate-audit.dapr-guard.io",
                "validate.dapr-guard.io", "validate-audit.dapr-guard.io");
        double before = AdmissionCounter.total(registry);
        double beforeShop = AdmissionCounter.total(registry, "namespace", "shop");

        // 1. Pods of a Dapr app with no sidecar settings get the defaults.
        JsonNode mutated = post("mutate.dapr-guard.io", review("", "v1", "Pod", "pods", "shop",
                E2eObjects.daprPod("hello"), false));
        assertThat(mutated.path("allowed").asBoolean()).isTrue();
        List<String> added = new ArrayList<>();
        for (JsonNode op : JSON.readTree(Base64.getDecoder().decode(mutated.path("patch").asString()))) {
            added.add(op.path("op").asString() + " " + op.path("path").asString() + "=" + op.path("value").asString());
        }
        for (Map.Entry<String, String> entry : E2eObjects.SIDECAR_DEFAULTS.entrySet()) {
            assertThat(added).contains("add /metadata/annotations/" + entry.getKey().replace("/", "~1") + "="
                    + entry.getValue());
        }

        // 2. Denials name their rules.
        JsonNode orders = post("validate.dapr-guard.io", review("apps", "v1", "Deployment", "deployments", "shop",
                E2eObjects.ordersDeployment(), false));
        assertThat(orders.path("allowed").asBoolean()).isFalse();
        assertThat(orders.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(orders.path("status").path("message").asString())
                .contains("[sidecar-resources] dapr.io/sidecar-memory-limit \"1000MB\" is not a Kubernetes quantity")
                .contains("[sidecar-gomemlimit] GOMEMLIMIT=\"900Mi\" in dapr.io/env is not valid Go syntax");
        JsonNode component = post("validate.dapr-guard.io", review("dapr.io", "v1alpha1", "Component", "components",
                "shop", E2eObjects.plaintextSecretComponent("statestore"), false));
        assertThat(component.path("allowed").asBoolean()).isFalse();
        assertThat(component.path("status").path("message").asString()).contains("[component-secrets]")
                .contains("\"redisPassword\" has a plaintext value");

        // 3. Audit: allowed, unchanged, warned.
        JsonNode audited = post("validate-audit.dapr-guard.io", review("apps", "v1", "Deployment", "deployments",
                "shop", E2eObjects.ordersDeployment(), false));
        assertThat(audited.path("allowed").asBoolean()).isTrue();
        List<String> warnings = new ArrayList<>();
        audited.path("warnings").forEach(w -> warnings.add(w.asString()));
        assertThat(warnings)
                .anySatisfy(w -> assertThat(w).startsWith(
                        "[sidecar-resources] would deny: dapr.io/sidecar-memory-limit \"1000MB\""))
                .anySatisfy(w -> assertThat(w).startsWith("[sidecar-gomemlimit] would deny: GOMEMLIMIT=\"900Mi\""));
        JsonNode auditMutate = post("mutate-audit.dapr-guard.io", review("", "v1", "Pod", "pods", "shop",
                E2eObjects.ordersDeployment().getSpec().getTemplate(), false));
        assertThat(auditMutate.path("allowed").asBoolean()).isTrue();
        assertThat(auditMutate.has("patch")).isFalse();

        // 4. A dry run gets the same decision, and is counted as a dry run.
        JsonNode dryRun = post("validate.dapr-guard.io", review("apps", "v1", "Deployment", "deployments", "shop",
                E2eObjects.ordersDeployment(), true));
        assertThat(dryRun.path("allowed").asBoolean()).isFalse();
        assertThat(dryRun.path("status")).isEqualTo(orders.path("status"));

        // 5. The request counter, as the suite reads it: one per review, with the namespace label.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(AdmissionCounter.total(registry)).isEqualTo(before + 6);
            assertThat(AdmissionCounter.total(registry, "namespace", "shop")).isEqualTo(beforeShop + 6);
            assertThat(AdmissionCounter.total(registry, "namespace", "shop", "dry_run", "true", "result", "denied"))
                    .isEqualTo(1);
        });
    }

    private static String review(String group, String version, String kind, String resource, String namespace,
            Object object, boolean dryRun) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", UUID.randomUUID().toString());
        request.putObject("kind").put("group", group).put("version", version).put("kind", kind);
        request.putObject("resource").put("group", group).put("version", version).put("resource", resource);
        request.put("namespace", namespace);
        request.put("operation", "CREATE");
        request.putObject("userInfo").put("username", "e2e");
        JsonNode body = JSON.readTree(E2eObjects.SERIALIZATION.asJson(object));
        if (body instanceof ObjectNode objectBody && !objectBody.has("kind")) {
            // A pod template posted as a Pod.
            objectBody.put("apiVersion", "v1");
            objectBody.put("kind", "Pod");
        }
        request.set("object", body);
        request.put("dryRun", dryRun);
        return review.toString();
    }

    /** Posts to the URL the registered webhook calls, with the host replaced by this machine's loopback. */
    private JsonNode post(String webhook, String review) throws Exception {
        URI registered = URI.create(urls.get(webhook));
        assertThat(registered.getHost()).isEqualTo(E2eSettings.HOST_FROM_CONTAINERS);
        assertThat(registered.getPort()).isEqualTo(port);
        HttpClient client = HttpClient.newBuilder().sslContext(trustingOnlyTheCa).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + registered.getPath()))
                .timeout(TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("HTTP status of %s", registered.getPath()).isEqualTo(200);
        return JSON.readTree(response.body()).path("response");
    }
}

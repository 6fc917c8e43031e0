package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.daprguard.TestClients;
import io.daprguard.cluster.MockCluster;
import io.daprguard.rightsizing.PrometheusServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every query of the chart's Grafana dashboard returns data from a real Prometheus scraping the real server: admissions
 * over HTTPS (the README's examples), a cluster audit of fabric8's mock API server (with findings, a control plane and
 * nodes) and right-sizing from its metrics.k8s.io, then each panel's expression, with Grafana's
 * {@code $__rate_interval} replaced, sent to Prometheus's query API. A query that names a series the server does not
 * export returns nothing and fails here, naming the panel and the missing metric.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class DashboardIT {

    static final Path DASHBOARD = Path.of("helm/dapr-guard/dashboards/dapr-guard.json");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern METRIC = Pattern.compile("\\bdaprguard_[a-z_]+");
    /** Grafana's $__rate_interval: at least four scrape intervals (here 1 s), with room for a busy machine. */
    private static final String RATE_INTERVAL = "20s";

    private static Path certs;
    private static MockCluster cluster;
    private static Path kubeconfig;

    @DynamicPropertySource
    static void server(DynamicPropertyRegistry registry) throws Exception {
        certs = Files.createTempDirectory("dashboard-certs");
        cluster = new MockCluster();
        cluster.create(objects());
        cluster.server.expect().get().withPath("/apis/metrics.k8s.io/v1beta1/pods").andReturn(200, """
                {"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "items": [
                  {"metadata": {"name": "orders-5d9f-a1", "namespace": "shop"}, "timestamp": "2026-12-08T00:00:00Z",
                   "window": "10s", "containers": [{"name": "daprd", "usage": {"cpu": "20m", "memory": "80Mi"}}]}]}
                """).always();
        String server = cluster.server.createClient().getConfiguration().getMasterUrl();
        kubeconfig = Files.writeString(Files.createTempFile("dashboard", ".kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: mock, user: {token: dashboard}}]
                contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: dapr-guard}}]
                current-context: mock
                """.formatted(server));
        registry.add("dapr-guard.tls.dir", certs::toString);
        registry.add("dapr-guard.audit.enabled", () -> "true");
        registry.add("dapr-guard.audit.initial-delay", () -> "0s");
        registry.add("dapr-guard.audit.interval", () -> "1m");
        registry.add("dapr-guard.audit.kubeconfig", kubeconfig::toString);
        registry.add("dapr-guard.audit.lease-namespace", () -> "dapr-guard");
        registry.add("dapr-guard.rightsizing.metrics-server", () -> "true");
    }

    /** A namespace with a Dapr app whose pods lack the defaults and daprd, and Dapr's control plane on one node. */
    private static JsonNode[] objects() {
        YAMLMapper yaml = YAMLMapper.builder().build();
        List<JsonNode> objects = new ArrayList<>();
        for (String text : """
                {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
                ---
                {apiVersion: v1, kind: Namespace, metadata: {name: dapr-system}}
                ---
                {apiVersion: v1, kind: Namespace, metadata: {name: dapr-guard}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: shop}
                spec:
                  selector: {matchLabels: {app: orders}}
                  template:
                    metadata: {labels: {app: orders}, annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders}}
                    spec: {containers: [{name: app, image: ghcr.io/acme/orders:1}]}
                ---
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: orders-5d9f
                  namespace: shop
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: orders, uid: u1, controller: true}]
                spec:
                  selector: {matchLabels: {app: orders}}
                  template:
                    metadata: {labels: {app: orders}, annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders}}
                    spec: {containers: [{name: app, image: ghcr.io/acme/orders:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: orders-5d9f-a1
                  namespace: shop
                  annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: orders-5d9f, uid: u2, controller: true}]
                spec: {nodeName: node-a, containers: [{name: app, image: ghcr.io/acme/orders:1}]}
                status: {phase: Running}
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: dapr-placement-server, namespace: dapr-system, labels: {app.kubernetes.io/part-of: dapr}}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: dapr-placement-server}}
                  template:
                    metadata: {labels: {app: dapr-placement-server}}
                    spec: {containers: [{name: placement, image: ghcr.io/dapr/placement:1.18.3}]}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: node-a}
                status: {conditions: [{type: Ready, status: "True"}]}
                """.split("(?m)^---$")) {
            objects.add(yaml.readTree(text));
        }
        for (int i = 0; i < 3; i++) {
            objects.add(yaml.readTree("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: dapr-placement-server-%d
                      namespace: dapr-system
                      ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: dapr-placement-server, uid: u3,
                        controller: true}]
                    spec: {nodeName: node-a, containers: [{name: placement, image: ghcr.io/dapr/placement:1.18.3}]}
                    status: {phase: Running}
                    """.formatted(i)));
        }
        return objects.toArray(JsonNode[]::new);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private PrometheusServer prometheus;
    private HttpClient https;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        https = TestClients.trusting(certs);
    }

    @AfterAll
    void stop() throws IOException {
        if (prometheus != null) {
            prometheus.close();
        }
        cluster.close();
        Files.deleteIfExists(kubeconfig);
    }

    @Test
    void everyPanelQueryReturnsData() throws Exception {
        PrometheusServer.assumeAvailable();
        Pattern auditRan = Pattern.compile("(?m)^daprguard_audit_runs_total\\{[^}]*result=\"success\"[^}]*} [1-9]");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> auditRan.matcher(scrape()).find());
        String exported = scrape();

        prometheus = PrometheusServer.scraping("127.0.0.1:" + managementPort, Duration.ofSeconds(1));
        Map<String, String> queries = panelQueries();
        assertThat(queries).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(10);
        for (Map.Entry<String, String> query : queries.entrySet()) {
            for (String metric : metrics(query.getValue())) {
                assertThat(exported).as("%s names %s, which /metrics must export", query.getKey(), metric)
                        .containsPattern("(?m)^" + Pattern.quote(metric) + "[{ ]");
            }
        }
        // Reviews keep arriving, as in a cluster, so that every rate() and histogram_quantile() has a value.
        Map<String, JsonNode> results = new LinkedHashMap<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            admit();
            for (Map.Entry<String, String> query : queries.entrySet()) {
                JsonNode result = query(query.getValue());
                assertThat(result.path("status").asString()).as("%s: %s", query.getKey(), result).isEqualTo("success");
                assertThat(result.path("data").path("result")).as("%s returns data: %s", query.getKey(),
                        query.getValue()).isNotEmpty();
                for (JsonNode series : result.path("data").path("result")) {
                    assertThat(series.path("value").path(1).asString()).as("%s has a number", query.getKey())
                            .isNotEqualTo("NaN");
                }
                results.put(query.getKey(), result);
            }
        });
        assertThat(values(results.get("Audit findings by rule: sum by (rule, level) (daprguard_audit_findings)")))
                .as("the audit's findings, by rule and level")
                .containsEntry("{level=\"deny\",rule=\"sidecar-injected\"}", 1.0)
                .containsEntry("{level=\"warn\",rule=\"control-plane-spread\"}", 2.0);
    }

    /** Every panel's expressions, keyed by panel title and expression. */
    static Map<String, String> panelQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : JSON.readTree(Files.readString(DASHBOARD)).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString("");
                if (!expr.isEmpty()) {
                    queries.put(panel.path("title").asString() + ": " + expr,
                            expr.replace("$__rate_interval", RATE_INTERVAL));
                }
            }
        }
        return queries;
    }

    private static Set<String> metrics(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(expr);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    /** The result's series as {labels} to value. */
    private static Map<String, Double> values(JsonNode result) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (JsonNode series : result.path("data").path("result")) {
            List<String> labels = new ArrayList<>();
            series.path("metric").properties().forEach(e -> labels.add(e.getKey() + "=\"" + e.getValue().asString()
                    + "\""));
            values.put("{" + String.join(",", labels) + "}", Double.parseDouble(series.path("value").path(1)
                    .asString()));
        }
        return values;
    }

    /** The README's examples: a pod to /mutate, the Deployment to /validate (denied) and /audit/validate. */
    private void admit() throws Exception {
        for (String[] call : new String[][] {{"/mutate", "examples/pod-review.json"},
                {"/validate", "examples/deployment-review.json"}, {"/audit/validate", "examples/deployment-review.json"}}) {
            HttpResponse<String> response = TestClients.post(https, port, call[0],
                    HttpRequest.BodyPublishers.ofFile(Path.of(call[1])));
            assertThat(response.statusCode()).as(call[0]).isEqualTo(200);
        }
    }

    private String scrape() throws Exception {
        return TestClients.get(managementPort, "/metrics", null).body();
    }

    private JsonNode query(String expr) throws Exception {
        URI uri = prometheus.url().resolve("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}

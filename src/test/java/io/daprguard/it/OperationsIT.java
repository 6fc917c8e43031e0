package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.Reviews;
import io.daprguard.TestClients;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.application.SslHealthIndicator;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ApplicationContext;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The management port and the metrics, on the real server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class OperationsIT {

    @TempDir
    static Path certs;

    @DynamicPropertySource
    static void tls(DynamicPropertyRegistry registry) {
        registry.add("dapr-guard.tls.dir", certs::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @LocalManagementPort
    int managementPort;

    private HttpClient client;

    private static final String BAD_POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"orders-","annotations":
            {"dapr.io/enabled":"true","dapr.io/app-id":"orders","dapr.io/sidecar-memory-limit":"1000MB"}},
             "spec":{"containers":[{"name":"orders","image":"orders:1"}]}}""";

    @BeforeEach
    void client() throws Exception {
        client = TestClients.trusting(certs);
    }

    @Test
    void managementPortServesOnlyMetricsAndProbes() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        for (String path : new String[] {"/metrics", "/healthz", "/readyz"}) {
            assertThat(TestClients.get(managementPort, path, null).statusCode()).as(path).isEqualTo(200);
        }
        for (String path : new String[] {"/", "/health", "/health/liveness", "/health/readiness", "/env", "/beans",
                "/heapdump", "/threaddump", "/actuator", "/actuator/health", "/prometheus", "/mutate"}) {
            assertThat(TestClients.get(managementPort, path, null).statusCode()).as(path).isEqualTo(404);
        }
        assertThat(TestClients.get(managementPort, "/healthz", null).body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(TestClients.get(managementPort, "/readyz", null).body()).contains("\"status\":\"UP\"");
        assertThat(context.getBean(HealthEndpointGroups.class).get("readiness").isMember("ssl"))
                .as("readiness follows the serving certificate").isTrue();
        assertThat(context.getBean(HealthContributorRegistry.class).getContributor("ssl"))
                .as("Spring Boot's indicator over the SSL bundles").isInstanceOf(SslHealthIndicator.class);
        assertThat(TestClients.get(managementPort, "/metrics", null).body())
                .as("both expiry series the README's metrics table compares")
                .contains("daprguard_certificate_expiry_timestamp_seconds{certificate=\"serving\"}")
                .containsPattern("ssl_chain_expiry_seconds\\{[^}]*bundle=\"dapr-guard\"");
    }

    @Test
    void admissionPortServesNoneOfThem() throws Exception {
        for (String path : new String[] {"/metrics", "/healthz", "/readyz", "/actuator/health"}) {
            HttpRequest request = HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + port + path))
                    .timeout(TestClients.TIMEOUT).GET().build();
            assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).as(path).isEqualTo(404);
        }
    }

    @Test
    void scrapeShowsEachFamilyWithTheRightLabelsAndCounts() throws Exception {
        String before = TestClients.get(managementPort, "/metrics", null).body();
        String deniedSeries = "daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                + "operation=\"CREATE\",result=\"denied\",webhook=\"validate\"}";
        String patchedSeries = "daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                + "operation=\"CREATE\",result=\"patched\",webhook=\"mutate\"}";
        String auditSeries = "daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"audit\","
                + "operation=\"CREATE\",result=\"allowed\",webhook=\"validate\"}";
        String ruleSeries = "daprguard_rule_results_total{mode=\"enforce\",outcome=\"violation\",rule=\"sidecar-resources\"}";
        for (int i = 0; i < 3; i++) {
            post("/validate", Reviews.podCreate("admission.k8s.io/v1", "v-" + i, BAD_POD));
        }
        post("/mutate", Reviews.podCreate("admission.k8s.io/v1", "m-1", BAD_POD));
        post("/mutate", Reviews.podCreate("admission.k8s.io/v1", "m-2", BAD_POD));
        post("/audit/validate", Reviews.podCreate("admission.k8s.io/v1", "a-1", BAD_POD));
        post("/validate", "{broken");
        String after = TestClients.get(managementPort, "/metrics", null).body();

        assertThat(value(after, deniedSeries) - value(before, deniedSeries)).isEqualTo(3);
        assertThat(value(after, patchedSeries) - value(before, patchedSeries)).isEqualTo(2);
        assertThat(value(after, auditSeries) - value(before, auditSeries)).isEqualTo(1);
        assertThat(value(after, ruleSeries) - value(before, ruleSeries)).isEqualTo(3);
        assertThat(after)
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"unknown\",mode=\"enforce\","
                        + "operation=\"unknown\",result=\"error\",webhook=\"validate\"}")
                .contains("daprguard_admission_duration_seconds_bucket{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                        + "operation=\"CREATE\",webhook=\"validate\",le=\"5.0E-4\"}")
                .contains("daprguard_rule_results_total{mode=\"audit\",outcome=\"skipped\",rule=\"log-level\"} 0.0")
                .contains("daprguard_build_info{version=")
                .contains("jvm_memory_used_bytes").contains("process_cpu_usage")
                .doesNotContain("orders-");
    }

    @Test
    void openMetricsWhenAskedFor() throws Exception {
        HttpResponse<String> response = TestClients.get(managementPort, "/metrics",
                "application/openmetrics-text;version=1.0.0");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/openmetrics-text");
        assertThat(response.body()).contains("daprguard_rule_results_total").endsWith("# EOF\n");
    }

    private void post(String path, String body) throws Exception {
        TestClients.post(client, port, path, HttpRequest.BodyPublishers.ofString(body));
    }

    private static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+)$").matcher(scrape);
        assertThat(matcher.find()).as("series %s in the scrape", series).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}

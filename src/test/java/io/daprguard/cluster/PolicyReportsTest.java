package io.daprguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.rules.NamespaceFacts.ObjectRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PolicyReportsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC);

    private final MockCluster cluster = new MockCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    private static AuditFinding finding(String namespace, String name, String rule, AuditFinding.Level level) {
        return new AuditFinding(new ObjectRef("apps/v1", "Deployment", namespace, name), rule, level,
                rule + " is wrong; fix it");
    }

    private JsonNode report(KubeApi api, String namespace) throws ClusterException {
        return api.get(ApiKind.POLICY_REPORT.path(namespace, PolicyReports.NAME));
    }

    @Test
    void withoutTheCrdNothingIsDiscovered() throws Exception {
        try (KubeApi api = cluster.api(500)) {
            assertThat(new PolicyReports(api, 100, CLOCK).discover()).isNull();
        }
    }

    @Test
    void reportsAreCreatedLeftAloneWhenUnchangedUpdatedAndDeletedWhenClean() throws Exception {
        cluster.withPolicyReports();
        try (KubeApi api = cluster.api(500)) {
            PolicyReports reports = new PolicyReports(api, 100, CLOCK);
            assertThat(reports.discover()).isEqualTo(ApiKind.POLICY_REPORT);
            List<AuditFinding> findings = List.of(
                    finding("shop", "orders", "sidecar-resources", AuditFinding.Level.DENY),
                    finding("shop", "cart", "api-token", AuditFinding.Level.WARN),
                    finding("blog", "web", "app-id-unique", AuditFinding.Level.DENY));

            assertThat(reports.sync(ApiKind.POLICY_REPORT, findings)).isEqualTo(new PolicyReports.Sync(2, 0, 0, 0));
            JsonNode shop = report(api, "shop");
            assertThat(shop.path("metadata").path("labels").path("app.kubernetes.io/managed-by").asString())
                    .isEqualTo("dapr-guard");
            assertThat(shop.path("summary").path("fail").asInt()).isEqualTo(1);
            assertThat(shop.path("summary").path("warn").asInt()).isEqualTo(1);
            JsonNode first = shop.path("results").path(0);
            assertThat(first.path("source").asString()).isEqualTo("dapr-guard");
            assertThat(first.path("policy").asString()).isEqualTo("dapr-guard");
            assertThat(first.path("rule").asString()).isEqualTo("sidecar-resources");
            assertThat(first.path("result").asString()).isEqualTo("fail");
            assertThat(first.path("message").asString()).isEqualTo("sidecar-resources is wrong; fix it");
            assertThat(first.path("resources").path(0).path("kind").asString()).isEqualTo("Deployment");
            assertThat(first.path("resources").path(0).path("name").asString()).isEqualTo("orders");
            assertThat(first.path("timestamp").path("seconds").asLong()).isEqualTo(CLOCK.instant().getEpochSecond());
            String version = shop.path("metadata").path("resourceVersion").asString();

            PolicyReports later = new PolicyReports(api, 100, Clock.offset(CLOCK, java.time.Duration.ofHours(1)));
            assertThat(later.sync(ApiKind.POLICY_REPORT, findings)).as("nothing changed: no write")
                    .isEqualTo(new PolicyReports.Sync(0, 0, 0, 2));
            assertThat(report(api, "shop").path("metadata").path("resourceVersion").asString()).isEqualTo(version);

            List<AuditFinding> fixed = List.of(finding("shop", "orders", "sidecar-resources", AuditFinding.Level.DENY),
                    finding("shop", "orders", "api-token", AuditFinding.Level.WARN));
            assertThat(later.sync(ApiKind.POLICY_REPORT, fixed)).as("blog became clean, shop changed")
                    .isEqualTo(new PolicyReports.Sync(0, 1, 1, 0));
            assertThat(report(api, "blog")).isNull();
            JsonNode updated = report(api, "shop");
            assertThat(updated.path("results").path(0).path("timestamp").path("seconds").asLong())
                    .as("a result found before keeps its first timestamp").isEqualTo(CLOCK.instant().getEpochSecond());
            assertThat(updated.path("results").path(1).path("resources").path(0).path("name").asString())
                    .isEqualTo("orders");
        }
    }

    @Test
    void aReportKeepsAtMostTheCapButItsSummaryCountsEveryFinding() throws Exception {
        cluster.withPolicyReports();
        List<AuditFinding> findings = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            findings.add(finding("shop", "app-" + i, "api-token", AuditFinding.Level.WARN));
        }
        findings.add(finding("shop", "app-x", "sidecar-resources", AuditFinding.Level.DENY));
        try (KubeApi api = cluster.api(500)) {
            new PolicyReports(api, 10, CLOCK).sync(ApiKind.POLICY_REPORT, findings);
            JsonNode shop = report(api, "shop");
            assertThat(shop.path("results").size()).isEqualTo(10);
            assertThat(shop.path("results").path(0).path("result").asString()).as("deny-level results first")
                    .isEqualTo("fail");
            assertThat(shop.path("summary").path("fail").asInt()).isEqualTo(1);
            assertThat(shop.path("summary").path("warn").asInt()).isEqualTo(25);
            assertThat(shop.path("metadata").path("annotations").path("daprguard.io/results-omitted").asString())
                    .isEqualTo("16");
        }
    }
}

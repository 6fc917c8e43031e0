package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.chart;
import static io.daprguard.chart.WebhookConfigurationTest.entryIn;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Global audit mode (audit.yaml): nothing blocks, nothing is changed, everything goes to the /audit paths. */
class AuditModeTest {

    private static Manifests manifests;

    @BeforeAll
    static void render() {
        manifests = chart().values("audit.yaml").render();
    }

    @Test
    void enforceEntriesPointAtTheAuditPaths() {
        assertThat(path("MutatingWebhookConfiguration", "mutate.dapr-guard.io")).isEqualTo("/audit/mutate");
        assertThat(path("ValidatingWebhookConfiguration", "validate.dapr-guard.io")).isEqualTo("/audit/validate");
        assertThat(path("MutatingWebhookConfiguration", "mutate-audit.dapr-guard.io")).isEqualTo("/audit/mutate");
        assertThat(path("ValidatingWebhookConfiguration", "validate-audit.dapr-guard.io"))
                .isEqualTo("/audit/validate");
    }

    @Test
    void theRenderedConfigurationSaysWhyEnforceEntriesGoToAudit() {
        String yaml = chart().values("audit.yaml").renderYaml();
        assertThat(yaml).contains("# Global mode is audit: this entry");
        assertThat(chart().renderYaml()).doesNotContain("# Global mode is audit");
    }

    @Test
    void nothingFailsClosedInAuditMode() {
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            for (JsonNode webhook : manifests.only(kind).path("webhooks")) {
                assertThat(webhook.path("failurePolicy").asString()).as(webhook.path("name").asString())
                        .isEqualTo("Ignore");
            }
        }
    }

    @Test
    void namespaceSelectionIsUnchanged() {
        JsonNode enforce = entryIn(manifests, "ValidatingWebhookConfiguration", "validate.dapr-guard.io");
        assertThat(LabelSelectors.matches(enforce.path("namespaceSelector"), LabelSelectors.namespace("shop")))
                .isTrue();
        assertThat(LabelSelectors.matches(enforce.path("namespaceSelector"),
                LabelSelectors.namespace("shop", "daprguard.io/mode", "off"))).isFalse();
    }

    @Test
    void serverRunsInAuditMode() {
        JsonNode config = ChartRenderer.parseYaml(
                manifests.only("ConfigMap").path("data").path("application.yaml").asString());
        assertThat(config.path("dapr-guard").path("mode").asString()).isEqualTo("audit");
    }

    private static String path(String kind, String name) {
        return entryIn(manifests, kind, name).path("clientConfig").path("service").path("path").asString();
    }
}

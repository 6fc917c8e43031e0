package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Mode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JSON report: documented shape, stable field order. */
class JsonReportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void hasTheDocumentedShapeInTheDocumentedOrder() {
        String json = JsonReport.render(ReportFixtures.report());
        JsonNode root = JSON.readTree(json);

        assertThat(names(root)).containsExactly("files", "summary");
        JsonNode file = root.path("files").get(0);
        assertThat(names(file)).containsExactly("file", "objects", "errors");
        assertThat(file.path("file").asString()).isEqualTo("deploy/orders.yaml");
        JsonNode denied = file.path("objects").get(1);
        assertThat(names(denied)).containsExactly("apiVersion", "kind", "namespace", "name", "line", "reviewed",
                "denied", "findings", "mutations");
        assertThat(denied.path("line").asInt()).isEqualTo(12);
        assertThat(denied.path("reviewed").asBoolean()).isTrue();
        assertThat(denied.path("denied").asBoolean()).isTrue();
        assertThat(names(denied.path("findings").get(0))).containsExactly("rule", "level", "message");
        assertThat(denied.path("findings").get(0).path("rule").asString()).isEqualTo("sidecar-resources");
        assertThat(denied.path("findings").get(0).path("level").asString()).isEqualTo("deny");
        assertThat(denied.path("findings").get(0).path("message").asString()).isEqualTo(ReportFixtures.DENIAL);
        assertThat(denied.path("findings").get(1).path("level").asString()).isEqualTo("warn");
        assertThat(names(denied.path("mutations").get(0))).containsExactly("rule", "change");
        assertThat(denied.path("mutations").get(0).path("change").asString())
                .isEqualTo("add dapr.io/sidecar-seccomp-profile-type: RuntimeDefault");
        JsonNode service = file.path("objects").get(0);
        assertThat(service.path("reviewed").asBoolean()).isFalse();
        assertThat(service.path("findings").isArray()).isTrue();
        assertThat(service.path("findings").isEmpty()).isTrue();
        assertThat(names(file.path("errors").get(0))).containsExactly("line", "message");
        assertThat(file.path("errors").get(0).path("line").asInt()).isEqualTo(30);
        JsonNode missing = root.path("files").get(2).path("errors").get(0);
        assertThat(missing.path("line").isNull()).as("no line: the whole file").isTrue();
        assertThat(names(root.path("summary"))).containsExactly("objects", "denied", "warnings", "notReviewed",
                "errors");
        assertThat(root.path("summary").toString())
                .isEqualTo("{\"objects\":4,\"denied\":1,\"warnings\":1,\"notReviewed\":2,\"errors\":2}");
    }

    @Test
    void isPrettyPrintedLikeJqAndEndsWithANewline() {
        String json = JsonReport.render(new CheckReport(List.of(new FileReport("a.yaml", List.of(), List.of()))));

        assertThat(json).isEqualTo("""
                {
                  "files": [
                    {
                      "file": "a.yaml",
                      "objects": [],
                      "errors": []
                    }
                  ],
                  "summary": {
                    "objects": 0,
                    "denied": 0,
                    "warnings": 0,
                    "notReviewed": 0,
                    "errors": 0
                  }
                }
                """);
    }

    @Test
    void auditModeReportsDenialsAsWarnings() {
        JsonNode object = JSON.readTree(JsonReport.render(ReportFixtures.report().in(Mode.AUDIT)))
                .path("files").get(0).path("objects").get(1);

        assertThat(object.path("denied").asBoolean()).isFalse();
        assertThat(object.path("findings").get(0).path("level").asString()).isEqualTo("warn");
        assertThat(object.path("findings").get(0).path("message").asString())
                .isEqualTo("would deny: " + ReportFixtures.DENIAL);
    }

    @Test
    void warningOfNoRuleHasANullRule() {
        CheckReport report = new CheckReport(List.of(new FileReport("a.yaml", List.of(new ObjectReport("v1", "Pod",
                "default", "p", 1, null, true, List.of(Finding.parse(Finding.Level.WARN, "daprguard.io/skip names"
                        + " 'x', which is not a dapr-guard rule")), List.of())), List.of())));

        JsonNode finding = JSON.readTree(JsonReport.render(report)).path("files").get(0).path("objects").get(0)
                .path("findings").get(0);
        assertThat(finding.path("rule").isNull()).isTrue();
        assertThat(finding.path("message").asString()).startsWith("daprguard.io/skip names 'x'");
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }
}

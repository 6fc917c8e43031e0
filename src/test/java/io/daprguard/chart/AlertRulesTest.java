package io.daprguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.rightsizing.PrometheusServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart's alerts under {@code promtool test rules} (Debian's prometheus package; {@code .ci/run} installs it): the
 * rendered PrometheusRule's groups are the rule file, {@code src/test/resources/chart/alerts/alerts-test.yaml} the
 * tests. Every alert has a test in which it fires, with its labels and annotations, and one in which it stays silent;
 * a threshold changed in the chart without its test, or a broken expression, fails.
 */
class AlertRulesTest {

    private static final Path TESTS = Path.of("src", "test", "resources", "chart", "alerts", "alerts-test.yaml");
    /** Each expression on one line, so that a test can change a threshold by text. */
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(tools.jackson.dataformat.yaml.YAMLWriteFeature.SPLIT_LINES).build();

    @TempDir
    Path dir;

    private String rules;

    @BeforeEach
    void renderTheRules() throws IOException {
        PrometheusServer.assumeAvailable();
        JsonNode rule = ChartRenderer.chart().set("metrics.prometheusRule.enabled", true).render()
                .ofKind("PrometheusRule").get(0);
        ObjectNode file = YAML.createObjectNode();
        file.set("groups", rule.path("spec").path("groups"));
        rules = YAML.writeValueAsString(file);
        Files.copy(TESTS, dir.resolve("alerts-test.yaml"));
    }

    @Test
    void everyAlertFiresWhenItShouldAndStaysSilentOtherwise() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), rules);

        assertThat(promtool("check", "rules", "rules.yaml")).startsWith("0\n");
        String result = promtool("test", "rules", "alerts-test.yaml");
        assertThat(result).as("promtool test rules").startsWith("0\n").contains("SUCCESS");
    }

    @Test
    void everyAlertHasAFiringAndASilentTest() throws IOException {
        Set<String> alerts = new TreeSet<>();
        YAML.readTree(rules).path("groups").forEach(group -> group.path("rules")
                .forEach(rule -> alerts.add(rule.path("alert").asString())));
        Set<String> firing = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : YAML.readTree(Files.readString(TESTS)).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? silent : firing).add(check.path("alertname").asString());
            }
        }
        assertThat(alerts).hasSize(6);
        assertThat(firing).as("alerts tested firing").isEqualTo(alerts);
        assertThat(silent).as("alerts tested silent").isEqualTo(alerts);
    }

    @Test
    void aThresholdChangedWithoutItsTestOrABrokenExpressionFails() throws Exception {
        for (List<String> change : List.of(List.of("> 0.05", "> 0.5"), List.of("< 14*86400", "< 7*86400"),
                List.of("for: \"5m\"", "for: \"15m\""), List.of("histogram_quantile(0.99,", "histogram_quantile(0.99"),
                List.of("14*86400", "14*86400)"))) {
            assertThat(rules).contains(change.get(0));
            Files.writeString(dir.resolve("rules.yaml"), rules.replace(change.get(0), change.get(1)));
            assertThat(promtool("test", "rules", "alerts-test.yaml")).as("after %s", change)
                    .doesNotStartWith("0\n");
        }
    }

    /** Runs promtool in the test's directory: the exit code, a newline, then its output. */
    private String promtool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("promtool finished").isTrue();
        return process.exitValue() + "\n" + output;
    }
}

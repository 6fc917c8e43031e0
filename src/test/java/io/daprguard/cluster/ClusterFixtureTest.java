package io.daprguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.rules.ClusterRule;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The fixtures of the cross-object rules ({@code src/test/resources/fixtures/<rule-id>/}, sets of objects): each file
 * is one test that audits its objects and compares the findings of its folder's rule exactly.
 */
class ClusterFixtureTest {

    static final Path ROOT = Path.of("src/test/resources/fixtures");

    @TestFactory
    Stream<DynamicNode> fixtures() throws IOException {
        List<DynamicNode> tests = new ArrayList<>();
        for (Rule rule : Rules.all()) {
            Path dir = ROOT.resolve(rule.id());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                    if (!(rule instanceof ClusterRule) && !ClusterFixture.isClusterFixture(file)) {
                        continue; // an admission fixture: FixtureTest; a pod rule's audit cases hold objects
                    }
                    ClusterFixture fixture = ClusterFixture.load(file);
                    tests.add(DynamicTest.dynamicTest(fixture.name(), file.toUri(), () -> check(rule, fixture)));
                }
            }
        }
        return tests.stream().map(DynamicNode.class::cast);
    }

    @Test
    void everyCrossObjectRuleHasFixturesThatPassAndFail() throws IOException {
        for (ClusterRule rule : Rules.cluster()) {
            boolean passes = false;
            boolean acts = false;
            try (Stream<Path> files = Files.list(ROOT.resolve(rule.id()))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    assertThat(ClusterFixture.isClusterFixture(file)).as("%s holds objects", file).isTrue();
                    boolean empty = ClusterFixture.load(file).expected().isEmpty();
                    passes |= empty;
                    acts |= !empty;
                }
            }
            assertThat(passes).as("rule %s has a fixture without findings", rule.id()).isTrue();
            assertThat(acts).as("rule %s has a fixture with findings", rule.id()).isTrue();
        }
    }

    private static void check(Rule rule, ClusterFixture fixture) {
        AuditResult result = new ClusterAudit(fixture.policy(), fixture.modes(), java.time.Clock.systemUTC(),
                fixture.sizer()).run(fixture.cluster(), null);
        assertThat(result.failure()).as("failure").isNull();
        ArrayNode actual = JsonNodeFactory.instance.arrayNode();
        for (AuditFinding finding : result.findings()) {
            if (finding.rule().equals(rule.id())) {
                ObjectNode entry = actual.addObject();
                entry.put("kind", finding.subject().kind()).put("namespace", finding.subject().namespace())
                        .put("name", finding.subject().name()).put("level", finding.level().tag())
                        .put("message", finding.message());
            }
        }
        if (System.getenv("FIXTURE_PRINT") != null) {
            System.out.println("=== " + fixture.name() + "\n" + ClusterFixture.YAML.writeValueAsString(actual));
        }
        JsonNode expected = fixture.expected();
        assertThat(actual).as("findings of %s", rule.id()).isEqualTo(expected.isMissingNode()
                ? JsonNodeFactory.instance.arrayNode() : expected);
    }
}

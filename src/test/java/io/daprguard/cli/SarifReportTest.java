package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.daprguard.cli.CheckCommandTest.Run;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Rules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code check -o sarif}: valid SARIF 2.1.0 (the OASIS schema), with the right rules, levels and lines. */
class SarifReportTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Schema SARIF = sarifSchema();

    /** Three documents; the third is the Deployment with the problems. The comments count the lines. */
    static final String MULTI_DOCUMENT = """
            apiVersion: v1
            kind: Service
            metadata:
              name: orders
            spec:
              ports: [{port: 80}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: orders-config}
            data: {greeting: hello}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: orders
              namespace: shop
            spec:
              template:
                metadata:
                  annotations:
                    dapr.io/enabled: "true"
                    dapr.io/app-id: orders
                    dapr.io/api-token-secret: orders-api-token
                    dapr.io/app-token-secret: orders-app-token
                    dapr.io/sidecar-memory-limit: 1000MB
                    dapr.io/env: GOMEMLIMIT=900Mi
                    dapr.io/log-level: verbose
                spec:
                  automountServiceAccountToken: false
                  containers: [{name: orders, image: orders}]
            """;

    @TempDir
    Path dir;

    @Test
    void examplesValidateAgainstTheSarifSchema() {
        Run run = CheckCommandTest.run("", "-o", "sarif", "examples/");

        assertThat(run.code()).isEqualTo(1);
        assertValid(run.out());
        JsonNode log = JSON.readTree(run.out());
        JsonNode driver = log.at("/runs/0/tool/driver");
        assertThat(log.path("runs").size()).isEqualTo(1);
        assertThat(driver.path("name").asString()).isEqualTo("dapr-guard");
        assertThat(driver.path("version").asString()).isNotBlank();
        assertThat(driver.path("rules").size()).as("every rule, Helm values check and skip")
                .isEqualTo(Rules.all().size() + DaprValuesLint.IDS.size() + 1);
        JsonNode first = driver.path("rules").get(0);
        assertThat(first.path("id").asString()).isEqualTo("sidecar-resources");
        assertThat(first.at("/shortDescription/text").asString()).isNotBlank();
        assertThat(first.at("/help/text").asString()).contains("dapr.io/sidecar-memory-limit");
        assertThat(first.at("/defaultConfiguration/level").asString()).isEqualTo("error");
        assertThat(log.at("/runs/0/invocations/0/exitCode").asInt()).isEqualTo(1);
        assertThat(log.at("/runs/0/invocations/0/executionSuccessful").asBoolean()).isTrue();
        assertThat(results(log)).contains(
                "sidecar-resources error examples/orders-deployment.yaml:23",
                "sidecar-gomemlimit error examples/orders-deployment.yaml:24");
    }

    @Test
    void thirdDocumentsFindingsSitOnTheLinesOfTheirAnnotations() throws IOException {
        Path file = Files.writeString(dir.resolve("orders.yaml"), MULTI_DOCUMENT);

        Run run = CheckCommandTest.run("", "--output", "sarif", file.toString());

        assertThat(run.code()).isEqualTo(1);
        assertValid(run.out());
        JsonNode log = JSON.readTree(run.out());
        String uri = file.toUri().toString();
        assertThat(results(log)).containsExactly(
                "sidecar-resources error " + uri + ":26",
                "sidecar-gomemlimit error " + uri + ":27",
                "log-level warning " + uri + ":28");
        JsonNode result = log.at("/runs/0/results/0");
        assertThat(result.at("/message/text").asString())
                .startsWith("Deployment shop/orders: dapr.io/sidecar-memory-limit \"1000MB\" is not a Kubernetes");
        assertThat(result.at("/locations/0/logicalLocations/0/fullyQualifiedName").asString())
                .isEqualTo("Deployment shop/orders");
        assertThat(result.at("/relatedLocations/0/physicalLocation/region/startLine").asInt())
                .as("the object starts on line 13").isEqualTo(13);
        assertThat(log.at("/runs/0/tool/driver/rules/" + result.path("ruleIndex").asInt() + "/id").asString())
                .isEqualTo("sidecar-resources");
    }

    @Test
    void aFileThatCannotBeParsedIsAToolNotification() {
        Run run = CheckCommandTest.run("", "-o", "sarif", CheckCommandTest.CLI + "mixed/broken.yaml",
                CheckCommandTest.CLI + "mixed/bad-deployment.yaml");

        assertThat(run.code()).isEqualTo(2);
        assertValid(run.out());
        JsonNode invocation = JSON.readTree(run.out()).at("/runs/0/invocations/0");
        assertThat(invocation.path("executionSuccessful").asBoolean()).isFalse();
        assertThat(invocation.path("exitCode").asInt()).isEqualTo(2);
        JsonNode notification = invocation.at("/toolExecutionNotifications/0");
        assertThat(notification.path("level").asString()).isEqualTo("error");
        assertThat(notification.at("/message/text").asString()).contains("mapping values are not allowed");
        assertThat(notification.at("/locations/0/physicalLocation/artifactLocation/uri").asString())
                .isEqualTo("src/test/resources/cli/mixed/broken.yaml");
        assertThat(notification.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(7);
        assertThat(JSON.readTree(run.out()).at("/runs/0/results").size()).as("the other file is still reported")
                .isPositive();
    }

    @Test
    void skipsAndTheirExpiryAreResultsOfSkip() throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  annotations:
                    dapr.io/enabled: "true"
                    dapr.io/app-id: orders
                    daprguard.io/skip: api-token
                    daprguard.io/skip-until: "%s"
                    daprguard.io/skip-reason: token rollout, OPS-12
                spec:
                  containers: [{name: orders, image: orders}]
                """;
        Path file = Files.writeString(dir.resolve("skips.yaml"), pod.formatted("current", today.plusDays(30))
                + "---\n" + pod.formatted("expired", today.minusDays(1)));

        Run run = CheckCommandTest.run(clock, "", "-o", "sarif", "--rule", "api-token=deny", "--policy",
                policy("api-token").toString(), file.toString());

        assertValid(run.out());
        List<String> messages = new ArrayList<>();
        JSON.readTree(run.out()).at("/runs/0/results").forEach(result -> messages.add(result.path("ruleId").asString()
                + " " + result.path("level").asString() + " " + result.at("/message/text").asString() + " @"
                + result.at("/locations/0/physicalLocation/region/startLine").asInt()));
        assertThat(messages).contains(
                "skip warning Pod default/current: daprguard.io/skip: skipping api-token until 2026-12-24 (reason:"
                        + " token rollout, OPS-12) @8",
                "api-token error Pod default/expired: the Dapr API accepts calls without a token; set"
                        + " dapr.io/api-token-secret to a Secret with key token (the daprguard.io/skip exception"
                        + " expired on 2026-11-23) @21",
                "skip warning Pod default/expired: daprguard.io/skip of api-token expired on 2026-11-23 (reason:"
                        + " token rollout, OPS-12); the rules apply again @21");
        assertThat(run.code()).isEqualTo(1);
    }

    @Test
    void brokenSarifFailsTheSchema() {
        String broken = CheckCommandTest.run("", "-o", "sarif", "examples/").out().replace("\"error\"", "\"fatal\"");

        assertThat(SARIF.validate(broken, InputFormat.JSON)).as("the schema is really applied").isNotEmpty();
    }

    @Test
    void everyRuleHasSummaryAndHelp() {
        assertThat(SarifReport.descriptors(Policy.standard()))
                .allSatisfy(descriptor -> assertThat(descriptor.help()).isNotBlank())
                .hasSize(Rules.all().size() + DaprValuesLint.IDS.size() + 1);
    }

    @Test
    void fileNamesBecomeUriReferences() {
        assertThat(SarifReport.uri("./deploy/my app.yaml")).isEqualTo("deploy/my%20app.yaml");
        assertThat(SarifReport.uri("deploy\\orders.yaml")).isEqualTo("deploy/orders.yaml");
        assertThat(SarifReport.uri("/repo/deploy/orders.yaml")).isEqualTo("file:///repo/deploy/orders.yaml");
    }

    /** A policy file that lets {@code daprguard.io/skip} skip the given rule. */
    private Path policy(String skippable) throws IOException {
        return Files.writeString(dir.resolve("policy.yaml"), "dapr-guard:\n  skippable: [" + skippable + "]\n");
    }

    /** {@code rule level file:line} of every result. */
    private static List<String> results(JsonNode log) {
        List<String> results = new ArrayList<>();
        for (JsonNode result : log.at("/runs/0/results")) {
            JsonNode location = result.at("/locations/0/physicalLocation");
            results.add(result.path("ruleId").asString() + " " + result.path("level").asString() + " "
                    + location.at("/artifactLocation/uri").asString() + ":"
                    + location.at("/region/startLine").asInt());
        }
        return results;
    }

    static void assertValid(String sarif) {
        List<Error> errors = SARIF.validate(sarif, InputFormat.JSON);
        assertThat(errors).as("SARIF 2.1.0 schema errors").isEmpty();
    }

    private static Schema sarifSchema() {
        try (InputStream in = SarifReportTest.class.getResourceAsStream("/schemas/sarif-schema-2.1.0.json")) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

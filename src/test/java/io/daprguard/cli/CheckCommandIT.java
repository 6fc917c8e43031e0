package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar target/dapr-guard.jar check ...} as a real process: exit codes, both report formats, stdin,
 * and nothing on stdout but the report. Runs after {@code package}, so the jar exists.
 */
class CheckCommandIT {

    private static final Path JAR = Path.of("target/dapr-guard.jar");
    private static final String CLI = "src/test/resources/cli/";
    private static final String MIXED = CLI + "mixed";
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String BAD_DEPLOYMENT = """
              Deployment shop/orders (line 2)
                DENY [sidecar-resources] dapr.io/sidecar-memory-limit "1000MB" is not a Kubernetes quantity, so Dapr \
            ignores all four sidecar resource annotations; write "1000Mi" (binary) or "1000M" (decimal)
                would add: [sidecar-resources] dapr.io/sidecar-cpu-request: 100m
                would add: [sidecar-resources] dapr.io/sidecar-cpu-limit: 300m
                would add: [sidecar-resources] dapr.io/sidecar-memory-request: 250Mi
            """;

    /** What a line of the text report may look like: a file, an indented entry, a blank line or the summary. */
    private static final Pattern REPORT_LINE = Pattern.compile(
            "|[^ ].*\\.(yaml|yml|json)|<stdin>|  .*|\\d+ objects? checked, \\d+ denied, \\d+ with warnings,"
                    + " \\d+ not reviewed, \\d+ errors?");

    @TempDir
    Path dir;

    record Run(int code, String out, String err, Duration elapsed) {

        List<String> outLines() {
            return out.lines().toList();
        }
    }

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(JAR).as("run by failsafe after package").isRegularFile();
    }

    @Test
    void mixedDirectoryInTextIsIncompleteBecauseOfTheBrokenFile() throws Exception {
        Run run = check(null, MIXED);

        assertThat(run.code()).as("broken.yaml makes the run incomplete, over the denial").isEqualTo(2);
        assertThat(run.out()).contains(MIXED + "/bad-deployment.yaml\n" + BAD_DEPLOYMENT + "\n");
        assertThat(run.out()).contains(MIXED + "/broken.yaml\n  ERROR line 7: mapping values are not allowed here\n");
        assertThat(run.out()).as("clean and not-reviewed objects are only listed with --verbose")
                .doesNotContain("good-deployment.yaml");
        assertThat(run.outLines().get(run.outLines().size() - 1))
                .matches("\\d+ objects checked, \\d+ denied, \\d+ with warnings, \\d+ not reviewed, 1 error");
        assertThat(run.err()).isEqualTo(MIXED + "/broken.yaml:7: mapping values are not allowed here\n");
    }

    @Test
    void mixedDirectoryInJsonHasTheDocumentedStructure() throws Exception {
        Run run = check(null, "--output", "json", MIXED);

        assertThat(run.code()).isEqualTo(2);
        JsonNode root = JSON.readTree(run.out());
        List<String> files = new ArrayList<>();
        root.path("files").forEach(file -> files.add(file.path("file").asString()));
        assertThat(files).as("sorted").containsExactly(MIXED + "/bad-deployment.yaml", MIXED + "/broken.yaml",
                MIXED + "/good-deployment.yaml", MIXED + "/statestore-component.yaml");

        JsonNode bad = root.path("files").get(0).path("objects").get(0);
        assertThat(bad.path("apiVersion").asString()).isEqualTo("apps/v1");
        assertThat(bad.path("kind").asString()).isEqualTo("Deployment");
        assertThat(bad.path("namespace").asString()).isEqualTo("shop");
        assertThat(bad.path("name").asString()).isEqualTo("orders");
        assertThat(bad.path("line").asInt()).isEqualTo(2);
        assertThat(bad.path("reviewed").asBoolean()).isTrue();
        assertThat(bad.path("denied").asBoolean()).isTrue();
        assertThat(bad.path("findings")).hasSize(1);
        assertThat(bad.path("findings").get(0).path("rule").asString()).isEqualTo("sidecar-resources");
        assertThat(bad.path("findings").get(0).path("level").asString()).isEqualTo("deny");
        assertThat(bad.path("findings").get(0).path("message").asString())
                .startsWith("dapr.io/sidecar-memory-limit \"1000MB\" is not a Kubernetes quantity");
        assertThat(bad.path("mutations").get(0).toString())
                .isEqualTo("{\"rule\":\"sidecar-resources\",\"change\":\"add dapr.io/sidecar-cpu-request: 100m\"}");

        JsonNode broken = root.path("files").get(1);
        assertThat(broken.path("objects")).isEmpty();
        assertThat(broken.path("errors").toString())
                .isEqualTo("[{\"line\":7,\"message\":\"mapping values are not allowed here\"}]");

        JsonNode good = root.path("files").get(2).path("objects");
        assertThat(good).hasSize(2);
        assertThat(good.get(0).path("reviewed").asBoolean()).isTrue();
        assertThat(good.get(0).path("denied").asBoolean()).isFalse();
        assertThat(good.get(0).path("findings")).as("every annotation the rules want").isEmpty();
        assertThat(good.get(0).path("mutations")).isEmpty();
        assertThat(good.get(1).path("kind").asString()).isEqualTo("Service");
        assertThat(good.get(1).path("reviewed").asBoolean()).isFalse();

        JsonNode component = root.path("files").get(3).path("objects").get(0);
        assertThat(component.path("kind").asString()).isEqualTo("Component");
        assertThat(component.path("name").asString()).isEqualTo("statestore");
        assertThat(component.path("reviewed").asBoolean()).isTrue();
        assertThat(component.path("denied").asBoolean()).isTrue();
        assertThat(component.path("mutations")).as("Components are validated only").isEmpty();
        assertThat(component.path("findings").toString())
                .contains("{\"rule\":\"component-secrets\",\"level\":\"deny\",\"message\":\"spec.metadata[1] "
                        + "\\\"redisPassword\\\" has a plaintext value (sensitive in Dapr's state.redis schema); use "
                        + "secretKeyRef: {name: <secret>, key: <key>}\"}")
                .doesNotContain("s3cr3t-plain-text");

        JsonNode summary = root.path("summary");
        assertThat(summary.path("objects").asInt()).isEqualTo(4);
        assertThat(summary.path("denied").asInt()).isEqualTo(2);
        assertThat(summary.path("notReviewed").asInt()).isEqualTo(1);
        assertThat(summary.path("errors").asInt()).isEqualTo(1);
        assertThat(run.err()).isEqualTo(MIXED + "/broken.yaml:7: mapping values are not allowed here\n");
    }

    @Test
    void exitCodesZeroOneAndTwo() throws Exception {
        assertThat(check(null, MIXED + "/good-deployment.yaml").code()).isZero();
        assertThat(check(null, MIXED + "/bad-deployment.yaml").code()).isEqualTo(1);
        assertThat(check(null, MIXED + "/broken.yaml").code()).isEqualTo(2);
    }

    @Test
    void auditModeTurnsExitOneIntoZero() throws Exception {
        Run run = check(null, "--mode", "audit", MIXED + "/bad-deployment.yaml");

        assertThat(run.code()).isZero();
        assertThat(run.out())
                .contains("    WARN [sidecar-resources] would deny: dapr.io/sidecar-memory-limit \"1000MB\"")
                .doesNotContain("DENY")
                .endsWith("1 object checked, 0 denied, 1 with warnings, 0 not reviewed, 0 errors\n");
    }

    @Test
    void ruleAtWarnTurnsExitOneIntoZero() throws Exception {
        Run run = check(null, "--rule", "sidecar-resources=warn", MIXED + "/bad-deployment.yaml");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("    WARN [sidecar-resources] dapr.io/sidecar-memory-limit \"1000MB\"");
    }

    @Test
    void policyFileAppliesItsDaprGuardKeys() throws Exception {
        Run run = check(null, "--policy", CLI + "policy-warn.yaml", MIXED + "/bad-deployment.yaml");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("    WARN [sidecar-resources] ");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void stdinThroughAPipe() throws Exception {
        String manifest = Files.readString(Path.of(MIXED, "bad-deployment.yaml"));

        Run run = check(manifest, "-");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).startsWith("<stdin>\n" + BAD_DEPLOYMENT + "\n");
    }

    @Test
    void helmTemplateStreamOnStdinNamesEachObjectsLineAndSource() throws Exception {
        String stream = Files.readString(Path.of(CLI, "helm-template.yaml"));

        Run run = check(stream, "--verbose", "-");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).startsWith("""
                <stdin>
                  ServiceAccount default/orders (line 3, # Source: orders/templates/serviceaccount.yaml): not reviewed
                  Service default/orders (line 9, # Source: orders/templates/service.yaml): not reviewed
                  Deployment default/orders (line 20, # Source: orders/templates/deployment.yaml)
                    DENY [sidecar-resources] dapr.io/sidecar-memory-limit "1000MB" is not a Kubernetes quantity""");
        assertThat(run.out())
                .contains("  CronJob default/orders-cleanup (line 46, # Source: orders/templates/worker.yaml)\n"
                        + "    WARN [api-token] ")
                .contains("    would add: [sidecar-gomemlimit] GOMEMLIMIT=900MiB to dapr.io/env\n")
                .endsWith("4 objects checked, 1 denied, 1 with warnings, 2 not reviewed, 0 errors\n");
    }

    @Test
    void jsonOutputParsesForEveryKindOfRun() throws Exception {
        for (List<String> args : List.of(List.of(MIXED + "/good-deployment.yaml"), List.of(CLI + "helm-template.yaml"),
                List.of("--mode", "audit", MIXED), List.of("--dapr-values", CLI + "values/mtls-off.yaml"))) {
            List<String> json = new ArrayList<>(List.of("-o", "json"));
            json.addAll(args);
            Run run = check(null, json.toArray(String[]::new));
            JsonNode root = JSON.readTree(run.out());
            assertThat(root.path("files").isArray()).as("%s", args).isTrue();
            assertThat(root.path("summary").path("objects").isInt()).as("%s", args).isTrue();
        }
    }

    @Test
    void daprValuesWithObjectFilesInOneRun() throws Exception {
        Run run = check(null, "--dapr-values", CLI + "values/mtls-off.yaml", MIXED + "/good-deployment.yaml");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains(CLI + "values/mtls-off.yaml\n  HelmValues dapr (line 2)\n"
                + "    DENY [values-mtls] global.mtls.enabled is false")
                .endsWith("3 objects checked, 1 denied, 1 with warnings, 1 not reviewed, 0 errors\n");
    }

    @Test
    void usageErrorsAndMissingPathsExitTwo() throws Exception {
        Run unknown = check(null, "--bogus", MIXED);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.err()).startsWith("dapr-guard check: unknown option '--bogus'\n\nUsage: ");

        Run missing = check(null, "no/such/file.yaml");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("no/such/file.yaml: no such file or directory\n");
    }

    @Test
    void aHandfulOfFilesIsQuickAndStdoutHoldsNothingButTheReport() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("manifests"));
        for (String name : List.of("good-deployment.yaml", "bad-deployment.yaml", "statestore-component.yaml")) {
            Files.copy(Path.of(MIXED, name), copy.resolve(name));
        }
        Files.copy(Path.of(CLI, "helm-template.yaml"), copy.resolve("helm-template.yaml"));
        Files.copy(Path.of("examples/orders-deployment.yaml"), copy.resolve("orders-deployment.yaml"));

        Run run = check(null, "--verbose", copy.toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.outLines()).allSatisfy(line -> assertThat(line).matches(REPORT_LINE));
        assertThat(run.out()).doesNotContain("INFO", "DEBUG", "WARN ---", "SLF4J", "Spring", "Tomcat");
        assertThat(run.err()).as("no logging on stderr either").isEmpty();
        assertThat(run.elapsed()).as("no Spring context, no web server; generous for loaded CI machines")
                .isLessThan(Duration.ofSeconds(30));
    }

    /** Runs the jar; stdin is a pipe fed with {@code stdin} (or closed at once when null). */
    @Test
    void anUnknownOrMisspeltCommandPrintsTheUsageAndNeverStartsTheServer() throws Exception {
        Run misspelt = jar(null, "chek", "examples");
        Run unknown = jar(null, "serve");
        Run export = jar(null, "export", "native");

        assertThat(misspelt.code()).isEqualTo(2);
        assertThat(misspelt.out()).isEmpty();
        assertThat(misspelt.err()).startsWith("dapr-guard: unknown command \"chek\" (did you mean \"check\"?)\n\n"
                + "Usage: java -jar dapr-guard.jar [--NAME=VALUE]...\n");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("dapr-guard: unknown command \"serve\"\n\nUsage:")
                .doesNotContain("Tomcat").doesNotContain("Started");
        assertThat(export.code()).isZero();
        assertThat(export.out()).startsWith("# dapr-guard export native: ").contains("kind: ValidatingAdmissionPolicy");
        assertThat(export.err()).startsWith("dapr-guard export: in part only (the rest of them is left to the webhook): ")
                .contains("\ndapr-guard export: left to the webhook: ").doesNotContain("Tomcat");
    }

    private Run check(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("check"));
        command.addAll(List.of(args));
        return jar(stdin, command.toArray(String[]::new));
    }

    /** {@code java -jar target/dapr-guard.jar ARGS...}. */
    private Run jar(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        File out = Files.createTempFile(dir, "stdout", ".txt").toFile();
        File err = Files.createTempFile(dir, "stderr", ".txt").toFile();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectOutput(out)
                .redirectError(err)
                .start();
        try (OutputStream input = process.getOutputStream()) {
            if (stdin != null) {
                input.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the jar did not finish within " + TIMEOUT + ": " + command);
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Run(process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                Files.readString(err.toPath(), StandardCharsets.UTF_8), elapsed);
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}

package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The composite action ({@code .github/actions/check/action.yml}) and the workflow that runs it on
 * {@code examples/}. GitHub is not here, so the action's shell steps run under bash with a stand-in {@code java}
 * that records its arguments: they must be arguments {@code check} accepts, and the exit code must reach the
 * step outputs and decide the last step.
 */
class GitHubActionTest {

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    static final Path ACTION = Path.of(".github/actions/check/action.yml");
    private static final Path WORKFLOW = Path.of(".github/workflows/dapr-guard-check.yml");

    @TempDir
    Path dir;

    @Test
    void actionIsCompositeAndUploadsSarifToCodeScanning() throws IOException {
        JsonNode action = YAML.readTree(ACTION.toFile());

        assertThat(action.at("/runs/using").asString()).isEqualTo("composite");
        assertThat(action.at("/inputs/format/default").asString()).isEqualTo("sarif");
        assertThat(step(action, "Upload SARIF to code scanning").path("uses").asString())
                .startsWith("github/codeql-action/upload-sarif@");
        assertThat(step(action, "Build dapr-guard.jar from this action's source").path("run").asString())
                .isEqualTo("./mvnw -B -q package -DskipTests");
    }

    @Test
    void workflowRunsTheActionOnTheExamples() throws IOException {
        JsonNode workflow = YAML.readTree(WORKFLOW.toFile());

        JsonNode steps = workflow.at("/jobs/check/steps");
        assertThat(steps.findValuesAsString("uses")).contains("./.github/actions/check");
        assertThat(steps.get(1).at("/with/path").asString()).isEqualTo("examples/");
        assertThat(workflow.at("/permissions/security-events").asString()).isEqualTo("write");
        assertThat(Files.readString(Path.of("README.md"))).contains(ACTION.toString());
    }

    @Test
    void checkStepPassesItsInputsToCheckAndReportsTheExitCode() throws Exception {
        Path args = dir.resolve("args");
        Path outputs = dir.resolve("outputs");
        stubJava("printf '%s\\n' \"$@\" > " + args + "; echo '{\"version\":\"2.1.0\"}'; exit 1");

        int code = runStep("dapr-guard check", Map.of("DAPR_GUARD_JAR", "dapr-guard.jar",
                "CHECK_PATH", "examples/ deploy/app.yaml", "CHECK_FORMAT", "sarif", "CHECK_OUTPUT", "",
                "CHECK_POLICY", "policy.yaml", "CHECK_ARGS", "--mode audit --rule log-level=deny",
                "GITHUB_OUTPUT", outputs.toString()));

        assertThat(code).as("the step itself succeeds; the last step decides").isZero();
        List<String> java = Files.readAllLines(args);
        assertThat(java).containsExactly("-jar", "dapr-guard.jar", "check", "--output", "sarif", "--policy",
                "policy.yaml", "--mode", "audit", "--rule", "log-level=deny", "--", "examples/", "deploy/app.yaml");
        CheckOptions options = CheckOptions.parse(java.subList(3, java.size()).toArray(String[]::new));
        assertThat(options.output()).isEqualTo(CheckOptions.Output.SARIF);
        assertThat(options.paths()).containsExactly("examples/", "deploy/app.yaml");
        assertThat(Files.readAllLines(outputs)).containsExactly("exit-code=1", "report=dapr-guard.sarif");
        assertThat(Files.readString(dir.resolve("dapr-guard.sarif"))).isEqualTo("{\"version\":\"2.1.0\"}\n");
    }

    @Test
    void lastStepFailsOnDenialsUnlessToldNotToAndAlwaysOnUnreadableInput() throws Exception {
        String step = "Fail on deny-level findings or unreadable input";
        assertThat(runStep(step, Map.of("CODE", "0", "FAIL_ON_DENY", "true"))).isZero();
        assertThat(runStep(step, Map.of("CODE", "1", "FAIL_ON_DENY", "true"))).isEqualTo(1);
        assertThat(runStep(step, Map.of("CODE", "1", "FAIL_ON_DENY", "false"))).isZero();
        assertThat(runStep(step, Map.of("CODE", "2", "FAIL_ON_DENY", "false"))).isEqualTo(1);
    }

    private void stubJava(String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!/bin/bash\n" + body + "\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
    }

    /** Runs a step's script as GitHub runs a composite bash step ({@code bash -e -o pipefail}). */
    private int runStep(String name, Map<String, String> env) throws Exception {
        String script = step(YAML.readTree(ACTION.toFile()), name).path("run").asString();
        ProcessBuilder process = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name.replace(' ', '-') + ".log").toFile());
        process.environment().putAll(env);
        process.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        Process running = process.start();
        assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return running.exitValue();
    }

    private static JsonNode step(JsonNode action, String name) {
        for (JsonNode step : action.at("/runs/steps")) {
            if (name.equals(step.path("name").asString())) {
                return step;
            }
        }
        throw new AssertionError("no step '" + name + "' in " + ACTION + "; steps: "
                + Arrays.toString(action.at("/runs/steps").findValuesAsString("name").toArray()));
    }
}

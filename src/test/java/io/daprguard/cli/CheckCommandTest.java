package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.cli.DocumentParser.Format;
import io.daprguard.cli.ManifestReader.Manifest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command in-process: streams, exit codes, messages. {@code CheckCommandIT} runs the real jar. */
class CheckCommandTest {

    static final String CLI = "src/test/resources/cli/";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    @Test
    void helpGoesToStdoutWithExitZero() {
        Run run = run("", "--help");

        assertThat(run.code()).isZero();
        assertThat(run.out()).isEqualTo(CheckOptions.usage());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void usageErrorIsOneLineThenTheUsageOnStderrWithExitTwo() {
        Run run = run("", "--output", "yaml", "x.yaml");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("dapr-guard check: --output 'yaml' is not valid; use text, json, sarif or junit\n\nUsage: ")
                .isEqualTo("dapr-guard check: --output 'yaml' is not valid; use text, json, sarif or junit\n\n"
                        + CheckOptions.usage());
    }

    @Test
    void badPolicyIsOneLineWithExitTwo() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "dapr-guard:\n  mode: strict\n");

        Run run = run("", "--policy", policy.toString(), CLI + "mixed/good-deployment.yaml");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("dapr-guard check: " + policy
                + ": dapr-guard.mode 'strict' is not valid; use enforce or audit\n");
    }

    @Test
    void unknownPolicyKeysAreABadPolicyFile() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), "dapr-guard:\n  mdoe: audit\n");

        Run run = run("", "--policy", policy.toString(), CLI + "mixed/good-deployment.yaml");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("dapr-guard check: " + policy
                + ": dapr-guard.mdoe (line 2) is not a dapr-guard setting\n");
    }

    @Test
    void cleanFilePrintsOnlyTheSummary() {
        Run run = run("", CLI + "mixed/good-deployment.yaml");

        assertThat(run.code()).isZero();
        assertThat(run.out()).isEqualTo("2 objects checked, 0 denied, 0 with warnings, 1 not reviewed, 0 errors\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void deniedFileExitsOne() {
        Run run = run("", CLI + "mixed/bad-deployment.yaml");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("  Deployment shop/orders (line 2)\n    DENY [sidecar-resources] ");
    }

    @Test
    void parseErrorsGoToStderrWithFileAndLineAndMakeTheExitTwo() {
        Run run = run("", CLI + "mixed/bad-deployment.yaml", CLI + "mixed/broken.yaml");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(CLI + "mixed/broken.yaml:7: mapping values are not allowed here\n");
        assertThat(run.out()).contains("DENY [sidecar-resources]", "ERROR line 7: mapping values are not allowed here");
    }

    @Test
    void unquotedAnnotationIsAnErrorWithAHint() throws IOException {
        Path file = Files.writeString(dir.resolve("pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: orders
                  annotations:
                    dapr.io/enabled: true
                spec: {containers: [{name: orders, image: orders}]}
                """);

        Run run = run("", file.toString());

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).isEqualTo(file + ":1: Pod orders: /metadata/annotations/dapr.io~1enabled must be a"
                + " string; annotation values are strings, so quote it (\"true\", \"8080\")\n");
    }

    @Test
    void stdinIsReadForDash() {
        Run run = run("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", "-v", "-");

        assertThat(run.code()).isZero();
        assertThat(run.out()).startsWith("<stdin>\n  Service default/s (line 1): not reviewed\n");
    }

    @Test
    void defaultNamespaceComesFromTheOption() {
        Run run = run("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", "-o", "json", "-n", "shop", "-");

        assertThat(run.out()).contains("\"namespace\": \"shop\"");
    }

    /** The offline check reports Component metadata exactly as the webhook does. */
    @Test
    void componentsAreCheckedAgainstDaprsSchemas() {
        Run run = run("", CLI + "components/first-use.yaml");

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(CLI + "components/first-use.yaml\n"
                + "  Component shop/openai (line 3)\n"
                + "    WARN [component-metadata] spec.metadata[2] \"maxTokens\" is not a field of conversation.openai v1,"
                + " so Dapr ignores it; remove it\n"
                + "  Component shop/invoices (line 20)\n"
                + "    DENY [component-secrets] spec.metadata[3] \"accessKeyID\" has a plaintext value (sensitive in"
                + " Dapr's bindings.alicloud.oss schema); use secretKeyRef: {name: <secret>, key: <key>}\n"
                + "  Component shop/statestore (line 41)\n"
                + "    WARN [component-metadata] spec.metadata[0] \"redisHots\" is not a field of state.redis v1, so Dapr"
                + " ignores it; did you mean redisHost?\n"
                + "\n"
                + "3 objects checked, 1 denied, 2 with warnings, 0 not reviewed, 0 errors\n");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void daprValuesCanBeCheckedAlone() {
        Run production = run("", "--dapr-values", CLI + "values/production.yaml");
        Run mtlsOff = run("", "--dapr-values", CLI + "values/mtls-off.yaml");

        assertThat(production.code()).isZero();
        assertThat(production.out()).isEqualTo("1 object checked, 0 denied, 0 with warnings, 0 not reviewed,"
                + " 0 errors\n");
        assertThat(mtlsOff.code()).isEqualTo(1);
        assertThat(mtlsOff.out()).contains("  HelmValues dapr (line 2)\n    DENY [values-mtls] global.mtls.enabled is"
                + " false");
    }

    @Test
    void anUnexpectedFailureOnOneObjectIsReportedWithItsStackTraceAndTheOthersAreChecked() {
        Manifest manifest = ManifestReader.parse("a.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: first}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: second}
                """, Format.YAML);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        FileReport report = CheckCommand.check(object -> {
            if (object.line() == 1) {
                throw new IllegalStateException("boom");
            }
            return ObjectReport.notReviewed(object.apiVersion(), object.kind(), "default", "second", 5, null);
        }, manifest, new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(report.objects()).hasSize(1);
        assertThat(report.errors()).containsExactly(InputError.at(1,
                "Pod first: internal error in dapr-guard (IllegalStateException); not checked"));
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("dapr-guard check: internal error while checking Pod first in a.yaml; please report it")
                .contains("java.lang.IllegalStateException: boom", "\tat ");
    }

    static Run run(String stdin, String... args) {
        return run(Clock.systemUTC(), stdin, args);
    }

    /** Runs the command in-process on the given standard input, with "now" from the clock. */
    static Run run(Clock clock, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int code = CheckCommand.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), clock);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

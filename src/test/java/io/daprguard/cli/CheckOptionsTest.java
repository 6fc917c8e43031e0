package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.daprguard.cli.CheckOptions.Output;
import io.daprguard.policy.Mode;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Option parsing: every option in both forms, and a clear message for everything wrong. */
class CheckOptionsTest {

    @Test
    void defaults() throws UsageException {
        CheckOptions options = CheckOptions.parse("deploy/");

        assertThat(options.paths()).containsExactly("deploy/");
        assertThat(options.output()).isEqualTo(Output.TEXT);
        assertThat(options.mode()).as("null: the policy's mode").isNull();
        assertThat(options.rules()).isEmpty();
        assertThat(options.policy()).isNull();
        assertThat(options.namespace()).isEqualTo("default");
        assertThat(options.verbose()).isFalse();
        assertThat(options.help()).isFalse();
        assertThat(options.daprValues()).isEmpty();
    }

    @Test
    void everyOptionWithSeparateAndInlineValues() throws UsageException {
        CheckOptions options = CheckOptions.parse("a.yaml", "--output", "json", "--mode=audit",
                "--rule", "sidecar-resources=warn", "--rule=log-level=deny", "--policy", "policy.yaml",
                "--namespace=shop", "--dapr-values", "values.yaml", "-v", "-", "b.yaml");

        assertThat(options.paths()).containsExactly("a.yaml", "-", "b.yaml");
        assertThat(options.output()).isEqualTo(Output.JSON);
        assertThat(options.mode()).isEqualTo(Mode.AUDIT);
        assertThat(options.rules()).containsExactly(Map.entry("sidecar-resources", "warn"),
                Map.entry("log-level", "deny"));
        assertThat(options.policy()).isEqualTo(Path.of("policy.yaml"));
        assertThat(options.namespace()).isEqualTo("shop");
        assertThat(options.daprValues()).containsExactly("values.yaml");
        assertThat(options.verbose()).isTrue();
    }

    @Test
    void shortOptions() throws UsageException {
        CheckOptions options = CheckOptions.parse("-o", "json", "-n", "shop", "x.yaml");

        assertThat(options.output()).isEqualTo(Output.JSON);
        assertThat(options.namespace()).isEqualTo("shop");
    }

    @Test
    void offIsAnActionAndFalseMeansOffAsInYaml() throws UsageException {
        assertThat(CheckOptions.parse("--rule", "api-token=off", "--rule", "app-token=false", "x").rules())
                .containsExactly(Map.entry("api-token", "off"), Map.entry("app-token", "off"));
    }

    @Test
    void doubleDashEndsOptions() throws UsageException {
        assertThat(CheckOptions.parse("--", "--weird-name.yaml", "-x").paths())
                .containsExactly("--weird-name.yaml", "-x");
    }

    @Test
    void helpWinsOverEverythingElse() throws UsageException {
        assertThat(CheckOptions.parse("--bogus", "-h").help()).isTrue();
        assertThat(CheckOptions.parse("--help").help()).isTrue();
    }

    @Test
    void valuesFileAloneIsEnough() throws UsageException {
        assertThat(CheckOptions.parse("--dapr-values", "values.yaml").paths()).isEmpty();
    }

    @Test
    void usageErrors() {
        assertUsageError(List.of(),
                "nothing to check; give a FILE, a DIR or - (standard input), or --dapr-values FILE");
        assertUsageError(List.of("--bogus", "x"), "unknown option '--bogus'");
        assertUsageError(List.of("-x", "x"), "unknown option '-x'");
        assertUsageError(List.of("x", "--output"), "--output needs a value: text, json, sarif or junit");
        assertUsageError(List.of("x", "--output", "--verbose"), "--output needs a value: text, json, sarif or junit");
        assertUsageError(List.of("x", "--output", "yaml"), "--output 'yaml' is not valid; use text, json, sarif or junit");
        assertUsageError(List.of("x", "--mode", "strict"), "--mode 'strict' is not valid; use enforce or audit");
        assertUsageError(List.of("x", "--mode="), "--mode needs a value: enforce or audit");
        assertUsageError(List.of("x", "--rule", "sidecar-resources"),
                "--rule 'sidecar-resources' is not valid; use ID=ACTION, e.g. sidecar-resources=warn");
        assertUsageError(List.of("x", "--rule", "sidecar-resource=warn"),
                "--rule sidecar-resource=warn: unknown rule 'sidecar-resource'; the rules are sidecar-resources,");
        assertUsageError(List.of("x", "--rule", "log-level=maybe"),
                "--rule log-level=maybe: action 'maybe' is not valid; use deny, warn or off");
        assertUsageError(List.of("x", "--namespace", "Shop"), "--namespace 'Shop' is not a valid namespace name");
        assertUsageError(List.of("x", "--verbose=yes"), "--verbose takes no value");
        assertUsageError(List.of("-", "-"), "- (standard input) is given more than once");
    }

    @Test
    void usageListsTheOptionsTheRulesAndTheExitCodes() {
        String usage = CheckOptions.usage();

        assertThat(usage).startsWith("Usage: java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...\n")
                .contains("--output FORMAT", "--mode enforce|audit", "--rule ID=ACTION", "--policy FILE",
                        "--namespace NS", "--dapr-values FILE", "--verbose", "--help")
                .contains("Rules: sidecar-resources, sidecar-gomemlimit,")
                .contains("Helm values checks: values-mtls, values-ha, values-resources,")
                .contains("  1  at least one deny-level finding")
                .endsWith("\n");
        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(110));
        for (Rule rule : Rules.all()) {
            assertThat(usage).as("every rule is listed").containsPattern(" " + rule.id() + "(,|\n)");
        }
        for (String check : DaprValuesLint.IDS) {
            assertThat(usage).as("every values check is listed").containsPattern(" " + check + "(,|\n)");
        }
    }

    private static void assertUsageError(List<String> args, String message) {
        assertThatThrownBy(() -> CheckOptions.parse(args.toArray(String[]::new)))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void recommendNeedsTheClusterAndWritesTextJsonOrPatch() throws UsageException {
        CheckOptions options = CheckOptions.parse("--cluster", "--recommend", "--prometheus", "http://prom:9090", "-o",
                "patch");
        assertThat(options.cluster().recommend()).isTrue();
        assertThat(options.cluster().prometheus()).isEqualTo("http://prom:9090");
        assertThat(options.output()).isEqualTo(Output.PATCH);
        assertThat(CheckOptions.parse("--cluster").cluster().recommend()).isFalse();
        assertThatThrownBy(() -> CheckOptions.parse("--recommend"))
                .hasMessage("--recommend needs --cluster");
        assertThatThrownBy(() -> CheckOptions.parse("--cluster", "--prometheus", "x"))
                .hasMessage("--prometheus needs --recommend");
        assertThatThrownBy(() -> CheckOptions.parse("--cluster", "--recommend", "-o",
                "sarif")).hasMessage("--recommend writes text, json or patch, not sarif");
        assertThatThrownBy(() -> CheckOptions.parse("-o", "patch", "x.yaml"))
                .hasMessage("--output patch needs --cluster --recommend");
        assertThatThrownBy(() -> CheckOptions.parse("--cluster", "--recommend=yes"))
                .hasMessage("--recommend takes no value");
    }
}

package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The server's dapr-guard keys, bound without a Spring context, with the server's defaults and checks. */
class PolicyLoaderTest {

    @TempDir
    Path dir;

    @Test
    void withoutAFileThePolicyIsWhatTheBinderMakesOfTheServersDefaults() throws Exception {
        Policy bound = bind(Map.of());

        assertThat(PolicyLoader.load(null, Map.of())).isEqualTo(bound).isEqualTo(Policy.standard());
    }

    @Test
    void withoutAFileRuleOverridesMeanWhatTheyMeanToTheBinder() throws Exception {
        Map<String, String> rules = Map.of("sidecar-resources", "warn", "api-token", "off", "log-level", "deny");

        Policy policy = PolicyLoader.load(null, rules);

        assertThat(policy).isEqualTo(bind(PolicyLoader.overrides(rules)));
        assertThat(policy.action("sidecar-resources")).isEqualTo(Action.WARN);
        assertThat(policy.skippable()).as("unset: the rules at warn, after the overrides")
                .contains("sidecar-resources").doesNotContain("log-level", "api-token");
    }

    @Test
    void fileKeysApplyWithRelaxedNamesAndOnlyTheDaprGuardPart() throws Exception {
        Path file = write("""
                server:
                  port: 8443
                dapr-guard:
                  mode: audit
                  mutateTemplates: true
                  rules:
                    log-level: deny
                    api-token: off
                  skippable: [app-id, log-level]
                  sidecar:
                    memory-limit: 2Gi
                    gomemlimit-percent: 80
                  tls:
                    dir: /etc/certs
                """);

        Policy policy = PolicyLoader.load(file, Map.of());

        assertThat(policy.mode()).isEqualTo(Mode.AUDIT);
        assertThat(policy.mutateTemplates()).isTrue();
        assertThat(policy.action("log-level")).isEqualTo(Action.DENY);
        assertThat(policy.action("api-token")).isEqualTo(Action.OFF);
        assertThat(policy.skippable()).containsExactlyInAnyOrder("app-id", "log-level");
        assertThat(policy.defaults().memoryLimit().text()).isEqualTo("2Gi");
        assertThat(policy.defaults().gomemlimitPercent()).isEqualTo(80);
    }

    @Test
    void ruleOverridesWinOverTheFile() throws Exception {
        Path file = write("dapr-guard:\n  rules:\n    sidecar-resources: warn\n");

        Policy policy = PolicyLoader.load(file, Map.of("sidecar-resources", "off"));

        assertThat(policy.action("sidecar-resources")).isEqualTo(Action.OFF);
    }

    @Test
    void unknownKeysAreAnErrorNamingEachKeyAndItsLine() throws Exception {
        Path file = write("""
                dapr-guard:
                  rule:
                    log-level: deny
                  sidecar:
                    cpu-limt: 1
                  skippable: [app-id]
                """);

        assertThatThrownBy(() -> PolicyLoader.load(file, Map.of()))
                .isInstanceOf(PolicyLoader.PolicyException.class)
                .hasMessage(file + ": dapr-guard.rule.log-level (line 3), dapr-guard.sidecar.cpu-limt (line 5) are not"
                        + " dapr-guard settings");
    }

    @Test
    void badValuesAreNamedWithTheServersMessages() throws IOException {
        assertPolicyError("dapr-guard:\n  mode: strict\n",
                "dapr-guard.mode 'strict' is not valid; use enforce or audit");
        assertPolicyError("dapr-guard:\n  mutate-templates: maybe\n",
                "dapr-guard.mutate-templates 'maybe' is not valid; use true or false");
        assertPolicyError("dapr-guard:\n  sidecar:\n    memory-limit: 1000MB\n",
                "sidecar default memory-limit '1000MB' is not a valid Kubernetes quantity (e.g. 100m, 1000Mi)");
        assertPolicyError("dapr-guard:\n  sidecar:\n    cpu-request: 500m\n",
                "sidecar default cpu-request 500m is above the default cpu-limit 300m");
        assertPolicyError("dapr-guard:\n  rules:\n    sidecar-resource: warn\n",
                "unknown rule action 'sidecar-resource'; the rules are [");
        assertPolicyError("dapr-guard:\n  rules:\n    log-level: maybe\n",
                "unknown rule action 'maybe'; use deny, warn or off");
        assertPolicyError("dapr-guard:\n  sidecar:\n    gomemlimit-percent: lots\n",
                "dapr-guard.sidecar.gomemlimit-percent 'lots' is not valid; use a whole number");
    }

    @Test
    void aFileWithoutDaprGuardKeysIsAnError() throws IOException {
        Path file = write("rules:\n  log-level: deny\n");

        assertThatThrownBy(() -> PolicyLoader.load(file, Map.of()))
                .isInstanceOf(PolicyLoader.PolicyException.class)
                .hasMessageStartingWith(file + ": no top-level 'dapr-guard:' map");
    }

    @Test
    void brokenOrMissingFileIsAnError() throws IOException {
        Path broken = write("dapr-guard:\n  mode: [audit\n");
        Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> PolicyLoader.load(broken, Map.of()))
                .hasMessage(broken + ":2: while parsing a flow sequence: expected ',' or ']', but got <stream end>");
        assertThatThrownBy(() -> PolicyLoader.load(missing, Map.of()))
                .hasMessage(missing + ": no such file");
    }

    @Test
    void profileSpecificDocumentsAreSkipped() throws Exception {
        Path file = write("""
                dapr-guard:
                  mode: enforce
                ---
                spring:
                  config:
                    activate:
                      on-profile: dev
                dapr-guard:
                  mode: audit
                """);

        assertThat(PolicyLoader.load(file, Map.of()).mode()).isEqualTo(Mode.ENFORCE);
    }

    private void assertPolicyError(String yaml, String message) throws IOException {
        Path file = write(yaml);
        assertThatThrownBy(() -> PolicyLoader.load(file, Map.of()))
                .isInstanceOf(PolicyLoader.PolicyException.class)
                .hasMessageStartingWith(file + ": " + message);
    }

    private static Policy bind(Map<String, Object> properties) throws PolicyLoader.PolicyException {
        return PolicyLoader.bind(List.of(new MapConfigurationPropertySource(properties)), "test").toPolicy();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "policy", ".yaml"), yaml);
    }
}

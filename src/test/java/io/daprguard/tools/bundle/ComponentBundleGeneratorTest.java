package io.daprguard.tools.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bundle generator on a small checkout of both repositories made for it
 * ({@code src/test/resources/bundle-generator}): every source of names, and the checks that keep the hand-kept list
 * honest across releases.
 */
class ComponentBundleGeneratorTest {

    private static final Path ROOT = Path.of("src/test/resources/bundle-generator");
    private static final Path CONTRIB = ROOT.resolve("contrib");
    private static final Path DAPR = ROOT.resolve("dapr");
    private static final Path READS = ROOT.resolve("reads.yaml");

    private static JsonNode generate(Path reads) {
        return JsonMapper.builder().build().readTree(ComponentBundleGenerator.generate(CONTRIB, DAPR, reads));
    }

    private static JsonNode component(JsonNode bundle, String type) {
        for (JsonNode c : bundle.path("components")) {
            if (c.path("type").asString().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no component " + type);
    }

    private static List<String> values(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(field == null ? n.asString() : n.path(field).asString()));
        return values;
    }

    @Test
    void theSameInputGivesTheSameBytes() {
        assertThat(ComponentBundleGenerator.generate(CONTRIB, DAPR, READS))
                .isEqualTo(ComponentBundleGenerator.generate(CONTRIB, DAPR, READS));
    }

    @Test
    void schemasComeFromMetadataYamlWithDefaultsAndImplicitFields() {
        JsonNode ledger = component(generate(READS), "state.ledger");
        assertThat(ledger.path("path").asString()).isEqualTo("state/ledger/metadata.yaml");
        assertThat(values(ledger.path("metadata"), "name")).containsExactly("tableName", "timeout", "region",
                "outboxPublishPubsub", "outboxPublishTopic", "outboxPubsub", "outboxDiscardWhenMissingState",
                "keyPrefix");
        JsonNode table = ledger.path("metadata").get(0);
        assertThat(table.path("type").asString()).isEqualTo("string");
        assertThat(table.path("required").asBoolean()).isFalse();
        assertThat(ledger.path("metadata").get(1).path("default").asString()).isEmpty();
        assertThat(ledger.path("authenticationProfiles").get(0).path("metadata").get(0).path("example").asString())
                .isEqualTo("\"host=ledger\"");
        JsonNode mailer = component(generate(READS), "bindings.mailer");
        assertThat(values(mailer.path("metadata"), "name")).containsExactly("emailFrom", "direction", "route");
        assertThat(values(mailer.path("directions"), null)).containsExactly("input", "output");
    }

    @Test
    void typeNamesAndVersionsComeFromTheRuntimesRegistrations() {
        JsonNode bundle = generate(READS);
        JsonNode ledger = component(bundle, "state.ledger");
        assertThat(values(ledger.path("typeAliases"), null)).containsExactly("state.books");
        assertThat(values(ledger.path("runtimeVersions"), null)).containsExactly("v2");
        assertThat(values(component(bundle, "bindings.mailer").path("typeAliases"), null))
                .containsExactly("bindings.mail.sender");
        // registered without a schema: known to the runtime; a file built only with another tag is not registered
        assertThat(values(bundle.path("registeredWithoutSchema"), "type")).containsExactly("secretstores.vault");
    }

    @Test
    void aliasesComeFromStructTagsPropertyLookupsAndTheAzureTables() {
        JsonNode ledger = component(generate(READS), "state.ledger");
        assertThat(values(ledger.path("aliases"), "name")).containsExactly("clientId", "location", "spnClientId",
                "storageAccount", "storageAccountName", "timeoutInSeconds");
        assertThat(values(ledger.path("aliases"), "field")).containsExactly("azureClientId", "region",
                "azureClientId", "accountName", "accountName", "timeout");
        assertThat(ledger.path("aliases").get(5).path("source").asString())
                .isEqualTo("state/ledger/ledger.go:11 (mapstructurealiases)");
    }

    @Test
    void namesOnlyTheCodeReadsAreKeptAndCommentsAndTestsAreNot() {
        JsonNode bundle = generate(READS);
        assertThat(values(component(bundle, "state.ledger").path("codeReads"), "name")).containsExactly(
                "accountName", "archivePath", "backOffMaxRetries", "backOffPolicy", "shardCount", "ttl",
                "ttlInSeconds");
        assertThat(values(component(bundle, "bindings.mailer").path("codeReads"), "name"))
                .containsExactly("smtpRelay");
    }

    @Test
    void theHandKeptListAddsRuntimeNamesLegacyNamesPatternsAndRequirements() {
        JsonNode bundle = generate(READS);
        assertThat(bundle.path("runtimeMetadata").path("bindings").get(0).path("name").asString())
                .isEqualTo("direction");
        JsonNode ledger = component(bundle, "state.ledger");
        assertThat(ledger.path("legacy").get(0).path("replacement").asString()).isEqualTo("table");
        assertThat(ledger.path("namePatterns").get(0).path("pattern").asString()).isEqualTo("shard\\.\\d+");
        assertThat(values(ledger.path("requirements"), "field")).containsExactly("region", "connectionString");
        assertThat(ledger.path("requirements").get(1).path("profile").asString()).isEqualTo("Connection string");
        assertThat(ledger.path("requirements").get(1).path("enforced").asBoolean()).isFalse();
        JsonNode values = component(bundle, "bindings.mailer").path("values");
        assertThat(values(values, "field")).containsExactly("emailFrom");
        assertThat(values.get(0).path("otherValue").asString()).isEqualTo("passthrough");
    }

    @Test
    void aFieldWithAllowedValuesButNoEntryStopsTheGenerator(@TempDir Path dir) throws IOException {
        Path reads = dir.resolve("reads.yaml");
        Files.writeString(reads, Files.readString(READS).replace("    field: emailFrom\n    accepted",
                "    field: emailTo\n    accepted"));
        assertThatThrownBy(() -> generate(reads)).isInstanceOf(IllegalStateException.class)
                .hasMessage("bindings.mailer v1: the field emailFrom lists allowedValues but has no entry under values "
                        + "in tools/component-bundle/dapr-reads.yaml; read how the code compares it and add one");
    }

    @Test
    void aRequiredFieldWithoutAnEntryStopsTheGenerator(@TempDir Path dir) throws IOException {
        Path reads = dir.resolve("reads.yaml");
        Files.writeString(reads, Files.readString(READS).replaceAll("(?m)^  - \\{type: state.ledger, version: v1, "
                + "field: region.*\\n", ""));
        assertThatThrownBy(() -> generate(reads)).isInstanceOf(IllegalStateException.class)
                .hasMessage("state.ledger v1: the required field region has no entry under requirements in "
                        + "tools/component-bundle/dapr-reads.yaml; read the component's Init and add one");
    }

    @Test
    void anEntryThatMatchesNothingStopsTheGenerator(@TempDir Path dir) throws IOException {
        Path reads = dir.resolve("reads.yaml");
        Files.writeString(reads, Files.readString(READS).replace("types: [bindings.mailer]\n    names: [smtpRelay]",
                "types: [bindings.mailer-renamed]\n    names: [smtpRelay]"));
        assertThatThrownBy(() -> generate(reads)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("entries of tools/component-bundle/dapr-reads.yaml that match no component or "
                        + "field (renamed or removed in this release?): undocumented[0]");
    }

    @Test
    void goSourceIsReadWithoutItsComments() {
        String code = GoPackage.withoutComments("a := \"// not a comment\" // comment\n/* x\ny */ b := `/*raw*/`");
        assertThat(code).isEqualTo("a := \"// not a comment\"           \n    \n     b := `/*raw*/`");
        assertThat(GoPackage.arguments("f(a, g(b, c), \"x,y\", `z)`) + 1", 2))
                .containsExactly("a", "g(b, c)", "\"x,y\"", "`z)`");
        assertThat(GoPackage.literal("\"name\"")).isEqualTo("name");
        assertThat(GoPackage.literal("keyName")).isNull();
    }

    @Test
    void buildConstraintsAreEvaluatedWithTheAllComponentsTag(@TempDir Path dir) throws IOException {
        assertThat(holds(dir, "allcomponents || stablecomponents")).isTrue();
        assertThat(holds(dir, "allcomponents")).isTrue();
        assertThat(holds(dir, "!allcomponents && !stablecomponents")).isFalse();
        assertThat(holds(dir, "unit && (allcomponents || stablecomponents)")).isFalse();
        assertThat(holds(dir, "state_spiffeprobe")).isFalse();
        Path none = dir.resolve("none.go");
        Files.writeString(none, "package components\n");
        assertThat(Registrations.builtWithAllComponents(none)).isTrue();
    }

    private static boolean holds(Path dir, String constraint) throws IOException {
        Path file = dir.resolve("f.go");
        Files.writeString(file, "//go:build " + constraint + "\n\npackage components\n");
        return Registrations.builtWithAllComponents(file);
    }
}

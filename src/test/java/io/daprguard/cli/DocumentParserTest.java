package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.daprguard.cli.DocumentParser.Document;
import io.daprguard.cli.DocumentParser.Format;
import io.daprguard.cli.DocumentParser.Result;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** YAML and JSON text to documents with their lines; syntax errors named with their line. */
class DocumentParserTest {

    @Test
    void multiDocumentYamlGivesEachDocumentItsStartingLine() {
        Result result = DocumentParser.parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: b}
                """, Format.YAML);

        assertThat(result.errors()).isEmpty();
        assertThat(result.documents()).extracting(Document::line).containsExactly(1, 5);
        assertThat(result.documents()).extracting(d -> d.node().path("metadata").path("name").asString())
                .containsExactly("a", "b");
    }

    @Test
    void emptyDocumentsAndCommentOnlyDocumentsAreSkipped() {
        Result result = DocumentParser.parse("""
                ---
                ---
                # nothing here
                ---

                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                """, Format.YAML);

        assertThat(result.errors()).isEmpty();
        assertThat(result.documents()).singleElement().satisfies(d -> assertThat(d.line()).isEqualTo(7));
    }

    @Test
    void emptyTextHasNoDocuments() {
        assertThat(DocumentParser.parse("", Format.YAML).documents()).isEmpty();
        assertThat(DocumentParser.parse("# only a comment\n", Format.AUTO).documents()).isEmpty();
    }

    @Test
    void helmTemplateSourceCommentsAreKeptWithTheirDocument() {
        Result result = DocumentParser.parse("""
                ---
                # Source: orders/templates/service.yaml
                apiVersion: v1
                kind: Service
                metadata:
                  name: orders
                ---
                # Source: orders/templates/empty.yaml
                ---
                # Source: orders/templates/deployment.yaml
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: orders
                """, Format.YAML);

        assertThat(result.errors()).isEmpty();
        assertThat(result.documents()).extracting(Document::line, Document::source).containsExactly(
                tuple(3, "orders/templates/service.yaml"),
                tuple(11, "orders/templates/deployment.yaml"));
    }

    @Test
    void brokenDocumentIsNamedWithItsLineAndTheOthersAreStillRead() {
        Result result = DocumentParser.parse("""
                apiVersion: v1
                kind: ConfigMap
                ---
                apiVersion: v1
                kind: ConfigMap
                data:
                  greeting: hello: world
                ---
                apiVersion: v1
                kind: Secret
                """, Format.YAML);

        assertThat(result.errors()).containsExactly(InputError.at(7, "mapping values are not allowed here"));
        assertThat(result.documents()).extracting(d -> d.node().path("kind").asString())
                .containsExactly("ConfigMap", "Secret");
        assertThat(result.documents()).extracting(Document::line).containsExactly(1, 9);
    }

    @Test
    void multiLineYamlErrorsBecomeOneLine() {
        Result result = DocumentParser.parse("a: [1, 2\nb: 3\n", Format.YAML);

        assertThat(result.errors()).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(2);
            assertThat(error.message()).isEqualTo("while parsing a flow sequence: expected ',' or ']', but got :")
                    .doesNotContain("\n");
        });
    }

    @Test
    void unterminatedQuoteIsNamedWhereItStarts() {
        Result result = DocumentParser.parse("a: 1\nb: 'open\nc: 2\n", Format.YAML);

        assertThat(result.errors()).containsExactly(InputError.at(2,
                "while scanning a quoted scalar: found unexpected end of stream"));
    }

    @Test
    void tabIndentationIsAnError() {
        Result result = DocumentParser.parse("metadata:\n\tname: x\n", Format.YAML);

        assertThat(result.errors()).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(2);
            assertThat(error.message()).contains("cannot start any token");
        });
    }

    @Test
    void duplicateKeysAreAnError() {
        Result result = DocumentParser.parse("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: a
                  name: b
                """, Format.YAML);

        assertThat(result.errors()).containsExactly(InputError.at(5, "duplicate key \"name\""));
    }

    @Test
    void anchorsAliasesAndMergeKeysAreResolved() {
        Result result = DocumentParser.parse("""
                defaults: &defaults
                  dapr.io/enabled: "true"
                annotations:
                  <<: *defaults
                  dapr.io/app-id: orders
                copy: *defaults
                """, Format.YAML);

        assertThat(result.errors()).isEmpty();
        Document document = result.documents().get(0);
        assertThat(document.node().path("annotations").path("dapr.io/enabled").asString()).isEqualTo("true");
        assertThat(document.node().path("annotations").path("dapr.io/app-id").asString()).isEqualTo("orders");
        assertThat(document.node().path("copy").path("dapr.io/enabled").asString()).isEqualTo("true");
    }

    @Test
    void listItemsCarryTheirOwnLines() {
        Result result = DocumentParser.parse("""
                apiVersion: v1
                kind: List
                items:
                  - apiVersion: v1
                    kind: Service
                  - apiVersion: v1
                    kind: ConfigMap
                """, Format.YAML);

        assertThat(result.documents()).singleElement()
                .satisfies(d -> assertThat(d.itemLines()).containsExactly(4, 6));
    }

    @Test
    void jsonDocumentsHaveLinesToo() {
        Result result = DocumentParser.parse("""
                {"apiVersion": "v1", "kind": "ConfigMap"}
                {
                  "apiVersion": "v1",
                  "kind": "List",
                  "items": [
                    {"apiVersion": "v1", "kind": "Service"},
                    {"apiVersion": "v1", "kind": "Secret"}
                  ]
                }
                """, Format.JSON);

        assertThat(result.errors()).isEmpty();
        assertThat(result.documents()).extracting(Document::line).containsExactly(1, 2);
        assertThat(result.documents().get(1).itemLines()).containsExactly(6, 7);
    }

    @Test
    void brokenJsonIsNamedWithItsLine() {
        Result result = DocumentParser.parse("{\n  \"apiVersion\": \"v1\",\n  \"kind\": }\n", Format.JSON);

        assertThat(result.errors()).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(3);
            assertThat(error.message()).startsWith("Unexpected character");
        });
    }

    @Test
    void autoReadsJsonAsJsonAndYamlAsYaml() {
        assertThat(DocumentParser.parse("  {\"kind\": \"Pod\"}", Format.AUTO).documents())
                .singleElement().satisfies(d -> assertThat(d.node().path("kind").asString()).isEqualTo("Pod"));
        assertThat(DocumentParser.parse("{kind: Pod}", Format.AUTO).documents())
                .as("a YAML flow mapping is not JSON, but is still read")
                .singleElement().satisfies(d -> assertThat(d.node().path("kind").asString()).isEqualTo("Pod"));
        assertThat(DocumentParser.parse("kind: Pod", Format.AUTO).documents()).hasSize(1);
    }

    @Test
    void byteOrderMarkAndWindowsLineEndingsAreFine() {
        Result result = DocumentParser.parse("\uFEFFkind: A\r\n---\r\nkind: B\r\n", Format.YAML);

        assertThat(result.errors()).isEmpty();
        assertThat(result.documents()).extracting(Document::line).containsExactly(1, 3);
    }

    @Test
    void documentEndMarkerStartsANewDocument() {
        Result result = DocumentParser.parse("kind: A\n...\n%YAML 1.2\n---\nkind: B\n", Format.YAML);

        assertThat(result.errors()).isEmpty();
        assertThat(result.documents()).extracting(d -> d.node().path("kind").asString()).containsExactly("A", "B");
        assertThat(result.documents()).extracting(Document::line).containsExactly(1, 5);
    }

    @Test
    void yaml12ScalarsYesAndOnAreStrings() {
        Result result = DocumentParser.parse("a: yes\nb: on\nc: true\nd: 8080\n", Format.YAML);

        JsonNode node = result.documents().get(0).node();
        assertThat(node.path("a").isString()).isTrue();
        assertThat(node.path("b").isString()).isTrue();
        assertThat(node.path("c").isBoolean()).isTrue();
        assertThat(node.path("d").isNumber()).isTrue();
    }
}

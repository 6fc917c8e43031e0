package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.daprguard.cli.DocumentParser.Format;
import io.daprguard.cli.ManifestReader.KubeObject;
import io.daprguard.cli.ManifestReader.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files, directories and stdin to Kubernetes objects; anything else is an error with its line. */
class ManifestReaderTest {

    @TempDir
    Path dir;

    @Test
    void listIsExpandedIntoItsItemsWithTheirLines() {
        Manifest manifest = ManifestReader.parse("list.yaml", """
                apiVersion: v1
                kind: List
                items:
                  - apiVersion: v1
                    kind: Service
                    metadata: {name: orders}
                  - apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: orders}
                """, Format.YAML);

        assertThat(manifest.errors()).isEmpty();
        assertThat(manifest.objects()).extracting(KubeObject::line, KubeObject::apiVersion, KubeObject::kind)
                .containsExactly(tuple(4, "v1", "Service"), tuple(7, "apps/v1", "Deployment"));
    }

    @Test
    void typedListItemsWithoutApiVersionAndKindTakeThemFromTheList() {
        Manifest manifest = ManifestReader.parse("deployments.json", """
                {"apiVersion": "apps/v1", "kind": "DeploymentList", "items": [
                  {"metadata": {"name": "orders"}}
                ]}
                """, Format.JSON);

        assertThat(manifest.errors()).isEmpty();
        assertThat(manifest.objects()).extracting(KubeObject::line, KubeObject::apiVersion, KubeObject::kind)
                .containsExactly(tuple(2, "apps/v1", "Deployment"));
    }

    @Test
    void emptyListHasNoObjectsAndNoErrors() {
        Manifest manifest = ManifestReader.parse("empty.yaml", "apiVersion: v1\nkind: List\nitems: []\n",
                Format.YAML);

        assertThat(manifest.objects()).isEmpty();
        assertThat(manifest.errors()).isEmpty();
    }

    @Test
    void aKindEndingInListWithoutItemsIsAnOrdinaryObject() {
        Manifest manifest = ManifestReader.parse("allow.yaml", "apiVersion: example.com/v1\nkind: AllowList\n",
                Format.YAML);

        assertThat(manifest.objects()).extracting(KubeObject::kind).containsExactly("AllowList");
    }

    @Test
    void documentsThatAreNotKubernetesObjectsAreErrorsWithTheirLines() {
        Manifest manifest = ManifestReader.parse("values.yaml", """
                replicaCount: 3
                ---
                - a
                - b
                ---
                apiVersion: v1
                ---
                kind: Pod
                ---
                just a string
                ---
                apiVersion: v1
                kind: List
                items:
                  - 42
                  - {name: no-kind}
                """, Format.YAML);

        assertThat(manifest.objects()).isEmpty();
        assertThat(manifest.errors()).containsExactly(
                InputError.at(1, "not a Kubernetes object: it has no apiVersion and no kind"),
                InputError.at(3, "not a Kubernetes object: the document is a sequence, not a mapping with"
                        + " apiVersion and kind"),
                InputError.at(6, "not a Kubernetes object: it has no kind"),
                InputError.at(8, "not a Kubernetes object: it has no apiVersion"),
                InputError.at(10, "not a Kubernetes object: the document is a string, not a mapping with"
                        + " apiVersion and kind"),
                InputError.at(15, "not a Kubernetes object: the document is a number, not a mapping with"
                        + " apiVersion and kind"),
                InputError.at(16, "not a Kubernetes object: it has no apiVersion and no kind"));
    }

    @Test
    void objectsAndErrorsOfOneFileAreBothKept() {
        Manifest manifest = ManifestReader.parse("mixed.yaml", """
                apiVersion: v1
                kind: Service
                ---
                bad: yaml: here
                ---
                apiVersion: v1
                kind: ConfigMap
                """, Format.YAML);

        assertThat(manifest.objects()).extracting(KubeObject::kind).containsExactly("Service", "ConfigMap");
        assertThat(manifest.errors()).containsExactly(InputError.at(4, "mapping values are not allowed here"));
    }

    @Test
    void directoriesAreWalkedRecursivelyInSortedOrderForManifestFilesOnly() throws IOException {
        write("b.yaml", "apiVersion: v1\nkind: Service\n");
        write("a.yml", "apiVersion: v1\nkind: ConfigMap\n");
        write("sub/c.json", "{\"apiVersion\": \"v1\", \"kind\": \"Secret\"}");
        write("README.md", "# not a manifest");
        write("kustomization.txt", "resources: []");
        write(".git/config.yaml", "not: read");
        write(".hidden.yaml", "not: read");

        List<Manifest> manifests = new ManifestReader(InputStream.nullInputStream()).read(List.of(dir.toString()));

        assertThat(manifests).extracting(Manifest::file).containsExactly(
                dir.resolve("a.yml").toString(), dir.resolve("b.yaml").toString(),
                dir.resolve("sub/c.json").toString());
        assertThat(manifests).flatExtracting(Manifest::errors).isEmpty();
        assertThat(manifests).flatExtracting(Manifest::objects).extracting(KubeObject::kind)
                .containsExactly("ConfigMap", "Service", "Secret");
    }

    @Test
    void anExplicitFileIsReadWhateverItsExtension() throws IOException {
        Path file = write("manifest.txt", "apiVersion: v1\nkind: Service\n");

        List<Manifest> manifests = new ManifestReader(InputStream.nullInputStream()).read(List.of(file.toString()));

        assertThat(manifests).singleElement().satisfies(m -> assertThat(m.objects()).hasSize(1));
    }

    @Test
    void missingPathAndEmptyDirectoryAreErrors() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        String missing = dir.resolve("missing.yaml").toString();
        String empty = dir.resolve("empty").toString();

        List<Manifest> manifests = new ManifestReader(InputStream.nullInputStream()).read(List.of(missing, empty));

        assertThat(manifests).extracting(Manifest::file, Manifest::errors).containsExactly(
                tuple(missing, List.of(InputError.file("no such file or directory"))),
                tuple(empty, List.of(InputError.file("no .yaml, .yml or .json files in this directory"))));
    }

    @Test
    void stdinIsNamedAndMayBeYamlOrJson() {
        InputStream yaml = new ByteArrayInputStream("apiVersion: v1\nkind: Service\n".getBytes(StandardCharsets.UTF_8));
        InputStream json = new ByteArrayInputStream("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(new ManifestReader(yaml).read(List.of("-"))).singleElement().satisfies(m -> {
            assertThat(m.file()).isEqualTo("<stdin>");
            assertThat(m.objects()).extracting(KubeObject::kind).containsExactly("Service");
        });
        assertThat(new ManifestReader(json).read(List.of("-"))).singleElement()
                .satisfies(m -> assertThat(m.objects()).extracting(KubeObject::kind).containsExactly("Pod"));
    }

    @Test
    void textThatIsNotUtf8IsAnError() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xE9, '\n'});

        List<Manifest> manifests = new ManifestReader(InputStream.nullInputStream()).read(List.of(file.toString()));

        assertThat(manifests).singleElement()
                .satisfies(m -> assertThat(m.errors()).containsExactly(InputError.file("not UTF-8 text")));
    }

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }
}

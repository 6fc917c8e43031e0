package io.daprguard.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Renders the chart in-process with Helm (helm-java, no Helm CLI, no cluster) and parses the manifests.
 *
 * <p>Rendering is an install ({@code .Release.IsInstall}), so the chart never calls {@code lookup}: the result does
 * not depend on any kube context. Values files are taken from {@code src/test/resources/chart/}.
 */
final class ChartRenderer {

    static final Path CHART_DIR = Path.of("helm", "dapr-guard");
    static final Path VALUES_DIR = Path.of("src", "test", "resources", "chart");
    static final String RELEASE = "dapr-guard";
    static final String NAMESPACE = "dapr-guard";
    static final String KUBE_VERSION = "1.30.0";

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private Path chartDir = CHART_DIR;
    private String kubeVersion = KUBE_VERSION;
    private String release = RELEASE;
    private String namespace = NAMESPACE;
    private final List<Path> valuesFiles = new ArrayList<>();
    private final Map<String, Object> sets = new LinkedHashMap<>();

    private ChartRenderer() {
    }

    /** The chart with its defaults, release {@value #RELEASE} in namespace {@value #NAMESPACE}, Kubernetes 1.30. */
    static ChartRenderer chart() {
        return new ChartRenderer();
    }

    /** Another chart directory (a modified copy of the chart). */
    ChartRenderer chartDir(Path directory) {
        this.chartDir = directory;
        return this;
    }

    ChartRenderer kubeVersion(String version) {
        this.kubeVersion = version;
        return this;
    }

    ChartRenderer release(String releaseName, String releaseNamespace) {
        this.release = releaseName;
        this.namespace = releaseNamespace;
        return this;
    }

    /** A values file from {@code src/test/resources/chart/}. */
    ChartRenderer values(String fileName) {
        Path file = VALUES_DIR.resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no values file " + file.toAbsolutePath());
        }
        valuesFiles.add(file);
        return this;
    }

    /** A values file anywhere (a test's own). */
    ChartRenderer valuesFile(Path file) {
        valuesFiles.add(file);
        return this;
    }

    /** Like {@code --set key=value}. */
    ChartRenderer set(String key, Object value) {
        sets.put(key, value);
        return this;
    }

    /** The rendered YAML; throws {@link IllegalStateException} with Helm's message when rendering fails. */
    String renderYaml() {
        TemplateCommand command = new Helm(chartDir).template()
                .withName(release)
                .withNamespace(namespace)
                .withKubeVersion(kubeVersion);
        for (Path file : valuesFiles) {
            command = command.withValuesFile(file);
        }
        for (Map.Entry<String, Object> entry : sets.entrySet()) {
            command = command.set(entry.getKey(), entry.getValue());
        }
        return command.call();
    }

    /** The rendered manifests, indexed by kind and name. */
    Manifests render() {
        return Manifests.parse(renderYaml());
    }

    /** A copy of the chart in {@code directory}/dapr-guard, for tests that must change a file. */
    static Path copyChart(Path directory) throws IOException {
        Path chart = directory.resolve("dapr-guard");
        try (Stream<Path> files = Files.walk(CHART_DIR)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = chart.resolve(CHART_DIR.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(source, target);
                }
            }
        }
        return chart;
    }

    /** Every YAML document of a multi-document string, empty documents left out. */
    static List<JsonNode> parseDocuments(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isMissingNode() && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    /** One YAML document (for example a ConfigMap's application.yaml). */
    static JsonNode parseYaml(String yaml) {
        return YAML.readTree(yaml);
    }
}

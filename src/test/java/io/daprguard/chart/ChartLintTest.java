package io.daprguard.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helm lint --strict, and the operator-facing text in NOTES.txt. */
class ChartLintTest {

    @Test
    void strictLintPassesWithoutWarnings() {
        LintResult result = new Helm(ChartRenderer.CHART_DIR).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
        assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]"))
                .noneMatch(message -> message.contains("[ERROR]"));
    }

    @Test
    void notesExplainHowToCheckAndHowToRemoveTheWebhooksInAnEmergency(@TempDir Path copy) throws IOException {
        String notes = renderNotes(copy, "custom-names.yaml");
        assertThat(notes)
                .contains("kubectl -n dapr-guard rollout status deployment/guard")
                .contains("kubectl get mutatingwebhookconfiguration a-guard -o jsonpath='{.webhooks[0].clientConfig.caBundle}'")
                .contains("get secret guard-tls")
                .contains("--dry-run=server")
                .contains("Namespaces: kube-system, dapr-guard, monitoring, dapr-system are never reviewed")
                .contains("kubectl delete validatingwebhookconfiguration zz-dapr-guard")
                .contains("kubectl delete mutatingwebhookconfiguration a-guard")
                .doesNotContain("get certificate");
    }

    @Test
    void notesWithCertManagerPointAtTheCertificate(@TempDir Path copy) throws IOException {
        assertThat(renderNotes(copy, "cert-manager.yaml"))
                .contains("kubectl -n dapr-guard get certificate dapr-guard-serving")
                .contains("kubectl delete mutatingwebhookconfiguration dapr-guard");
    }

    /**
     * {@code helm template} does not print NOTES.txt, so a copy of the chart renders it into a ConfigMap with
     * {@code tpl}, in the same context Helm gives NOTES.txt.
     */
    private static String renderNotes(Path copy, String valuesFile) throws IOException {
        Path chart = ChartRenderer.copyChart(copy);
        Files.move(chart.resolve("templates/NOTES.txt"), chart.resolve("notes.tpl"));
        Files.writeString(chart.resolve("templates/zz-notes.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: rendered-notes
                data:
                  notes: {{ tpl (.Files.Get "notes.tpl") . | quote }}
                """);
        return ChartRenderer.chart().chartDir(chart).values(valuesFile).render()
                .get("ConfigMap", "rendered-notes").path("data").path("notes").asString();
    }
}

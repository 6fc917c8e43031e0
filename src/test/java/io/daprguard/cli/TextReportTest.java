package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text report, exactly. */
class TextReportTest {

    @Test
    void listsFindingsMutationsAndErrorsByFileThenTheSummary() {
        assertThat(TextReport.render(ReportFixtures.report(), false)).isEqualTo("""
                deploy/orders.yaml
                  Deployment shop/orders (line 12, # Source: orders/templates/deployment.yaml)
                    DENY [sidecar-resources] %s
                    WARN [api-token] %s
                    would add: [sidecar-seccomp] dapr.io/sidecar-seccomp-profile-type: RuntimeDefault
                  ERROR line 30: mapping values are not allowed here

                deploy/missing.yaml
                  ERROR no such file or directory

                4 objects checked, 1 denied, 1 with warnings, 2 not reviewed, 2 errors
                """.formatted(ReportFixtures.DENIAL, ReportFixtures.API_TOKEN));
    }

    @Test
    void verboseAlsoListsCleanAndNotReviewedObjects() {
        assertThat(TextReport.render(ReportFixtures.report(), true)).startsWith("""
                deploy/orders.yaml
                  Service shop/orders (line 2): not reviewed
                  Deployment shop/orders (line 12, # Source: orders/templates/deployment.yaml)
                """).contains("""
                  ERROR line 30: mapping values are not allowed here
                  Deployment shop/cart (line 40): ok

                deploy/service.yaml
                  Service default/(no name) (line 1): not reviewed
                """);
    }

    @Test
    void auditModeShowsDenialsAsWarnings() {
        String text = TextReport.render(ReportFixtures.report().in(Mode.AUDIT), false);

        assertThat(text).contains("    WARN [sidecar-resources] would deny: " + ReportFixtures.DENIAL + "\n")
                .doesNotContain("DENY")
                .endsWith("4 objects checked, 0 denied, 1 with warnings, 2 not reviewed, 2 errors\n");
    }

    @Test
    void nothingToListIsJustTheSummaryWithSingularNouns() {
        CheckReport report = new CheckReport(List.of(new FileReport("a.yaml",
                List.of(new ObjectReport("v1", "Pod", "default", "p", 1, null, true, List.of(), List.of())),
                List.of())));

        assertThat(TextReport.render(report, false))
                .isEqualTo("1 object checked, 0 denied, 0 with warnings, 0 not reviewed, 0 errors\n");
    }

    @Test
    void controlCharactersFromTheInputAreNotPrinted() {
        CheckReport report = new CheckReport(List.of(new FileReport("a.yaml",
                List.of(ObjectReport.notReviewed("v1", "Pod", "default", "evil\u001b[31m", 1, null)), List.of())));

        assertThat(TextReport.render(report, true)).contains("Pod default/evil?[31m (line 1): not reviewed");
    }
}

package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Mode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counts and exit codes: 2 when anything is incomplete, else 1 when anything is denied, else 0. */
class CheckReportTest {

    private static final ObjectReport DENIED = object(new Finding("app-id", Finding.Level.DENY, "set it"));
    private static final ObjectReport WARNED = object(new Finding("api-token", Finding.Level.WARN, "set it"));
    private static final ObjectReport CLEAN = object();

    @Test
    void nothingAtDenyLevelIsZero() {
        assertThat(report(List.of(CLEAN, WARNED), List.of()).exitCode()).isZero();
        assertThat(new CheckReport(List.of()).exitCode()).isZero();
    }

    @Test
    void aDenialIsOne() {
        assertThat(report(List.of(CLEAN, DENIED), List.of()).exitCode()).isEqualTo(1);
    }

    @Test
    void anErrorIsTwoEvenWithDenials() {
        assertThat(report(List.of(DENIED), List.of(InputError.at(3, "bad"))).exitCode()).isEqualTo(2);
        assertThat(report(List.of(), List.of(InputError.file("no such file or directory"))).exitCode()).isEqualTo(2);
    }

    @Test
    void auditModeNeverDenies() {
        CheckReport audited = report(List.of(DENIED, WARNED), List.of()).in(Mode.AUDIT);

        assertThat(audited.exitCode()).isZero();
        assertThat(audited.summary()).isEqualTo(new CheckReport.Summary(2, 0, 2, 0, 0));
        assertThat(audited.files().get(0).objects().get(0).findings())
                .containsExactly(new Finding("app-id", Finding.Level.WARN, "would deny: set it"));
        assertThat(report(List.of(DENIED), List.of(InputError.at(1, "bad"))).in(Mode.AUDIT).exitCode())
                .as("an incomplete run is still 2").isEqualTo(2);
    }

    @Test
    void enforceModeLeavesTheReportAsItIs() {
        CheckReport report = report(List.of(DENIED), List.of());
        assertThat(report.in(Mode.ENFORCE)).isSameAs(report);
    }

    @Test
    void summaryCountsObjectsNotFindings() {
        ObjectReport both = object(new Finding("app-id", Finding.Level.DENY, "a"),
                new Finding("app-id", Finding.Level.DENY, "b"), new Finding("api-token", Finding.Level.WARN, "c"));
        ObjectReport skipped = ObjectReport.notReviewed("v1", "Service", "default", "s", 9, null);

        assertThat(report(List.of(both, skipped, CLEAN), List.of(InputError.at(1, "x"), InputError.at(2, "y")))
                .summary()).isEqualTo(new CheckReport.Summary(3, 1, 1, 1, 2));
    }

    private static CheckReport report(List<ObjectReport> objects, List<InputError> errors) {
        return new CheckReport(List.of(new FileReport("a.yaml", objects, errors)));
    }

    private static ObjectReport object(Finding... findings) {
        return new ObjectReport("v1", "Pod", "default", "p", 1, null, true, List.of(findings), List.of());
    }
}

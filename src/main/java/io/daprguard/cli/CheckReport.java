package io.daprguard.cli;

import io.daprguard.policy.Mode;
import java.util.List;

/**
 * Everything one run found, with the counts and the exit code derived from it.
 *
 * @param files one entry per input, in the order they were read
 */
record CheckReport(List<FileReport> files) {

    /** Exit code: no deny-level finding, and everything could be read. */
    static final int OK = 0;
    /** Exit code: at least one deny-level finding (and everything could be read). */
    static final int DENIED = 1;
    /** Exit code: a usage error, or an input that could not be read, parsed or checked (the run is incomplete). */
    static final int INCOMPLETE = 2;
    /** Exit code: dapr-guard itself failed (a bug; the stack trace is on stderr). */
    static final int INTERNAL_ERROR = 3;

    /**
     * The counts of the summary line.
     *
     * @param objects objects found, reviewed or not (a Helm values file counts as one)
     * @param denied objects with at least one deny-level finding
     * @param warnings objects with at least one warning
     * @param notReviewed objects the engine does not review
     * @param errors inputs, documents or objects that could not be read or checked
     */
    record Summary(int objects, int denied, int warnings, int notReviewed, int errors) {}

    CheckReport {
        files = List.copyOf(files);
    }

    /** The report as the given mode presents it: in audit mode every denial is a warning. */
    CheckReport in(Mode mode) {
        return mode == Mode.AUDIT ? new CheckReport(files.stream().map(FileReport::audited).toList()) : this;
    }

    Summary summary() {
        int objects = 0;
        int denied = 0;
        int warnings = 0;
        int notReviewed = 0;
        int errors = 0;
        for (FileReport file : files) {
            errors += file.errors().size();
            for (ObjectReport object : file.objects()) {
                objects++;
                denied += object.denied() ? 1 : 0;
                warnings += object.warned() ? 1 : 0;
                notReviewed += object.reviewed() ? 0 : 1;
            }
        }
        return new Summary(objects, denied, warnings, notReviewed, errors);
    }

    /** 2 when anything could not be read or checked, else 1 when anything is denied, else 0. */
    int exitCode() {
        Summary summary = summary();
        if (summary.errors() > 0) {
            return INCOMPLETE;
        }
        return summary.denied() > 0 ? DENIED : OK;
    }
}

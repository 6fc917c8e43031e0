package io.daprguard.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The report for people. Grouped by file, then by object in file order:
 *
 * <pre>
 * deploy/orders.yaml
 *   Deployment shop/orders (line 12)
 *     DENY [sidecar-resources] dapr.io/sidecar-memory-limit "1000MB" is not a Kubernetes quantity, ...
 *     WARN [api-token] the Dapr API accepts calls without a token; set dapr.io/api-token-secret ...
 *     would add: [sidecar-seccomp] dapr.io/sidecar-seccomp-profile-type: RuntimeDefault
 *   ERROR line 40: mapping values are not allowed here
 *
 * 3 objects checked, 1 denied, 1 with warnings, 1 not reviewed, 1 error
 * </pre>
 *
 * <p>Only objects with findings or mutations, and errors, are listed; {@code --verbose} also lists clean objects
 * ({@code ok}) and those the engine does not review ({@code not reviewed}). A file with nothing to list is left
 * out. An object read from a cluster ({@code --cluster}) has no line. A {@code helm template} document's {@code # Source:} comment follows the line number. Control characters
 * from the input are printed as {@code ?}.
 */
final class TextReport {

    private TextReport() {}

    static String render(CheckReport report, boolean verbose) {
        StringBuilder out = new StringBuilder();
        for (FileReport file : report.files()) {
            List<String> lines = fileLines(file, verbose);
            if (!lines.isEmpty()) {
                out.append(clean(file.file())).append('\n');
                lines.forEach(line -> out.append(line).append('\n'));
                out.append('\n');
            }
        }
        out.append(summary(report.summary())).append('\n');
        return out.toString();
    }

    /** {@code 3 objects checked, 1 denied, 1 with warnings, 1 not reviewed, 1 error}. */
    static String summary(CheckReport.Summary summary) {
        return count(summary.objects(), "object") + " checked, " + summary.denied() + " denied, "
                + summary.warnings() + " with warnings, " + summary.notReviewed() + " not reviewed, "
                + count(summary.errors(), "error");
    }

    /** Objects and errors merged in line order (errors without a line first). */
    private static List<String> fileLines(FileReport file, boolean verbose) {
        List<String> lines = new ArrayList<>();
        List<InputError> errors = file.errors();
        int next = 0;
        for (ObjectReport object : file.objects()) {
            while (next < errors.size() && before(errors.get(next), object.line())) {
                lines.add(error(errors.get(next++)));
            }
            lines.addAll(objectLines(object, verbose));
        }
        while (next < errors.size()) {
            lines.add(error(errors.get(next++)));
        }
        return lines;
    }

    private static boolean before(InputError error, int line) {
        return error.line() == null || error.line() < line;
    }

    private static List<String> objectLines(ObjectReport object, boolean verbose) {
        String title = "  " + clean(object.label()) + (object.line() <= 0 ? "" : " (line " + object.line()
                + (object.source() == null ? "" : ", # Source: " + clean(object.source())) + ")");
        if (!object.reviewed()) {
            return verbose ? List.of(title + ": not reviewed") : List.of();
        }
        if (object.findings().isEmpty() && object.mutations().isEmpty()) {
            return verbose ? List.of(title + ": ok") : List.of();
        }
        List<String> lines = new ArrayList<>();
        lines.add(title);
        for (Finding finding : object.findings()) {
            lines.add("    " + finding.level().name() + " " + clean(finding.text()));
        }
        for (Change change : object.mutations()) {
            String text = change.change();
            lines.add("    " + (text.startsWith("add ")
                    ? "would add: [" + change.rule() + "] " + clean(text.substring("add ".length()))
                    : "would change: [" + change.rule() + "] " + clean(text)));
        }
        return lines;
    }

    private static String error(InputError error) {
        return "  ERROR " + (error.line() == null ? "" : "line " + error.line() + ": ") + clean(error.message());
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Input text may hold terminal escape sequences; none reach the terminal. */
    static String clean(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }
}

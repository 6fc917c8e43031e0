package io.daprguard.cli;

import io.daprguard.cli.ManifestReader.KubeObject;
import io.daprguard.cli.ManifestReader.Manifest;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rules.MalformedObjectException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * {@code java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...}: checks Kubernetes manifests offline with the
 * engine the webhook runs, and Dapr Helm values files against the production guideline; with {@code --cluster},
 * what runs in a cluster, as the server's audit does ({@link ClusterCheck}).
 *
 * <p>It runs before (and instead of) Spring: no application context, no web server, no certificates. Standard
 * output carries only the report ({@link TextReport}, {@link JsonReport}, {@link SarifReport} or
 * {@link JUnitReport}); messages about the inputs
 * ({@code file:line: message}), warnings about the policy and usage errors go to standard error. Logging is
 * switched off, so no library can print to standard output.
 *
 * <p>Exit codes: {@code 0} no deny-level finding; {@code 1} at least one deny-level finding; {@code 2} a usage
 * error, or an input that could not be read, parsed or checked (everything else is still reported, and 2 wins
 * over 1 because the run is incomplete); {@code 3} an internal error, with its stack trace on standard error.
 * The exit code does not depend on the report format.
 */
public final class CheckCommand {

    static final String NAME = "dapr-guard check";

    private CheckCommand() {}

    /** Runs the command on the given streams (for tests). */
    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return run(args, stdin, out, err, Clock.systemUTC());
    }

    /**
     * Runs the command on the given streams.
     *
     * @param clock "now" for {@code daprguard.io/skip-until} and the JUnit report's timestamp
     */
    static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, Clock clock) {
        try {
            return execute(args, stdin, out, err, clock);
        } catch (RuntimeException | Error e) {
            err.println(NAME + ": internal error; please report it with the stack trace below");
            e.printStackTrace(err);
            return CheckReport.INTERNAL_ERROR;
        }
    }

    private static int execute(String[] args, InputStream stdin, PrintStream out, PrintStream err, Clock clock) {
        CheckOptions options;
        try {
            options = CheckOptions.parse(args);
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println();
            err.print(CheckOptions.usage());
            return CheckReport.INCOMPLETE;
        }
        if (options.help()) {
            out.print(CheckOptions.usage());
            return CheckReport.OK;
        }
        Policy policy;
        try {
            policy = PolicyLoader.load(options.policy(), options.rules());
        } catch (PolicyLoader.PolicyException e) {
            err.println(NAME + ": " + e.getMessage());
            return CheckReport.INCOMPLETE;
        }
        Mode mode = options.mode() != null ? options.mode() : policy.mode();
        if (options.cluster() != null && options.cluster().recommend()) {
            return recommend(options, policy, mode, out, err, clock);
        }
        ObjectChecker checker = new ObjectChecker(policy, options.namespace(), clock);
        List<FileReport> files = new ArrayList<>();
        if (options.cluster() != null) {
            files.add(ClusterCheck.check(options.cluster(), policy, mode));
        }
        for (Manifest manifest : new ManifestReader(stdin).read(options.paths())) {
            files.add(check(checker::check, manifest, err));
        }
        options.daprValues().forEach(file -> files.add(DaprValuesLint.lint(file, policy.controlPlaneMemoryLimits())));
        CheckReport report = new CheckReport(files).in(mode);
        for (FileReport file : report.files()) {
            for (InputError error : file.errors()) {
                err.println(TextReport.clean(file.file() + ":" + (error.line() == null ? "" : error.line() + ":")
                        + " " + error.message()));
            }
        }
        out.print(switch (options.output()) {
            case TEXT -> TextReport.render(report, options.verbose());
            case JSON -> JsonReport.render(report);
            case SARIF -> SarifReport.render(report, policy, version());
            case JUNIT -> JUnitReport.render(report, clock.instant());
            case PATCH -> throw new IllegalStateException("--output patch without --recommend");
        });
        return report.exitCode();
    }

    /** {@code --recommend}: the Prometheus and the method's settings from the options and the policy file. */
    private static int recommend(CheckOptions options, Policy policy, Mode mode, PrintStream out, PrintStream err,
            Clock clock) {
        io.daprguard.config.DaprGuardProperties.Rightsizing rightsizing;
        try {
            rightsizing = options.policy() == null ? null
                    : PolicyLoader.properties(options.policy(), options.rules()).rightsizing();
        } catch (PolicyLoader.PolicyException e) {
            err.println(NAME + ": " + e.getMessage());
            return CheckReport.INCOMPLETE;
        }
        int percent = policy.defaults().gomemlimitPercent();
        String url = options.cluster().prometheus() != null ? options.cluster().prometheus()
                : rightsizing == null ? null : rightsizing.prometheus().url();
        return Recommend.run(options.cluster(), url, rightsizing == null ? null : rightsizing.prometheus(),
                rightsizing == null
                ? io.daprguard.rightsizing.RightSizingSettings.defaults(percent) : rightsizing.settings(percent),
                policy, mode, options.output(), out, err, clock);
    }

    /** The version in the jar's manifest; {@code dev} when run from classes. */
    static String version() {
        String version = CheckCommand.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * Checks every object of a manifest. An object whose fields have the wrong type is an error of the file; an
     * unexpected failure on one object is a bug, reported with its stack trace, and the other objects are still
     * checked.
     */
    static FileReport check(Function<KubeObject, ObjectReport> checker, Manifest manifest, PrintStream err) {
        List<ObjectReport> objects = new ArrayList<>();
        List<InputError> errors = new ArrayList<>(manifest.errors());
        for (KubeObject object : manifest.objects()) {
            try {
                objects.add(checker.apply(object));
            } catch (MalformedObjectException e) {
                errors.add(InputError.at(object.line(), describe(object) + ": " + malformed(e)));
            } catch (RuntimeException e) {
                err.println(NAME + ": internal error while checking " + describe(object) + " in " + manifest.file()
                        + "; please report it with the stack trace below");
                e.printStackTrace(err);
                errors.add(InputError.at(object.line(), describe(object)
                        + ": internal error in dapr-guard (" + e.getClass().getSimpleName() + "); not checked"));
            }
        }
        errors.sort(Comparator.comparing(InputError::line, Comparator.nullsFirst(Comparator.naturalOrder())));
        return new FileReport(manifest.file(), objects, errors);
    }

    private static String describe(KubeObject object) {
        String name = object.node().path("metadata").path("name").asString("");
        return object.kind() + (name.isEmpty() ? "" : " " + name);
    }

    private static String malformed(MalformedObjectException e) {
        String path = e.path().isEmpty() ? "the object" : e.path();
        String hint = e.path().contains("/metadata/annotations/")
                ? "; annotation values are strings, so quote it (\"true\", \"8080\")"
                : "; the apiserver would reject it too";
        return path + " must be " + e.expected() + hint;
    }

}

package io.daprguard.cli;

import io.daprguard.policy.Mode;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options of {@code check}, parsed from its arguments with picocli. Long options take their value as the next
 * argument or after {@code =} ({@code --output json}, {@code --output=json}); {@code --} ends the options; {@code -}
 * is standard input.
 *
 * @param paths files, directories and {@code -}, in order
 * @param daprValues Dapr Helm values files to lint
 * @param output text, json, sarif or junit
 * @param mode the mode given with {@code --mode}, or null for the policy's
 * @param rules rule id to action name ({@code deny}, {@code warn}, {@code off}), from {@code --rule}
 * @param policy the {@code --policy} file, or null
 * @param namespace the namespace of objects that name none
 * @param verbose list clean and not-reviewed objects in the text report
 * @param help print the usage and do nothing else
 * @param cluster check the cluster of a kubeconfig instead of files, or null
 */
record CheckOptions(
        List<String> paths, List<String> daprValues, Output output, Mode mode, Map<String, String> rules, Path policy,
        String namespace, boolean verbose, boolean help, Cluster cluster) {

    /**
     * {@code --cluster}: what to read.
     *
     * @param kubeconfig {@code --kubeconfig}, or null for the usual search (KUBECONFIG, ~/.kube/config, in-cluster)
     * @param context {@code --context}, or null for the kubeconfig's current context
     * @param namespace {@code -n}, or null for every namespace
     * @param recommend {@code --recommend}: right-size daprd per workload instead of checking
     * @param prometheus {@code --prometheus}, or null for the policy file's
     *     {@code dapr-guard.rightsizing.prometheus.url}
     */
    record Cluster(String kubeconfig, String context, String namespace, boolean recommend, String prometheus) {}

    /** Report formats. */
    enum Output {
        TEXT,
        JSON,
        /** SARIF 2.1.0, for code scanning (GitHub) */
        SARIF,
        /** JUnit XML, for CI test reports (Jenkins, GitLab) */
        JUNIT,
        /** {@code kubectl patch} commands, with {@code --recommend} */
        PATCH
    }

    static final String DEFAULT_NAMESPACE = "default";

    CheckOptions {
        paths = List.copyOf(paths);
        daprValues = List.copyOf(daprValues);
        rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
    }

    /** The usage text, generated from the options {@link Spec} declares, ending with a newline. */
    static String usage() {
        // shown as "--output FORMAT"; parsed with "=" too (--output=json)
        return commandLine(new Spec()).setSeparator(" ").getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** {@code title} and the ids, comma-separated, in lines of at most 100 characters. */
    private static String wrap(String title, List<String> ids) {
        StringBuilder text = new StringBuilder(title);
        int lineStart = 0;
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i) + (i < ids.size() - 1 ? "," : "");
            if (text.length() - lineStart + 1 + id.length() > 100) {
                text.append('\n').append("  ");
                lineStart = text.length() - 2;
            } else if (i > 0) {
                text.append(' ');
            }
            text.append(id);
        }
        return text.toString();
    }

    /**
     * Parses the arguments that follow {@code check}.
     *
     * @throws UsageException naming the bad option or value
     */
    static CheckOptions parse(String... args) throws UsageException {
        for (String arg : args) {
            if ("--".equals(arg)) {
                break;
            }
            if ("-h".equals(arg) || "--help".equals(arg)) {
                return new CheckOptions(List.of(), List.of(), Output.TEXT, null, Map.of(), null,
                        DEFAULT_NAMESPACE, false, true, null);
            }
            for (String flag : FLAGS) {
                if (arg.startsWith(flag + "=")) {
                    throw new UsageException(flag + " takes no value");
                }
            }
        }
        Spec spec = new Spec();
        try {
            commandLine(spec).parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            String unmatched = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().get(0);
            String name = unmatched.contains("=") ? unmatched.substring(0, unmatched.indexOf('=')) : unmatched;
            List<String> suggestions = e.getSuggestions();
            throw new UsageException("unknown option '" + name + "'"
                    + (suggestions.isEmpty() ? "" : "; did you mean " + suggestions.get(0) + "?"));
        } catch (CommandLine.ParameterException e) {
            CommandLine.Model.ArgSpec arg = e instanceof CommandLine.MissingParameterException missing
                    && !missing.getMissing().isEmpty() ? missing.getMissing().get(0) : e.getArgSpec();
            if (arg instanceof CommandLine.Model.OptionSpec option) {
                throw new UsageException(option.longestName() + " needs a value: " + EXPECTED.get(option.longestName()));
            }
            throw new UsageException(e.getMessage());
        }
        return spec.options();
    }

    /** The options that take no value. */
    private static final List<String> FLAGS = List.of("--verbose", "--cluster", "--recommend");

    /** What each option's value is, for "needs a value" messages. */
    private static final Map<String, String> EXPECTED = Map.of(
            "--output", "text, json, sarif or junit",
            "--mode", "enforce or audit",
            "--rule", "ID=ACTION, e.g. sidecar-resources=warn",
            "--policy", "a file",
            "--namespace", "a namespace",
            "--kubeconfig", "a file",
            "--context", "a context name",
            "--dapr-values", "a file",
            "--prometheus", "a URL such as http://prometheus:9090");

    /** The command line of {@code check}: its options, usage and footer (the rules and values checks). */
    private static CommandLine commandLine(Spec spec) {
        CommandLine commandLine = new CommandLine(spec);
        commandLine.setUsageHelpWidth(110);
        commandLine.setUsageHelpLongOptionsMaxWidth(22);
        commandLine.getCommandSpec().usageMessage().footer(
                "%nExit codes:",
                "  0  no deny-level finding",
                "  1  at least one deny-level finding",
                "  2  usage error, or an input that could not be read or parsed, or a cluster that could not be",
                "     read completely (the rest is still reported)",
                "  3  internal error (a bug; the stack trace is on stderr)",
                "",
                wrap("Rules: ", Rules.all().stream().map(Rule::id).toList()).replace("%", "%%"),
                wrap("Helm values checks: ", DaprValuesLint.IDS).replace("%", "%%"));
        return commandLine;
    }

    /** The options of {@code check}, as picocli reads them; {@link #options} checks them together. */
    @Command(name = "check", sortOptions = false, synopsisHeading = "",
            customSynopsis = {
                "Usage: java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...",
                "       java -jar dapr-guard.jar check --cluster [--kubeconfig FILE] [--context NAME] [-n NS]",
                "       java -jar dapr-guard.jar check --cluster --recommend [--prometheus URL] [-o text|json|patch]",
                ""},
            description = {
                "Checks Kubernetes manifests offline with the engine the dapr-guard webhook runs: mutation first",
                "(what would be added), then validation of the mutated object (what would be denied or warned).",
                "Reads YAML and JSON: multi-document YAML, kind List (and *List) with items, the output of",
                "`helm template` and `kustomize build`. A DIR is searched recursively for *.yaml, *.yml and *.json",
                "(hidden files and directories are skipped); - reads standard input.",
                ""},
            optionListHeading = "Options:%n")
    static final class Spec {

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = {
            "report format: text (default), json, sarif (SARIF 2.1.0, for",
            "GitHub code scanning) or junit (JUnit XML, for Jenkins and",
            "GitLab); the exit code is the same for every format; patch",
            "with --recommend"})
        String output;

        @Option(names = "--mode", paramLabel = "enforce|audit", description = {
            "audit reports deny-level findings as warnings and exits 0",
            "(default: dapr-guard.mode of the policy file, else enforce)"})
        String mode;

        @Mixin
        PolicyOptions policyOptions = new PolicyOptions();

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = {
            "namespace of objects that set none (default \"default\");",
            "with --cluster: check only this namespace"})
        String namespace;

        @Option(names = "--dapr-values", paramLabel = "FILE", description = {
            "lint a Dapr Helm chart values file against the production",
            "guideline (repeatable; may be used without manifests)"})
        List<String> daprValues = new ArrayList<>();

        @Option(names = "--cluster", description = {
            "instead of files, check what runs in the cluster of a kubeconfig,",
            "as the server's audit does (all namespaces unless -n; kube-system",
            "and daprguard.io/mode=off namespaces are left out); needs get/list",
            "on the kinds the audit reads, never Secrets"})
        boolean cluster;

        @Option(names = "--kubeconfig", paramLabel = "FILE",
                description = "with --cluster: the kubeconfig (default: KUBECONFIG, ~/.kube/config)")
        String kubeconfig;

        @Option(names = "--context", paramLabel = "NAME",
                description = "with --cluster: the kubeconfig context (default: its current one)")
        String context;

        @Option(names = "--recommend", description = {
            "with --cluster: recommend daprd's resources per workload from its",
            "measured use (a table; -o json; -o patch: kubectl patch commands",
            "that set the dapr.io/sidecar-* annotations and GOMEMLIMIT)"})
        boolean recommend;

        @Option(names = "--prometheus", paramLabel = "URL", description = {
            "with --recommend: the Prometheus to read daprd's use from",
            "(default: dapr-guard.rightsizing.prometheus.url of --policy)"})
        String prometheus;

        @Option(names = {"-v", "--verbose"},
                description = "the text report also lists clean and not-reviewed objects")
        boolean verbose;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help")
        boolean help;

        @Parameters(paramLabel = "FILE|DIR|-", hidden = true)
        List<String> paths = new ArrayList<>();

        /** The options, checked one by one and together. */
        CheckOptions options() throws UsageException {
            List<String> files = new ArrayList<>();
            for (String path : paths) {
                if ("-".equals(path) && files.contains("-")) {
                    throw new UsageException("- (standard input) is given more than once");
                }
                files.add(path);
            }
            Output format = output == null ? Output.TEXT : output(value("--output", output));
            Mode chosenMode = mode == null ? null : mode(value("--mode", mode));
            Map<String, String> actions = policyOptions.rules();
            for (String file : daprValues) {
                value("--dapr-values", file);
            }
            String chosenNamespace = namespace == null ? DEFAULT_NAMESPACE : namespace(value("--namespace", namespace));
            Cluster target = null;
            if (cluster) {
                if (!files.isEmpty()) {
                    throw new UsageException("--cluster checks the cluster, not files; give no FILE, DIR or - with it");
                }
                target = new Cluster(kubeconfig == null ? null : value("--kubeconfig", kubeconfig),
                        context == null ? null : value("--context", context),
                        namespace != null ? chosenNamespace : null, recommend,
                        prometheus == null ? null : value("--prometheus", prometheus));
            } else if (kubeconfig != null || context != null || recommend) {
                throw new UsageException((kubeconfig != null ? "--kubeconfig" : context != null ? "--context"
                        : "--recommend") + " needs --cluster");
            } else if (files.isEmpty() && daprValues.isEmpty()) {
                throw new UsageException("nothing to check; give a FILE, a DIR or - (standard input),"
                        + " or --dapr-values FILE, or --cluster");
            }
            if (prometheus != null && !recommend) {
                throw new UsageException("--prometheus needs --recommend");
            }
            if (recommend && (format == Output.SARIF || format == Output.JUNIT)) {
                throw new UsageException("--recommend writes text, json or patch, not " + format.name()
                        .toLowerCase(Locale.ROOT));
            }
            if (!recommend && format == Output.PATCH) {
                throw new UsageException("--output patch needs --cluster --recommend");
            }
            return new CheckOptions(files, daprValues, format, chosenMode, actions,
                    policyOptions.policy(), chosenNamespace, verbose, false,
                    target);
        }

        /** An option's value, which must not be empty ({@code --mode=}). */
        private static String value(String name, String value) throws UsageException {
            if (value.isEmpty()) {
                throw new UsageException(name + " needs a value: " + EXPECTED.get(name));
            }
            return value;
        }

        private static Output output(String value) throws UsageException {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "text" -> Output.TEXT;
                case "json" -> Output.JSON;
                case "sarif" -> Output.SARIF;
                case "junit" -> Output.JUNIT;
                case "patch" -> Output.PATCH;
                default -> throw new UsageException("--output '" + value + "' is not valid; use text, json, sarif or"
                        + " junit");
            };
        }

        private static Mode mode(String value) throws UsageException {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "enforce" -> Mode.ENFORCE;
                case "audit" -> Mode.AUDIT;
                default -> throw new UsageException("--mode '" + value + "' is not valid; use enforce or audit");
            };
        }

        private static String namespace(String value) throws UsageException {
            if (!value.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw new UsageException("--namespace '" + value + "' is not a valid namespace name"
                        + " (lower-case letters, digits and '-', at most 63 characters)");
            }
            return value;
        }
    }
}

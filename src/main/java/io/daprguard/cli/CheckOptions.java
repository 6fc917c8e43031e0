package io.daprguard.cli;

import io.daprguard.policy.Mode;
import io.daprguard.rules.Action;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The options of {@code check}, parsed from its arguments. Long options take their value as the next argument or
 * after {@code =} ({@code --output json}, {@code --output=json}); {@code --} ends the options; {@code -} is
 * standard input.
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

    /** The usage text, ending with a newline. */
    static String usage() {
        return """
                Usage: java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...
                       java -jar dapr-guard.jar check --cluster [--kubeconfig FILE] [--context NAME] [-n NS]
                       java -jar dapr-guard.jar check --cluster --recommend [--prometheus URL] [-o text|json|patch]

                Checks Kubernetes manifests offline with the engine the dapr-guard webhook runs: mutation first
                (what would be added), then validation of the mutated object (what would be denied or warned).
                Reads YAML and JSON: multi-document YAML, kind List (and *List) with items, the output of
                `helm template` and `kustomize build`. A DIR is searched recursively for *.yaml, *.yml and *.json
                (hidden files and directories are skipped); - reads standard input.

                Options:
                  -o, --output FORMAT       report format: text (default), json, sarif (SARIF 2.1.0, for
                                            GitHub code scanning) or junit (JUnit XML, for Jenkins and
                                            GitLab); the exit code is the same for every format; patch
                                            with --recommend
                      --mode enforce|audit  audit reports deny-level findings as warnings and exits 0
                                            (default: dapr-guard.mode of the policy file, else enforce)
                      --rule ID=ACTION      set a rule's action: deny, warn or off (repeatable)
                      --policy FILE         the server's application.yaml; only its dapr-guard: keys apply
                  -n, --namespace NS        namespace of objects that set none (default "default");
                                            with --cluster: check only this namespace
                      --dapr-values FILE    lint a Dapr Helm chart values file against the production
                                            guideline (repeatable; may be used without manifests)
                      --cluster             instead of files, check what runs in the cluster of a kubeconfig,
                                            as the server's audit does (all namespaces unless -n; kube-system
                                            and daprguard.io/mode=off namespaces are left out); needs get/list
                                            on the kinds the audit reads, never Secrets
                      --kubeconfig FILE     with --cluster: the kubeconfig (default: KUBECONFIG, ~/.kube/config)
                      --context NAME        with --cluster: the kubeconfig context (default: its current one)
                      --recommend           with --cluster: recommend daprd's resources per workload from its
                                            measured use (a table; -o json; -o patch: kubectl patch commands
                                            that set the dapr.io/sidecar-* annotations and GOMEMLIMIT)
                      --prometheus URL      with --recommend: the Prometheus to read daprd's use from
                                            (default: dapr-guard.rightsizing.prometheus.url of --policy)
                  -v, --verbose             the text report also lists clean and not-reviewed objects
                  -h, --help                print this help

                Exit codes:
                  0  no deny-level finding
                  1  at least one deny-level finding
                  2  usage error, or an input that could not be read or parsed, or a cluster that could not be
                     read completely (the rest is still reported)
                  3  internal error (a bug; the stack trace is on stderr)

                %s
                %s
                """.formatted(
                wrap("Rules: ", Rules.all().stream().map(Rule::id).toList()),
                wrap("Helm values checks: ", DaprValuesLint.IDS));
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
        Parser parser = new Parser(args);
        return parser.parse();
    }

    /** One pass over the arguments. */
    private static final class Parser {

        private final String[] args;
        private int index;
        private final List<String> paths = new ArrayList<>();
        private final List<String> daprValues = new ArrayList<>();
        private final Map<String, String> rules = new LinkedHashMap<>();
        private Output output = Output.TEXT;
        private Mode mode;
        private Path policy;
        private String namespace = DEFAULT_NAMESPACE;
        private boolean verbose;
        private boolean cluster;
        private boolean namespaceGiven;
        private String kubeconfig;
        private String context;
        private boolean recommend;
        private String prometheus;

        Parser(String[] args) {
            this.args = args;
        }

        CheckOptions parse() throws UsageException {
            for (String arg : args) {
                if ("--".equals(arg)) {
                    break;
                }
                if ("-h".equals(arg) || "--help".equals(arg)) {
                    return new CheckOptions(List.of(), List.of(), Output.TEXT, null, Map.of(), null,
                            DEFAULT_NAMESPACE, false, true, null);
                }
            }
            boolean optionsEnded = false;
            while (index < args.length) {
                String arg = args[index++];
                if (optionsEnded || "-".equals(arg) || !arg.startsWith("-")) {
                    path(arg);
                } else if ("--".equals(arg)) {
                    optionsEnded = true;
                } else {
                    option(arg);
                }
            }
            Cluster target = null;
            if (cluster) {
                if (!paths.isEmpty()) {
                    throw new UsageException("--cluster checks the cluster, not files; give no FILE, DIR or - with it");
                }
                target = new Cluster(kubeconfig, context, namespaceGiven ? namespace : null, recommend, prometheus);
            } else if (kubeconfig != null || context != null || recommend) {
                throw new UsageException((kubeconfig != null ? "--kubeconfig" : context != null ? "--context"
                        : "--recommend") + " needs --cluster");
            } else if (paths.isEmpty() && daprValues.isEmpty()) {
                throw new UsageException("nothing to check; give a FILE, a DIR or - (standard input),"
                        + " or --dapr-values FILE, or --cluster");
            }
            if (prometheus != null && !recommend) {
                throw new UsageException("--prometheus needs --recommend");
            }
            if (recommend && (output == Output.SARIF || output == Output.JUNIT)) {
                throw new UsageException("--recommend writes text, json or patch, not " + output.name()
                        .toLowerCase(Locale.ROOT));
            }
            if (!recommend && output == Output.PATCH) {
                throw new UsageException("--output patch needs --cluster --recommend");
            }
            return new CheckOptions(paths, daprValues, output, mode, rules, policy, namespace, verbose, false, target);
        }

        private void path(String arg) throws UsageException {
            if ("-".equals(arg) && paths.contains("-")) {
                throw new UsageException("- (standard input) is given more than once");
            }
            paths.add(arg);
        }

        private void option(String arg) throws UsageException {
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            String inline = arg.startsWith("--") && equals > 0 ? arg.substring(equals + 1) : null;
            switch (name) {
                case "-v", "--verbose" -> {
                    if (inline != null) {
                        throw new UsageException(name + " takes no value");
                    }
                    verbose = true;
                }
                case "-o", "--output" -> output = output(value(name, inline, "text, json, sarif or junit"));
                case "--mode" -> mode = mode(value(name, inline, "enforce or audit"));
                case "--rule" -> rule(value(name, inline, "ID=ACTION, e.g. sidecar-resources=warn"));
                case "--policy" -> policy = Path.of(value(name, inline, "a file"));
                case "-n", "--namespace" -> {
                    namespace = namespace(value(name, inline, "a namespace"));
                    namespaceGiven = true;
                }
                case "--cluster" -> {
                    if (inline != null) {
                        throw new UsageException(name + " takes no value");
                    }
                    cluster = true;
                }
                case "--kubeconfig" -> kubeconfig = value(name, inline, "a file");
                case "--context" -> context = value(name, inline, "a context name");
                case "--dapr-values" -> daprValues.add(value(name, inline, "a file"));
                case "--recommend" -> {
                    if (inline != null) {
                        throw new UsageException(name + " takes no value");
                    }
                    recommend = true;
                }
                case "--prometheus" -> prometheus = value(name, inline, "a URL such as http://prometheus:9090");
                default -> throw new UsageException("unknown option '" + name + "'");
            }
        }

        private String value(String name, String inline, String expected) throws UsageException {
            if (inline != null) {
                if (inline.isEmpty()) {
                    throw new UsageException(name + " needs a value: " + expected);
                }
                return inline;
            }
            if (index >= args.length || args[index].isEmpty()
                    || (args[index].startsWith("-") && !"-".equals(args[index]))) {
                throw new UsageException(name + " needs a value: " + expected);
            }
            return args[index++];
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

        private void rule(String value) throws UsageException {
            int equals = value.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("--rule '" + value + "' is not valid; use ID=ACTION,"
                        + " e.g. sidecar-resources=warn");
            }
            String id = value.substring(0, equals).strip();
            String action = value.substring(equals + 1).strip();
            if (Rules.byId(id).isEmpty()) {
                throw new UsageException("--rule " + value + ": unknown rule '" + id + "'; the rules are "
                        + Rules.all().stream().map(Rule::id).collect(Collectors.joining(", ")));
            }
            try {
                rules.put(id, Action.parse(action).configName());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--rule " + value + ": action '" + action + "' is not valid;"
                        + " use deny, warn or off");
            }
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

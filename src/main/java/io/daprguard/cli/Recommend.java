package io.daprguard.cli;

import io.daprguard.cluster.AuditResult;
import io.daprguard.cluster.ClusterAudit;
import io.daprguard.cluster.KubeApi;
import io.daprguard.cluster.NamespaceModes;
import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rightsizing.PrometheusSource;
import io.daprguard.rightsizing.RightSizer;
import io.daprguard.rightsizing.RightSizingSettings;
import io.daprguard.rightsizing.UsageSource;
import io.daprguard.rules.SidecarSizing;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code check --cluster --recommend}: the audit's right-sizing, run once: daprd's use read from Prometheus, one
 * recommendation per workload, written as a table, as JSON, or as {@code kubectl patch} commands that set the pod
 * template's {@code dapr.io/sidecar-*} annotations and the GOMEMLIMIT in {@code dapr.io/env} (every other variable
 * kept exactly). Patches are written only for the workloads whose values differ materially (those
 * {@code sidecar-right-size} reports): applied, and the workloads restarted, the next run reports nothing for them.
 */
final class Recommend {

    /** The server's default (dapr-guard.rightsizing.prometheus.timeout): Prometheus' own query timeout. */
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Recommend() {}

    /**
     * Connects to the cluster and to Prometheus, recommends, and prints; the exit code.
     *
     * @param prometheus the policy file's Prometheus settings (bearer token file, CA file, timeout), or null
     */
    static int run(CheckOptions.Cluster options, String prometheusUrl,
            io.daprguard.config.DaprGuardProperties.Prometheus prometheus, RightSizingSettings settings, Policy policy,
            Mode mode, CheckOptions.Output output, PrintStream out, PrintStream err, Clock clock) {
        if (prometheusUrl == null || prometheusUrl.isBlank()) {
            err.println(CheckCommand.NAME + ": --recommend needs a Prometheus: give --prometheus URL, or --policy with "
                    + "dapr-guard.rightsizing.prometheus.url");
            return CheckReport.INCOMPLETE;
        }
        URI url;
        try {
            url = new URI(prometheusUrl.trim());
        } catch (URISyntaxException e) {
            err.println(CheckCommand.NAME + ": --prometheus is not a URL: " + prometheusUrl);
            return CheckReport.INCOMPLETE;
        }
        KubeApi api;
        try {
            api = new KubeApi(KubeApi.connect(options.kubeconfig(), options.context(), TIMEOUT), 500, 50, TIMEOUT);
        } catch (RuntimeException e) {
            err.println(CheckCommand.NAME + ": cannot use the kubeconfig: " + e.getMessage());
            return CheckReport.INCOMPLETE;
        }
        try (api) {
            UsageSource source = new PrometheusSource(url, path(prometheus == null ? null : prometheus.bearerTokenFile()),
                    path(prometheus == null ? null : prometheus.caFile()),
                    prometheus == null ? TIMEOUT : prometheus.timeout(), settings.window());
            return run(source, settings, policy, mode, options.namespace(), audit -> audit.run(api, options.namespace()),
                    output, out, err, clock);
        }
    }

    /** Recommends with {@code source} over the cluster {@code run} reads, and prints; the exit code. */
    static int run(UsageSource source, RightSizingSettings settings, Policy policy, Mode mode, String namespace,
            Function<ClusterAudit, AuditResult> run, CheckOptions.Output output, PrintStream out, PrintStream err,
            Clock clock) {
        RightSizer sizer = new RightSizer(source, settings, clock);
        AuditResult result = run.apply(new ClusterAudit(policy, new NamespaceModes(ClusterCheck.EXCLUDED, mode), clock,
                sizer));
        int code = CheckReport.OK;
        if (!result.complete()) {
            err.println(CheckCommand.NAME + ": cluster: incomplete: " + result.failure());
            code = CheckReport.INCOMPLETE;
        }
        if (result.namespaces().isEmpty()) {
            err.println(CheckCommand.NAME + ": no namespace was audited (excluded, or daprguard.io/mode=off)");
        } else if (!sizer.up()) {
            err.println(CheckCommand.NAME + ": " + sizer.lastError());
            code = CheckReport.INCOMPLETE;
        }
        List<SidecarSizing> sizings = sizer.sizings();
        out.print(switch (output) {
            case JSON -> json(sizings, source.name(), settings);
            case PATCH -> patches(sizings);
            default -> table(sizings, settings);
        });
        return code;
    }

    /** One line per workload: the values now and recommended, and whether they differ materially. */
    static String table(List<SidecarSizing> sizings, RightSizingSettings settings) {
        if (sizings.isEmpty()) {
            return "no workload has enough daprd history for a recommendation (at least " + settings.minSamples()
                    + " samples over " + settings.minHistory().toHours() + "h in the last " + settings.windowText()
                    + ")\n";
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAMESPACE", "WORKLOAD", "PODS", "SAMPLES", "MEMORY NOW", "MEMORY RECOMMENDED", "CPU NOW",
            "CPU RECOMMENDED", "GOMEMLIMIT", "DIFFERS"});
        for (SidecarSizing s : sizings) {
            rows.add(new String[] {s.owner().namespace(), s.owner().kubectlName(), String.valueOf(s.basis().pods()),
                String.valueOf(s.basis().samples()), pair(s.current().memoryRequest(), s.current().memoryLimit()),
                pair(s.recommended().memoryRequest(), s.recommended().memoryLimit()),
                pair(s.current().cpuRequest(), s.current().cpuLimit()),
                pair(s.recommended().cpuRequest(), s.recommended().cpuLimit()), s.recommended().gomemlimit(),
                s.material() ? "yes" : "no"});
        }
        int[] widths = new int[rows.get(0).length];
        rows.forEach(r -> {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        });
        StringBuilder text = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format(Locale.ROOT, "%-" + (widths[i] + 2) + "s", r[i]));
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    /** Every recommendation with what it rests on, as JSON. */
    static String json(List<SidecarSizing> sizings, String source, RightSizingSettings settings) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("source", source);
        root.put("window", settings.windowText());
        ArrayNode list = root.putArray("recommendations");
        for (SidecarSizing s : sizings) {
            ObjectNode r = list.addObject();
            r.put("namespace", s.owner().namespace()).put("kind", s.owner().kind()).put("name", s.owner().name());
            r.put("differs", s.material());
            ObjectNode basis = r.putObject("basis");
            basis.put("window", s.basis().window()).put("samples", s.basis().samples()).put("pods", s.basis().pods())
                    .put("memoryP95Bytes", Math.round(s.basis().memoryP95()))
                    .put("memoryPeakBytes", Math.round(s.basis().memoryPeak()))
                    .put("cpuP95Cores", s.basis().cpuP95()).put("cpuPeakCores", s.basis().cpuPeak())
                    .put("oomKilledAtBytes", Math.round(s.basis().oomLimit()));
            resources(r.putObject("current"), s.current());
            resources(r.putObject("recommended"), s.recommended());
            ObjectNode annotations = r.putObject("annotations");
            annotations(s).forEach(annotations::put);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    /**
     * {@code kubectl patch} commands for the workloads whose values differ materially: a merge patch of the pod
     * template's annotations (a CronJob's job template's), to be followed by a restart. A bare pod cannot be patched
     * so: it gets a comment with the annotations to set in its manifest.
     */
    static String patches(List<SidecarSizing> sizings) {
        StringBuilder text = new StringBuilder();
        for (SidecarSizing s : sizings) {
            if (!s.material()) {
                continue;
            }
            Map<String, String> annotations = annotations(s);
            String kind = s.owner().kind().toLowerCase(Locale.ROOT);
            if (kind.equals("pod")) {
                text.append("# pod/").append(s.owner().name()).append(" -n ").append(s.owner().namespace())
                        .append(" has no owner: set these annotations in its manifest and re-create it: ")
                        .append(JSON.writeValueAsString(annotations)).append('\n');
                continue;
            }
            ObjectNode patch = JsonNodeFactory.instance.objectNode();
            ObjectNode spec = patch.putObject("spec");
            if (kind.equals("cronjob")) {
                spec = spec.putObject("jobTemplate").putObject("spec");
            }
            ObjectNode target = spec.putObject("template").putObject("metadata").putObject("annotations");
            annotations.forEach(target::put);
            text.append("kubectl -n ").append(s.owner().namespace()).append(" patch ").append(kind).append(' ')
                    .append(s.owner().name()).append(" --type merge -p ")
                    .append(shellQuote(JSON.writeValueAsString(patch))).append('\n');
        }
        return text.toString();
    }

    /** The four annotations and the new {@code dapr.io/env} (GOMEMLIMIT set, every other variable kept). */
    static Map<String, String> annotations(SidecarSizing s) {
        Map<String, String> annotations = new LinkedHashMap<>();
        s.annotations().forEach(a -> annotations.put(a[0], a[1]));
        annotations.put(DaprAnnotations.ENV, DaprEnv.set(s.env(), "GOMEMLIMIT", s.recommended().gomemlimit()));
        return annotations;
    }

    private static void resources(ObjectNode node, SidecarSizing.Resources r) {
        node.put("cpuRequest", r.cpuRequest()).put("cpuLimit", r.cpuLimit()).put("memoryRequest", r.memoryRequest())
                .put("memoryLimit", r.memoryLimit()).put("gomemlimit", r.gomemlimit());
    }

    private static String pair(String request, String limit) {
        return (request.isEmpty() ? "-" : request) + "/" + (limit.isEmpty() ? "-" : limit);
    }

    private static Optional<java.nio.file.Path> path(String file) {
        return file == null || file.isBlank() ? Optional.empty() : Optional.of(java.nio.file.Path.of(file.trim()));
    }

    /** A POSIX shell single-quoted word. */
    static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}

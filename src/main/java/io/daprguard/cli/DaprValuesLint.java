package io.daprguard.cli;

import io.daprguard.cli.DocumentParser.Document;
import io.daprguard.cli.Finding.Level;
import io.daprguard.dapr.Quantity;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Lints the values file of Dapr's own Helm chart ({@code dapr/dapr}) against the production guideline. The file is
 * reported as one object of kind {@value #KIND}, name {@value #NAME}, with these findings:
 *
 * <table>
 *   <caption>checks</caption>
 *   <tr><th>id</th><th>level</th><th>wants</th></tr>
 *   <tr><td>{@code values-mtls}</td><td>deny</td><td>{@code global.mtls.enabled} not false</td></tr>
 *   <tr><td>{@code values-ha}</td><td>warn</td><td>{@code global.ha.enabled: true} (3 replicas of each
 *       control-plane service) and {@code global.ha.replicaCount}, if set, at least 3</td></tr>
 *   <tr><td>{@code values-resources}</td><td>warn</td><td>cpu and memory requests for the operator, placement
 *       (unless {@code dapr_placement.scaleZero}), sentry, sidecar injector and scheduler; the message quotes the
 *       guideline's starting values, with its memory limits or, with
 *       {@code dapr-guard.control-plane.memory-limits=false}, the current upstream advice of none (a memory limit
 *       is then reported)</td></tr>
 *   <tr><td>{@code values-priority-class}</td><td>warn</td><td>{@code global.priorityClassName} set (the
 *       current upstream page: {@code system-cluster-critical})</td></tr>
 *   <tr><td>{@code values-drop-capabilities}</td><td>warn</td><td>{@code
 *       dapr_sidecar_injector.sidecarDropALLCapabilities: true} (daprd in Restricted namespaces)</td></tr>
 *   <tr><td>{@code values-watchdog}</td><td>warn</td><td>{@code dapr_operator.watchInterval} set and not
 *       {@code "0"} (the injector watchdog is off by default)</td></tr>
 * </table>
 */
final class DaprValuesLint {

    static final String KIND = "HelmValues";
    static final String NAME = "dapr";

    static final String MTLS = "values-mtls";
    static final String HA = "values-ha";
    static final String RESOURCES = "values-resources";
    static final String DROP_CAPABILITIES = "values-drop-capabilities";
    static final String WATCHDOG = "values-watchdog";
    static final String PRIORITY_CLASS = "values-priority-class";

    /** Every check id, in the order the findings are reported. */
    static final List<String> IDS = List.of(MTLS, HA, RESOURCES, DROP_CAPABILITIES, WATCHDOG, PRIORITY_CLASS);

    private static final int HA_REPLICAS = 3;

    /**
     * A control-plane service and the guideline's starting resources for it ("Cluster and capacity requirements");
     * null values where the guideline's table has no row (the scheduler, new in Dapr 1.14).
     */
    private record Service(String key, String title, String cpuRequest, String memoryRequest, String cpuLimit,
            String memoryLimit) {}

    private static final List<Service> SERVICES = List.of(
            new Service("dapr_operator", "the operator", "100m", "100Mi", "1", "200Mi"),
            new Service("dapr_placement", "the placement service", "250m", "75Mi", "1", "150Mi"),
            new Service("dapr_sentry", "sentry", "100m", "30Mi", "1", "200Mi"),
            new Service("dapr_sidecar_injector", "the sidecar injector", "100m", "30Mi", "1", "200Mi"),
            new Service("dapr_scheduler", "the scheduler", null, null, null, null));

    private DaprValuesLint() {}

    /**
     * Reads and lints one values file.
     *
     * @param memoryLimits whether the advice includes the seed guideline's memory limits (see the class comment)
     */
    static FileReport lint(String file, boolean memoryLimits) {
        String text;
        try {
            text = ManifestReader.decode(Files.readAllBytes(Path.of(file)));
        } catch (NoSuchFileException e) {
            return failed(file, "no such file or directory");
        } catch (CharacterCodingException e) {
            return failed(file, "not UTF-8 text");
        } catch (IOException e) {
            return failed(file, "cannot read: " + e.getMessage());
        }
        return lint(file, text, memoryLimits);
    }

    /** Lints the text of a values file named {@code file}. */
    static FileReport lint(String file, String text, boolean memoryLimits) {
        DocumentParser.Result parsed = DocumentParser.parse(text, DocumentParser.Format.AUTO);
        if (!parsed.errors().isEmpty()) {
            return new FileReport(file, List.of(), parsed.errors());
        }
        List<Document> documents = parsed.documents();
        if (documents.size() > 1) {
            return new FileReport(file, List.of(), List.of(InputError.at(documents.get(1).line(),
                    "a Helm values file has one document; this is the second")));
        }
        JsonNode values = documents.isEmpty() ? JsonNodeFactory.instance.objectNode() : documents.get(0).node();
        int line = documents.isEmpty() ? 1 : documents.get(0).line();
        if (!values.isObject()) {
            return new FileReport(file, List.of(), List.of(InputError.at(line,
                    "not a Helm values file: the document is not a mapping")));
        }
        SourceLines lines = documents.isEmpty() ? SourceLines.NONE : documents.get(0).lines();
        List<Finding> findings = check(values, memoryLimits).stream()
                .map(finding -> finding.at(FindingLines.locate(finding.message(), lines)))
                .toList();
        ObjectReport report = new ObjectReport("", KIND, "", NAME, line, null, true, findings, List.of());
        return new FileReport(file, List.of(report), List.of());
    }

    /** The findings for a values tree, deny level first, then in check order. */
    static List<Finding> check(JsonNode values, boolean memoryLimits) {
        List<Finding> findings = new ArrayList<>();
        mtls(values, findings);
        highAvailability(values, findings);
        boolean placementOff = isTrue(values.path("dapr_placement").path("scaleZero"));
        for (Service service : SERVICES) {
            if (!(placementOff && service.key().equals("dapr_placement"))) {
                resources(values, service, memoryLimits, findings);
            }
        }
        dropCapabilities(values, findings);
        watchdog(values, findings);
        priorityClass(values, findings);
        findings.sort(Comparator.comparing(Finding::level));
        return findings;
    }

    private static void mtls(JsonNode values, List<Finding> findings) {
        if (isFalse(values.path("global").path("mtls").path("enabled"))) {
            findings.add(new Finding(MTLS, Level.DENY, "global.mtls.enabled is false, so sidecars talk to each other"
                    + " unencrypted and unauthenticated; remove it or set global.mtls.enabled: true (the guideline"
                    + " requires mTLS, Dapr's default)"));
        }
    }

    private static void highAvailability(JsonNode values, List<Finding> findings) {
        JsonNode ha = values.path("global").path("ha");
        JsonNode enabled = ha.path("enabled");
        if (!isTrue(enabled)) {
            String state = isAbsent(enabled) ? "is not set (the chart's default is false)" : "is not true";
            findings.add(new Finding(HA, Level.WARN, "global.ha.enabled " + state + ", so each control-plane"
                    + " service runs one replica and one node failure takes it down; set global.ha.enabled: true"
                    + " (3 replicas of each control-plane service)"));
            return;
        }
        JsonNode replicas = ha.path("replicaCount");
        if (!isAbsent(replicas) && replicas.asInt(HA_REPLICAS) < HA_REPLICAS) {
            findings.add(new Finding(HA, Level.WARN, "global.ha.replicaCount is " + replicas.asString()
                    + "; the guideline's highly available control plane runs 3 replicas of each service; set it"
                    + " to 3 or remove it"));
        }
    }

    private static void resources(JsonNode values, Service service, boolean memoryLimits, List<Finding> findings) {
        String key = service.key() + ".resources";
        JsonNode resources = values.path(service.key()).path("resources");
        JsonNode requests = resources.path("requests");
        String guideline = service.cpuRequest() == null
                ? "the guideline's table has no row for it: size it from monitoring"
                : "the guideline's starting point is requests cpu " + service.cpuRequest() + ", memory "
                        + service.memoryRequest() + " and limits cpu " + service.cpuLimit() + (memoryLimits
                                ? ", memory " + service.memoryLimit() + " (the current upstream page advises no"
                                        + " memory limit on control-plane pods)"
                                : " and no memory limit (the current upstream advice)");
        if (!memoryLimits && !isAbsent(resources.path("limits").path("memory"))) {
            findings.add(new Finding(RESOURCES, Level.WARN, key + ".limits.memory is set; the current upstream"
                    + " production page advises no memory limit on control-plane pods (an OOM kill stops "
                    + service.title() + "); remove it"));
        }
        if (!requests.isObject() || requests.isEmpty()) {
            findings.add(new Finding(RESOURCES, Level.WARN, key + " sets no requests, so " + service.title()
                    + " gets no guaranteed CPU or memory; " + guideline));
            return;
        }
        request(requests, key, "cpu", service.cpuRequest(), findings);
        request(requests, key, "memory", service.memoryRequest(), findings);
    }

    private static void request(JsonNode requests, String key, String resource, String start, List<Finding> findings) {
        JsonNode value = requests.path(resource);
        String advice = start == null ? "" : "; the guideline's starting point is " + start;
        if (isAbsent(value)) {
            findings.add(new Finding(RESOURCES, Level.WARN, key + ".requests sets no " + resource + advice));
        } else if (!(value.isString() || value.isNumber()) || !Quantity.isValid(value.asString())) {
            findings.add(new Finding(RESOURCES, Level.WARN, key + ".requests." + resource + " \"" + value.asString()
                    + "\" is not a Kubernetes quantity" + advice));
        }
    }

    private static void dropCapabilities(JsonNode values, List<Finding> findings) {
        if (!isTrue(values.path("dapr_sidecar_injector").path("sidecarDropALLCapabilities"))) {
            findings.add(new Finding(DROP_CAPABILITIES, Level.WARN, "dapr_sidecar_injector.sidecarDropALLCapabilities"
                    + " is not true, so daprd keeps its Linux capabilities and is refused in namespaces that enforce"
                    + " the Restricted pod security profile; set it to true"));
        }
    }

    private static void watchdog(JsonNode values, List<Finding> findings) {
        JsonNode interval = values.path("dapr_operator").path("watchInterval");
        boolean off = isAbsent(interval) || "0".equals(interval.asString().strip());
        if (off) {
            String state = isAbsent(interval) ? "is not set (the chart's default is \"0\")" : "is \"0\"";
            findings.add(new Finding(WATCHDOG, Level.WARN, "dapr_operator.watchInterval " + state + ", so the"
                    + " injector watchdog is off and pods that started without their daprd sidecar stay that way;"
                    + " set it to a duration such as \"60s\" (or \"once\" to check only at operator start)"));
        }
    }

    private static void priorityClass(JsonNode values, List<Finding> findings) {
        if (isAbsent(values.path("global").path("priorityClassName"))) {
            findings.add(new Finding(PRIORITY_CLASS, Level.WARN, "global.priorityClassName is not set, so under node"
                    + " pressure control-plane pods are preempted or evicted like any other; set it to"
                    + " system-cluster-critical (the current upstream production page)"));
        }
    }

    private static boolean isAbsent(JsonNode node) {
        return node.isMissingNode() || node.isNull() || (node.isString() && node.stringValue().isBlank());
    }

    private static boolean isTrue(JsonNode node) {
        return node.isBoolean() ? node.booleanValue()
                : node.isString() && "true".equals(node.stringValue().strip().toLowerCase(Locale.ROOT));
    }

    private static boolean isFalse(JsonNode node) {
        return node.isBoolean() ? !node.booleanValue()
                : node.isString() && "false".equals(node.stringValue().strip().toLowerCase(Locale.ROOT));
    }

    private static FileReport failed(String file, String message) {
        return new FileReport(file, List.of(), List.of(InputError.file(message)));
    }
}

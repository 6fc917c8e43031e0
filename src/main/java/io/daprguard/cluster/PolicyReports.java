package io.daprguard.cluster;

import io.daprguard.rules.NamespaceFacts.ObjectRef;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the audit's findings as one report named {@value #NAME} per namespace with findings, in the format Policy
 * Reporter reads: {@code wgpolicyk8s.io/v1alpha2 PolicyReport}, or OpenReports' {@code openreports.io/v1alpha1 Report}
 * where that is served. Each result has {@code source} and {@code policy} {@value #NAME}, the rule id as
 * {@code rule}, {@code fail} for a deny-level finding and {@code warn} otherwise, the message and the object.
 *
 * <p>Bounded, so that a large cluster never fills etcd with reports: at most {@code maxResults} results per report
 * (the summary still counts all, and an annotation says how many were left out); nothing is written when a report
 * would not change (a result keeps the timestamp of the run that first found it); the report of a namespace that
 * became clean, or is no longer audited, is deleted. Only a complete run may change reports: the caller never syncs
 * a partial one.
 */
public final class PolicyReports {

    /** The name of every report, and its source and policy. */
    public static final String NAME = "dapr-guard";

    /** The label that marks reports written by dapr-guard. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    /** Set when results were left out: how many. */
    static final String OMITTED = "daprguard.io/results-omitted";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KubeApi api;
    private final int maxResults;
    private final Clock clock;

    /** What one sync did. */
    public record Sync(int created, int updated, int deleted, int unchanged) {}

    public PolicyReports(KubeApi api, int maxResults, Clock clock) {
        this.api = api;
        this.maxResults = maxResults;
        this.clock = clock;
    }

    /** The report kind the cluster serves (OpenReports first), or null when it serves neither. */
    public ApiKind discover() throws ClusterException {
        if (api.serves(ApiKind.OPEN_REPORT)) {
            return ApiKind.OPEN_REPORT;
        }
        return api.serves(ApiKind.POLICY_REPORT) ? ApiKind.POLICY_REPORT : null;
    }

    /** Makes the cluster's reports of this kind match a complete run. */
    public Sync sync(ApiKind kind, List<AuditFinding> findings) throws ClusterException {
        Map<String, JsonNode> existing = new HashMap<>();
        api.list(kind, null, MANAGED_BY + "=" + NAME, report -> {
            if (NAME.equals(report.path("metadata").path("name").asString(""))) {
                existing.put(report.path("metadata").path("namespace").asString(""), report);
            }
        });
        Map<String, List<AuditFinding>> byNamespace = new TreeMap<>();
        findings.forEach(finding -> byNamespace.computeIfAbsent(finding.subject().namespace(), ns -> new ArrayList<>())
                .add(finding));
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        for (Map.Entry<String, List<AuditFinding>> entry : byNamespace.entrySet()) {
            String namespace = entry.getKey();
            JsonNode old = existing.remove(namespace);
            ObjectNode report = build(kind, namespace, entry.getValue(), old);
            if (old == null) {
                api.create(kind, namespace, report);
                created++;
            } else if (sameContent(old, report)) {
                unchanged++;
            } else {
                ((ObjectNode) report.path("metadata")).put("resourceVersion",
                        old.path("metadata").path("resourceVersion").asString(""));
                api.replace(kind, namespace, NAME, report);
                updated++;
            }
        }
        for (String namespace : existing.keySet()) {
            api.delete(kind, namespace, NAME);
        }
        return new Sync(created, updated, existing.size(), unchanged);
    }

    /** The report of one namespace; results found before keep their timestamp. */
    ObjectNode build(ApiKind kind, String namespace, List<AuditFinding> findings, JsonNode old) {
        Map<String, JsonNode> before = new HashMap<>();
        if (old != null) {
            for (JsonNode result : old.path("results")) {
                before.put(resultKey(kind, result), result.path("timestamp"));
            }
        }
        List<AuditFinding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing((AuditFinding f) -> f.level().ordinal())
                .thenComparing(f -> f.subject().kind()).thenComparing(f -> f.subject().name())
                .thenComparing(AuditFinding::rule).thenComparing(AuditFinding::message));
        ObjectNode report = JSON.createObjectNode();
        report.put("apiVersion", kind.apiVersion()).put("kind", kind.kind());
        ObjectNode metadata = report.putObject("metadata");
        metadata.put("name", NAME).put("namespace", namespace);
        metadata.putObject("labels").put(MANAGED_BY, NAME);
        if (sorted.size() > maxResults) {
            metadata.putObject("annotations").put(OMITTED, Integer.toString(sorted.size() - maxResults));
        }
        int fail = (int) sorted.stream().filter(f -> f.level() == AuditFinding.Level.DENY).count();
        report.putObject("summary").put("pass", 0).put("fail", fail).put("warn", sorted.size() - fail)
                .put("error", 0).put("skip", 0);
        ArrayNode results = report.putArray("results");
        long now = Instant.now(clock).getEpochSecond();
        for (AuditFinding finding : sorted.subList(0, Math.min(sorted.size(), maxResults))) {
            ObjectNode result = JSON.createObjectNode();
            result.put("source", NAME).put("policy", NAME).put("rule", finding.rule())
                    .put("result", finding.level() == AuditFinding.Level.DENY ? "fail" : "warn")
                    .put("severity", finding.level() == AuditFinding.Level.DENY ? "high" : "medium")
                    .put("message", finding.message());
            ObjectRef subject = finding.subject();
            ArrayNode refs = result.putArray(kind == ApiKind.OPEN_REPORT ? "subjects" : "resources");
            refs.addObject().put("apiVersion", subject.apiVersion()).put("kind", subject.kind())
                    .put("namespace", subject.namespace()).put("name", subject.name());
            JsonNode timestamp = before.get(resultKey(kind, result));
            if (timestamp != null && timestamp.isObject()) {
                result.set("timestamp", timestamp);
            } else {
                result.putObject("timestamp").put("seconds", now).put("nanos", 0);
            }
            results.add(result);
        }
        return report;
    }

    private static String resultKey(ApiKind kind, JsonNode result) {
        JsonNode ref = result.path(kind == ApiKind.OPEN_REPORT ? "subjects" : "resources").path(0);
        return result.path("rule").asString("") + "|" + result.path("result").asString("") + "|"
                + ref.path("kind").asString("") + "|" + ref.path("name").asString("") + "|"
                + result.path("message").asString("");
    }

    private static boolean sameContent(JsonNode old, ObjectNode report) {
        return old.path("results").equals(report.path("results")) && old.path("summary").equals(report.path("summary"))
                && old.path("metadata").path("annotations").path(OMITTED)
                        .equals(report.path("metadata").path("annotations").path(OMITTED));
    }
}

package io.daprguard.cli;

import java.util.List;

/**
 * The result for one object.
 *
 * @param apiVersion the object's apiVersion ({@code ""} for a Helm values file)
 * @param kind the object's kind
 * @param namespace metadata.namespace, or the default namespace when it has none
 * @param name metadata.name, else metadata.generateName, else {@code ""}
 * @param line the 1-based line the object starts at in its file
 * @param source the {@code # Source:} comment above the document ({@code helm template}), or null
 * @param reviewed false when the engine does not review the object (other kinds, pods without Dapr...)
 * @param findings deny findings first, then warnings, each in rule order
 * @param mutations what mutation would add, in rule order
 */
record ObjectReport(
        String apiVersion, String kind, String namespace, String name, int line, String source, boolean reviewed,
        List<Finding> findings, List<Change> mutations) {

    ObjectReport {
        findings = List.copyOf(findings);
        mutations = List.copyOf(mutations);
    }

    /** An object the engine let through without looking at it. */
    static ObjectReport notReviewed(
            String apiVersion, String kind, String namespace, String name, int line, String source) {
        return new ObjectReport(apiVersion, kind, namespace, name, line, source, false, List.of(), List.of());
    }

    boolean denied() {
        return findings.stream().anyMatch(finding -> finding.level() == Finding.Level.DENY);
    }

    boolean warned() {
        return findings.stream().anyMatch(finding -> finding.level() == Finding.Level.WARN);
    }

    /** The object as audit mode reports it: every denial becomes a warning. */
    ObjectReport audited() {
        return new ObjectReport(apiVersion, kind, namespace, name, line, source, reviewed,
                findings.stream().map(Finding::audited).toList(), mutations);
    }

    /** {@code Deployment shop/orders}: kind, then namespace/name. */
    String label() {
        String who = name.isEmpty() ? "(no name)" : name;
        return kind + " " + (namespace.isEmpty() ? who : namespace + "/" + who);
    }
}

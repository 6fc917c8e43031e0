package io.daprguard.cluster;

import io.daprguard.rules.NamespaceFacts.ObjectRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one audit run found.
 *
 * @param findings every finding, in the order they were made
 * @param subjects every object judged (workloads, bare pods, Components, Configurations), with or without findings
 * @param objects how many objects of each kind were read in the audited namespaces ({@code Pod} counts every pod)
 * @param namespaces the namespaces audited
 * @param failure why the run is incomplete (one line), or null when it read everything
 * @param calls API calls this run made (to read; the server adds its report writes, {@link #withCalls})
 */
public record AuditResult(
        List<AuditFinding> findings, List<ObjectRef> subjects, Map<String, Integer> objects, Set<String> namespaces,
        String failure, int calls) {

    public AuditResult {
        findings = List.copyOf(findings);
        subjects = List.copyOf(subjects);
        objects = Map.copyOf(objects);
        namespaces = Set.copyOf(namespaces);
    }

    /** The same result with another count of API calls. */
    public AuditResult withCalls(int total) {
        return new AuditResult(findings, subjects, objects, namespaces, failure, total);
    }

    /** Everything was read and judged: only then may reports be deleted or emptied. */
    public boolean complete() {
        return failure == null;
    }
}

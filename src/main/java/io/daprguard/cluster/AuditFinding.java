package io.daprguard.cluster;

import io.daprguard.rules.NamespaceFacts.ObjectRef;

/**
 * One finding of the cluster audit on one object (pods count under their top-level owner).
 *
 * @param subject the object (a workload, a bare pod, a Component, a Configuration)
 * @param rule the rule id
 * @param level deny or warn, after the namespace's mode (an audit-mode namespace reports a denial as a warning)
 * @param message what is wrong and how to fix it, without the {@code [rule-id]} prefix
 */
public record AuditFinding(ObjectRef subject, String rule, Level level, String message) {

    /** How serious a finding is. */
    public enum Level {
        DENY,
        WARN;

        /** {@code deny}, {@code warn}: the metric tag and the JSON name. */
        public String tag() {
            return this == DENY ? "deny" : "warn";
        }
    }

    /** Identifies the finding across runs: the same object, rule, level and message. */
    public String key() {
        return subject.apiVersion() + "|" + subject.kind() + "|" + subject.namespace() + "|" + subject.name() + "|"
                + rule + "|" + level.tag() + "|" + message;
    }
}

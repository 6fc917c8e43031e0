package io.daprguard.cluster;

import io.daprguard.policy.Mode;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Which namespaces the audit looks at, and in which mode: the same as the webhook configurations decide it (see the
 * chart's {@code dapr-guard.webhooks}). Excluded namespaces and those labelled {@code daprguard.io/mode=off} are not
 * audited; {@code daprguard.io/mode=audit} reports denials as warnings; so does every namespace when the global mode
 * is audit.
 *
 * @param excluded namespace names never reviewed (kube-system, the release namespace, webhook.excludeNamespaces)
 * @param globalMode the server's mode
 * @param selector a label selector: only the namespaces it selects are audited; null for all
 */
public record NamespaceModes(Set<String> excluded, Mode globalMode, String selector) {

    /** The label the webhook configurations' namespaceSelectors read. */
    public static final String MODE_LABEL = "daprguard.io/mode";

    public NamespaceModes {
        excluded = Set.copyOf(excluded);
        selector = selector == null || selector.isBlank() ? null : selector;
    }

    /** Every namespace but the excluded ones. */
    public NamespaceModes(Set<String> excluded, Mode globalMode) {
        this(excluded, globalMode, null);
    }

    /** The mode findings in this namespace are reported in, or null when it is not audited. */
    public Mode of(String name, JsonNode namespace) {
        if (excluded.contains(name)) {
            return null;
        }
        String label = namespace == null ? ""
                : namespace.path("metadata").path("labels").path(MODE_LABEL).asString("");
        if ("off".equals(label)) {
            return null;
        }
        return "audit".equals(label) || globalMode == Mode.AUDIT ? Mode.AUDIT : Mode.ENFORCE;
    }
}

package io.daprguard.policy;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;

/**
 * The engine's answer to one review.
 *
 * @param decision allowed, patched or denied
 * @param message the denial message ({@code [rule-id] what; fix} lines), null unless denied
 * @param patch the RFC 6902 patch, null unless patched
 * @param warnings warning texts, before the transport limits are applied
 * @param outcomes one per rule that ran or was skipped; empty when the object was not reviewed
 * @param reviewed false when the object was let through at once (not Dapr-enabled, not a reviewed kind...)
 */
public record Verdict(
        Decision decision, String message, ArrayNode patch, List<String> warnings, List<RuleOutcome> outcomes,
        boolean reviewed) {

    /** The three possible decisions; also the {@code result} tag of the request metric. */
    public enum Decision {
        ALLOWED,
        PATCHED,
        DENIED
    }

    private static final Verdict NOT_REVIEWED = new Verdict(Decision.ALLOWED, null, null, List.of(), List.of(), false);

    public Verdict {
        warnings = List.copyOf(warnings);
        outcomes = List.copyOf(outcomes);
    }

    /** Let through at once: nothing for dapr-guard to look at. */
    public static Verdict notReviewed() {
        return NOT_REVIEWED;
    }
}

package io.daprguard.rules;

/**
 * One thing a rule found wrong, worded as {@code what is wrong; how to fix it}.
 *
 * @param message what is wrong and how to fix it, without the rule id (the engine adds {@code [rule-id]})
 * @param advisory true when the finding is only ever a warning, even under a {@code deny} rule (for example
 *     {@code GOMEMLIMIT=off}); false when it follows the rule's action
 */
public record Problem(String message, boolean advisory) {

    /** A finding that follows the rule's action. */
    public static Problem violation(String message) {
        return new Problem(message, false);
    }

    /** A finding that is a warning whatever the rule's action. */
    public static Problem advisory(String message) {
        return new Problem(message, true);
    }
}

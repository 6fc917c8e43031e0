package io.daprguard.policy;

/**
 * What the skip annotations of an object decide for one rule (see {@link PolicyEngine#skipOf}).
 *
 * @param skipped the rule does not apply to the object: a valid {@code daprguard.io/skip} names it
 * @param expiredOn the end of the object's expired exception for the rule, as written, or null: the rule applies
 *     again and its findings say so ({@link PolicyEngine#expiredNote})
 */
public record RuleSkip(boolean skipped, String expiredOn) {

    /** No exception for the rule. */
    public static final RuleSkip NONE = new RuleSkip(false, null);
}

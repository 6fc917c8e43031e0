package io.daprguard.policy;

/** Decides one review; {@link PolicyEngine} is the implementation, tests may supply others. */
@FunctionalInterface
public interface Reviewer {

    /**
     * @param mode the effective mode (the global one, or audit on the {@code /audit} paths)
     */
    Verdict review(ReviewRequest request, Webhook webhook, Mode mode);
}

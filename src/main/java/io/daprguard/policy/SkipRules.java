package io.daprguard.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How exceptions granted with {@code daprguard.io/skip} are limited.
 *
 * @param maxDuration the furthest a {@code daprguard.io/skip-until} may lie in the future; a later end is refused
 * @param requireReason whether a skip without {@code daprguard.io/skip-reason} is refused
 */
public record SkipRules(Duration maxDuration, boolean requireReason) {

    /** The defaults: an end at most 90 days away, a reason optional. */
    public static final SkipRules DEFAULT = new SkipRules(Duration.ofDays(90), false);

    public SkipRules {
        Objects.requireNonNull(maxDuration, "maxDuration");
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new IllegalArgumentException("dapr-guard.skip.max-duration must be positive, was " + maxDuration);
        }
    }
}

package io.daprguard.policy;

import java.util.List;
import java.util.Locale;

/**
 * What one rule did to one object, as immutable values (like Kyverno's rule responses).
 *
 * @param details the changes made or the messages found (never secret values)
 */
public record RuleOutcome(String rule, Kind kind, List<String> details) {

    /** The outcome of a rule, also the {@code outcome} tag of the rule metric. */
    public enum Kind {
        PASS,
        VIOLATION,
        WARNING,
        MUTATED,
        SKIPPED,
        /** A {@code daprguard.io/skip} of the rule has expired: the rule ran again (its own outcome follows). */
        EXPIRED;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public RuleOutcome {
        details = List.copyOf(details);
    }
}

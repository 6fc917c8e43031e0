package io.daprguard.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One finding on one object: a rule, its level and its message.
 *
 * @param rule the rule id ({@code sidecar-resources}, {@code values-ha}...), or null for an engine warning that
 *     belongs to no rule (a {@code daprguard.io/skip} that names an unknown rule)
 * @param level deny or warn, after the mode is applied (audit reports every denial as a warning)
 * @param message what is wrong and how to fix it, without the {@code [rule-id]} prefix
 * @param line the 1-based line of what the finding is about (the annotation or field it names), or null when it
 *     could not be told; reports then use the object's line
 */
record Finding(String rule, Level level, String message, Integer line) {

    /** A finding whose line is not known. */
    Finding(String rule, Level level, String message) {
        this(rule, level, message, null);
    }

    /** How serious a finding is. */
    enum Level {
        DENY,
        WARN;

        /** The lower-case name used in JSON ({@code deny}, {@code warn}). */
        String jsonName() {
            return this == DENY ? "deny" : "warn";
        }
    }

    private static final Pattern PREFIXED = Pattern.compile("\\[([a-z0-9][a-z0-9-]*)] (.*)", Pattern.DOTALL);

    /** Splits an engine line such as {@code [sidecar-resources] what; fix} into rule and message. */
    static Finding parse(Level level, String line) {
        Matcher matcher = PREFIXED.matcher(line);
        return matcher.matches()
                ? new Finding(matcher.group(1), level, matcher.group(2))
                : new Finding(null, level, line);
    }

    /** The finding as the server's audit mode reports a denial: a warning that says it would deny. */
    Finding audited() {
        return level == Level.DENY ? new Finding(rule, Level.WARN, "would deny: " + message, line) : this;
    }

    /** The same finding at a line of its file. */
    Finding at(Integer fileLine) {
        return new Finding(rule, level, message, fileLine);
    }

    /** The text as the webhook prints it: {@code [rule-id] message}. */
    String text() {
        return rule == null ? message : "[" + rule + "] " + message;
    }
}

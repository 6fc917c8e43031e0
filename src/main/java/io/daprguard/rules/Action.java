package io.daprguard.rules;

import java.util.Locale;

/**
 * What a rule's findings do, named as Gatekeeper names its enforcement actions.
 *
 * <ul>
 *   <li>{@code deny}: a violation turns the object away (in enforce mode);
 *   <li>{@code warn}: findings are returned as warnings, the object is admitted;
 *   <li>{@code off}: the rule neither mutates nor validates.
 * </ul>
 */
public enum Action {
    DENY,
    WARN,
    OFF;

    /** Lower-case configuration name. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a configuration value. YAML 1.1 reads an unquoted {@code off} as the boolean false, so {@code false}
     * is accepted as {@code off}.
     */
    public static Action parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "deny" -> DENY;
            case "warn" -> WARN;
            case "off", "false" -> OFF;
            default -> throw new IllegalArgumentException(
                    "unknown rule action '" + text + "'; use deny, warn or off");
        };
    }
}

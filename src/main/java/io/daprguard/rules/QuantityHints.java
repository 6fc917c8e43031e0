package io.daprguard.rules;

import io.daprguard.dapr.Quantity;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Suggests the Kubernetes quantity a user most likely meant ({@code 1000MB} -> {@code 1000M} or {@code 1000Mi}). */
final class QuantityHints {

    private static final Pattern NUMBER_AND_UNIT = Pattern.compile("^([+-]?[0-9.]+)([a-zA-Z]*)$");

    private QuantityHints() {}

    /** How to write the value, for example {@code write "1000Mi" (or "1000M")}; never empty. */
    static String fix(String invalid, SidecarResource resource) {
        String example = resource.resource().equals("cpu") ? "\"300m\"" : "\"1000Mi\"";
        if (invalid == null) {
            return "use a quantity such as " + example;
        }
        String compact = invalid.strip().replace(" ", "").replace(',', '.');
        Matcher matcher = NUMBER_AND_UNIT.matcher(compact);
        if (matcher.matches()) {
            String number = matcher.group(1);
            String unit = matcher.group(2);
            String lower = unit.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "kb", "mb", "gb", "tb" -> {
                    String decimal = number + (lower.equals("kb") ? "k" : lower.substring(0, 1).toUpperCase(Locale.ROOT));
                    String binary = number + Character.toUpperCase(lower.charAt(0)) + "i";
                    return "write \"" + binary + "\" (binary) or \"" + decimal + "\" (decimal)";
                }
                case "kib", "mib", "gib", "tib", "ki", "mi", "gi", "ti" -> {
                    String candidate = number + Character.toUpperCase(lower.charAt(0)) + "i";
                    if (Quantity.isValid(candidate)) {
                        return "write \"" + candidate + "\"";
                    }
                }
                case "k" -> {
                    return "write \"" + number + "k\" (decimal) or \"" + number + "Ki\" (binary)";
                }
                default -> {
                    if (Quantity.isValid(compact)) {
                        return "write \"" + compact + "\"";
                    }
                }
            }
        }
        return "use a quantity such as " + example;
    }
}

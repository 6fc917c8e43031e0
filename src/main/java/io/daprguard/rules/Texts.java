package io.daprguard.rules;

/**
 * How messages quote what the user wrote: printable ASCII only (answers travel in HTTP headers and logs), at most
 * {@value #MAX_QUOTED} characters, so a megabyte-long annotation never turns into a megabyte-long denial, warning
 * or audit line.
 */
public final class Texts {

    public static final int MAX_QUOTED = 64;

    private Texts() {}

    /** The value as it may appear in a message, without quotes. */
    public static String shown(String value) {
        return shown(value, MAX_QUOTED);
    }

    /** As {@link #shown(String)}, clipped to {@code max} characters where a message has less room. */
    public static String shown(String value, int max) {
        if (value == null) {
            return "";
        }
        String clipped = value.length() > max ? value.substring(0, max) : value;
        StringBuilder out = new StringBuilder(clipped.length() + 3);
        for (int i = 0; i < clipped.length(); i++) {
            char c = clipped.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (value.length() > max) {
            out.append("...");
        }
        return out.toString();
    }

    /** Items as a sentence lists them: {@code a}, {@code a and b}, {@code a, b and c}. */
    public static String listed(java.util.List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    /** The value in double quotes, as {@link #shown}. */
    public static String quoted(String value) {
        return "\"" + shown(value) + "\"";
    }
}

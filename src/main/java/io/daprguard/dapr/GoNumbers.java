package io.daprguard.dapr;

import java.util.regex.Pattern;

/** Numbers as Go's strconv reads them, for metadata values components decode into number fields. */
public final class GoNumbers {

    /** Go's {@code strconv.ParseFloat} syntax (decimal). */
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

    private GoNumbers() {}

    /**
     * Whether a number field takes {@code value}: Go's float syntax, or its integer syntax with a base prefix
     * ({@code 0x1}), as mapstructure's weak decoding parses strings for integer fields.
     */
    public static boolean isNumber(String value) {
        return FLOAT.matcher(value).matches() || parseInt(value) != null;
    }

    /**
     * Go's {@code strconv.ParseInt(s, 0, 64)}: an optional sign, then decimal, or {@code 0x}, {@code 0o} (or a
     * leading {@code 0}) or {@code 0b} for hexadecimal, octal or binary, with underscores between digits when a
     * prefix is given; null when Go would refuse it.
     */
    public static Long parseInt(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        boolean negative = s.charAt(0) == '-';
        String body = s.charAt(0) == '-' || s.charAt(0) == '+' ? s.substring(1) : s;
        int radix = 10;
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
        } else if (lower.startsWith("0b")) {
            radix = 2;
        } else if (lower.startsWith("0o")) {
            radix = 8;
        } else if (body.length() > 1 && body.charAt(0) == '0') {
            radix = 8;
            body = "0o" + body.substring(1);
        }
        String digits = radix == 10 ? body : body.substring(2);
        if (radix != 10) {
            if (digits.startsWith("_")) {
                digits = digits.substring(1);
            }
            if (digits.contains("__") || digits.endsWith("_")) {
                return null;
            }
            digits = digits.replace("_", "");
        }
        int base = radix;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c < 128 && Character.digit(c, base) >= 0)) {
            return null;
        }
        try {
            long value = Long.parseLong(digits, radix);
            return negative ? -value : value;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

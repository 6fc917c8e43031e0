package io.daprguard.dapr;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} syntax, as Dapr reads {@code dapr.io/block-shutdown-duration} and the duration
 * fields of component metadata: an optional sign, then one or more decimal numbers each with a unit ({@code ns},
 * {@code us}, {@code µs}, {@code ms}, {@code s}, {@code m}, {@code h}), such as {@code 300ms}, {@code 1.5h} or
 * {@code 2h45m}; {@code 0} alone needs no unit. No spaces.
 */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d*)(?:\\.(\\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)");

    private GoDuration() {
    }

    /** The duration in seconds, or empty when Go would refuse the text. */
    public static Optional<BigDecimal> seconds(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String s = text;
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Optional.of(BigDecimal.ZERO);
        }
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = PART.matcher(s);
        BigDecimal total = BigDecimal.ZERO;
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at || m.group(1).isEmpty() && (m.group(2) == null || m.group(2).isEmpty())) {
                return Optional.empty();
            }
            String number = (m.group(1).isEmpty() ? "0" : m.group(1))
                    + (m.group(2) == null || m.group(2).isEmpty() ? "" : "." + m.group(2));
            total = total.add(new BigDecimal(number).multiply(unit(m.group(3))));
            at = m.end();
        }
        return Optional.of(negative ? total.negate() : total);
    }

    /** True if Go's {@code time.ParseDuration} accepts the text. */
    public static boolean isValid(String text) {
        return seconds(text).isPresent();
    }

    private static BigDecimal unit(String unit) {
        return switch (unit) {
            case "ns" -> new BigDecimal("1e-9");
            case "ms" -> new BigDecimal("0.001");
            case "s" -> BigDecimal.ONE;
            case "m" -> BigDecimal.valueOf(60);
            case "h" -> BigDecimal.valueOf(3600);
            default -> new BigDecimal("1e-6"); // us, µs, μs
        };
    }
}

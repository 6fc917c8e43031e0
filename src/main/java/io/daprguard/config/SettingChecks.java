package io.daprguard.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/**
 * The checks of dapr-guard's settings, made when they are bound (in the records' constructors): a bad value stops
 * the start with a message naming the property, its allowed range and the value given. Written out rather than as
 * Bean Validation annotations: Hibernate Validator's start-up cost a tenth of the server's start (bench/README.md,
 * "The first review") for a few range checks.
 */
public final class SettingChecks {

    private SettingChecks() {
    }

    /** A value that must be present (a property set to nothing binds as null). */
    public static <T> T required(String key, T value) {
        if (value == null) {
            throw new IllegalArgumentException(key + " must be set");
        }
        return value;
    }

    /** A text that must hold something besides blanks. */
    public static String notBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        return value;
    }

    public static void between(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    public static void between(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + " must be between " + plain(min) + " and " + plain(max)
                    + ", was " + plain(value));
        }
    }

    /** A duration of at least {@code min}, when set ({@link #required} says when it must be). */
    public static void atLeast(String key, Duration value, Duration min) {
        if (value != null && value.compareTo(min) < 0) {
            throw new IllegalArgumentException(key + " must be at least " + format(min) + ", was " + format(value));
        }
    }

    /** A duration between {@code min} and {@code max}, when set. */
    public static void between(String key, Duration value, Duration min, Duration max) {
        if (value != null && (value.compareTo(min) < 0 || value.compareTo(max) > 0)) {
            throw new IllegalArgumentException(key + " must be between " + format(min) + " and " + format(max)
                    + ", was " + value);
        }
    }

    /** A duration as the settings write it: {@code 100ms}, {@code 1m}, {@code 24h}, {@code 90d}. */
    static String format(Duration duration) {
        if (duration.compareTo(Duration.ofDays(1)) > 0 && duration.equals(Duration.ofDays(duration.toDays()))) {
            return duration.toDays() + "d";
        }
        if (duration.toMillisPart() != 0 && duration.toSeconds() == 0) {
            return duration.toMillis() + "ms";
        }
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private static String plain(double value) {
        return Double.isFinite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
                : String.valueOf(value);
    }
}

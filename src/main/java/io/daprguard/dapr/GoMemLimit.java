package io.daprguard.dapr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The syntax of the Go runtime's {@code GOMEMLIMIT} environment variable, which {@code daprd} (a Go program)
 * reads at start-up.
 *
 * <p>The runtime ({@code readGOMEMLIMIT} in golang/go {@code src/runtime/mgcpacer.go}) treats an unset or empty
 * variable, or exactly {@code off}, as "no limit"; anything else goes to {@code parseByteCount}
 * ({@code src/runtime/string.go}), and if that fails the process dies at once with
 * {@code malformed GOMEMLIMIT} (exit status 2): daprd crash-loops. {@code parseByteCount} accepts what its comment
 * calls {@code ^[0-9]+(([KMGT]i)?B)?$}: a whole number of bytes, optionally followed by {@code B}, {@code KiB},
 * {@code MiB}, {@code GiB} or {@code TiB}, case-sensitive, nothing else. So {@code 900Mi} (the Kubernetes
 * spelling), {@code 900M}, {@code 900MB}, {@code 0.9GiB}, {@code 900mib}, {@code " 900MiB"}, {@code OFF} and
 * {@code -1} all crash daprd; {@code 0} is accepted (and makes the GC run continuously).
 *
 * <p>This class mirrors {@code parseByteCount} exactly rather than its comment. The differences, all
 * verified against the Go source:
 * <ul>
 *   <li>The number is parsed with the runtime's {@code Atoi64} (internal/runtime/strconv), which takes a
 *       leading {@code -} and even an empty number after it; only a negative <em>result</em> is refused. So
 *       {@code -0}, {@code -0MiB} and even {@code -KiB} (zero) are accepted by Go, and by {@link #isValid}.</li>
 *   <li>A plain {@code B} alone, {@code KiB} alone, {@code 1PiB} and {@code 1kiB} are refused.</li>
 *   <li>A value over 2<sup>63</sup>-1 bytes (after the unit) is refused as overflow.</li>
 *   <li>An empty string is what Go treats as unset (no limit, no crash); {@link #isValid} nevertheless reports
 *       it as not valid, because an empty {@code GOMEMLIMIT=} in {@code dapr.io/env} is never what was meant.</li>
 * </ul>
 * Note that {@link DaprEnv} trims the ends of each {@code dapr.io/env} entry, so {@code GOMEMLIMIT=900MiB }
 * reaches daprd without the trailing space, but {@code GOMEMLIMIT= 900MiB} keeps the leading one and crashes it.
 */
public final class GoMemLimit {

    /** The value that switches the limit off; case-sensitive. */
    public static final String OFF = "off";

    private static final long MIB = 1024L * 1024L;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    /** The largest whole number of MiB whose byte count Go still accepts (8796093022207, just under 8 EiB). */
    public static final long MAX_MIB = Long.MAX_VALUE / MIB;

    // Patterns for hint(); validation itself does not use regular expressions.
    private static final Pattern BINARY_WITHOUT_B = Pattern.compile("([0-9]+)([kmgtpe])i", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECIMAL_UNIT = Pattern.compile("([0-9]+)([kmgtpe])b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECIMALS =
            Pattern.compile("([0-9]*)\\.([0-9]+)(?:([kmgtpe])(i?))?b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WRONG_CASE = Pattern.compile("([0-9]+)(?:([kmgt])i)?b", Pattern.CASE_INSENSITIVE);
    private static final Pattern BIG_BINARY = Pattern.compile("[0-9]+[pe]ib", Pattern.CASE_INSENSITIVE);
    private static final Pattern NEGATIVE = Pattern.compile("-[0-9]+(?:[KMGT]i)?B?");
    private static final Pattern DIGITS_AND_UNIT = Pattern.compile("[0-9]+(?:[KMGT]i)?B?");

    private static final String GENERIC_HINT =
            "use a whole number of bytes with an optional KiB, MiB, GiB or TiB suffix, e.g. 900MiB, or off";

    private GoMemLimit() {
    }

    /**
     * True if the Go runtime accepts {@code value} as GOMEMLIMIT: {@code off}, the empty value (which Go reads as
     * "not set": no soft limit, see {@link #isUnset}) or a byte count it can parse.
     */
    public static boolean isValid(String value) {
        return value != null && (OFF.equals(value) || value.isEmpty() || parseByteCount(value) >= 0);
    }

    /**
     * True for {@code GOMEMLIMIT=} with nothing after the {@code =}: the Go runtime ({@code readGOMEMLIMIT})
     * treats an empty value like an unset one, so there is no soft memory limit at all. Not a syntax error.
     */
    public static boolean isUnset(String value) {
        return value != null && value.isEmpty();
    }

    /** True if {@code value} is exactly {@code off} (lower case; {@code OFF} crashes Go). */
    public static boolean isOff(String value) {
        return OFF.equals(value);
    }

    /**
     * The byte count Go reads from {@code value}.
     *
     * @return the number of bytes, or empty for null, {@code off}, an invalid value or one above
     *     2<sup>63</sup>-1 bytes
     */
    public static OptionalLong bytes(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        long n = parseByteCount(value);
        return n >= 0 ? OptionalLong.of(n) : OptionalLong.empty();
    }

    /**
     * The GOMEMLIMIT for a container memory limit: {@code floor(limit * percent / 100)} bytes, floored to whole
     * MiB and written with the {@code MiB} suffix, never with decimals. For example 1000Mi (1048576000 bytes)
     * at 90 gives {@code 900MiB}, 1Gi gives {@code 921MiB}, 1G (10<sup>9</sup> bytes) gives {@code 858MiB},
     * 256Mi gives {@code 230MiB}.
     *
     * <p>When that would be 0 MiB (a limit under about 1.1 MiB) it falls back to the floored number of bytes
     * without a suffix, which is valid GOMEMLIMIT syntax ({@code 943718} for a limit of 1Mi at 90); for a limit
     * under 2 bytes that is {@code 0}. A result above what Go can represent is capped at the largest whole MiB
     * it accepts ({@value #MAX_MIB}MiB, just under 8 EiB).
     *
     * @param memoryLimitBytes the container memory limit in bytes (for example {@link Quantity#value()})
     * @param percent the share of the limit, 1 to 100
     * @throws IllegalArgumentException if the limit is null or not positive, or the percentage is outside 1..100
     */
    public static String forLimit(BigDecimal memoryLimitBytes, int percent) {
        if (memoryLimitBytes == null || memoryLimitBytes.signum() <= 0) {
            throw new IllegalArgumentException("memory limit must be positive: " + memoryLimitBytes);
        }
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent must be between 1 and 100: " + percent);
        }
        BigInteger targetBytes = memoryLimitBytes.multiply(BigDecimal.valueOf(percent))
                .divide(HUNDRED, 0, RoundingMode.FLOOR)
                .toBigIntegerExact();
        BigInteger mib = targetBytes.shiftRight(20); // floor division by 2^20 (targetBytes >= 0)
        if (mib.signum() == 0) {
            return targetBytes.toString();
        }
        if (mib.bitLength() >= 63 || mib.longValue() > MAX_MIB) {
            return MAX_MIB + "MiB";
        }
        return mib.longValue() + "MiB";
    }

    /**
     * A short fix hint for a value Go would refuse, aimed at the usual mistakes: {@code 900Mi} (Kubernetes
     * spelling without the B), {@code 900M}/{@code 900MB} (decimal units Go does not have), {@code 0.9GiB}
     * (decimals), {@code 900mib} (wrong case), surrounding spaces, {@code OFF}, negative numbers, units above
     * TiB. Returns a generic hint for anything else, and says so if the value is in fact valid.
     */
    public static String hint(String invalidValue) {
        if (invalidValue == null) {
            return GENERIC_HINT;
        }
        String v = invalidValue;
        if (isValid(v)) {
            return "nothing to fix: " + v + " is valid GOMEMLIMIT syntax";
        }
        String trimmed = GoStrings.trimSpace(v.strip());
        if (!trimmed.equals(v)) {
            if (trimmed.isEmpty()) {
                return "only spaces: " + GENERIC_HINT;
            }
            if (isValid(trimmed)) {
                return "remove the spaces: use " + trimmed;
            }
            return "remove the spaces, then: " + hint(trimmed);
        }
        if (GoStrings.equalsAsciiIgnoreCase(v, OFF)) {
            return "use off (lower case; Go does not accept " + v + ")";
        }
        Matcher m = BINARY_WITHOUT_B.matcher(v);
        if (m.matches()) {
            String unit = m.group(2).toUpperCase(Locale.ROOT);
            String fixed = m.group(1) + unit + "iB";
            if (isValid(fixed)) {
                return "use " + fixed + " (Go needs the B: KiB, MiB, GiB, TiB)";
            }
            String prefix = unit.equals("P") || unit.equals("E") ? "Go supports only KiB, MiB, GiB and TiB: " : "";
            return prefix + suggestion(v, new BigDecimal(m.group(1)), unit, true);
        }
        m = DECIMAL_UNIT.matcher(v);
        if (m.matches()) {
            return "Go has no decimal units (k, M, G, T): "
                    + suggestion(v, new BigDecimal(m.group(1)), m.group(2), false);
        }
        m = DECIMALS.matcher(v);
        if (m.matches()) {
            BigDecimal number = new BigDecimal((m.group(1).isEmpty() ? "0" : m.group(1)) + "." + m.group(2));
            String unit = m.group(3);
            boolean binary = unit == null || !m.group(4).isEmpty();
            return "no decimals: " + suggestion(v, number, unit == null ? "" : unit, binary);
        }
        if (BIG_BINARY.matcher(v).matches()) {
            return "Go supports only KiB, MiB, GiB and TiB: use a whole number of TiB or less";
        }
        m = WRONG_CASE.matcher(v);
        if (m.matches()) {
            String unit = m.group(2);
            String fixed = m.group(1) + (unit == null ? "" : unit.toUpperCase(Locale.ROOT) + "i") + "B";
            if (isValid(fixed)) {
                return "use " + fixed + " (the unit is case-sensitive)";
            }
        }
        if (NEGATIVE.matcher(v).matches()) {
            return "GOMEMLIMIT cannot be negative: " + GENERIC_HINT;
        }
        if (DIGITS_AND_UNIT.matcher(v).matches()) {
            return "too large: Go needs the byte count to fit in a signed 64-bit integer (under 8 EiB), or use off";
        }
        return GENERIC_HINT;
    }

    /** "X is N bytes: use M MiB (floored) or N" for the amount number*unit. */
    private static String suggestion(String original, BigDecimal number, String unit, boolean binary) {
        int power = switch (unit.toUpperCase(Locale.ROOT)) {
            case "K" -> 1;
            case "M" -> 2;
            case "G" -> 3;
            case "T" -> 4;
            case "P" -> 5;
            case "E" -> 6;
            default -> 0;
        };
        BigDecimal factor = binary
                ? new BigDecimal(BigInteger.ONE.shiftLeft(10 * power))
                : BigDecimal.TEN.pow(3 * power);
        BigInteger bytes = number.multiply(factor).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        if (bytes.bitLength() >= 63) {
            return original + " is too large for Go: use at most " + MAX_MIB + "MiB, or off";
        }
        if (bytes.signum() == 0) {
            return original + " is less than one byte: " + GENERIC_HINT;
        }
        BigInteger mib = bytes.shiftRight(20);
        if (mib.signum() == 0) {
            return original + " is " + bytes + " bytes: use " + bytes;
        }
        return original + " is " + bytes + " bytes: use " + mib + "MiB (floored to whole MiB) or " + bytes;
    }

    /**
     * Go's {@code runtime.parseByteCount}: the byte count, or -1 if Go refuses the value. Structured exactly
     * like the Go function so that every odd case (a leading minus, an empty number after it) agrees.
     */
    private static long parseByteCount(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        int len = s.length();
        char last = s.charAt(len - 1);
        if (last >= '0' && last <= '9') {
            long n = atoi64(s, 0, len);
            return n >= 0 ? n : -1;
        }
        if (last != 'B' || len < 2) {
            return -1;
        }
        char c = s.charAt(len - 2);
        if (c >= '0' && c <= '9') {
            long n = atoi64(s, 0, len - 1);
            return n >= 0 ? n : -1;
        } else if (c != 'i') {
            return -1;
        }
        if (len < 4) {
            return -1;
        }
        int power;
        switch (s.charAt(len - 3)) {
            case 'K' -> power = 1;
            case 'M' -> power = 2;
            case 'G' -> power = 3;
            case 'T' -> power = 4;
            default -> {
                return -1;
            }
        }
        long n = atoi64(s, 0, len - 3);
        if (n < 0) {
            return -1;
        }
        // n * 1024^power must not exceed MaxInt64
        int shift = 10 * power;
        if (n > (Long.MAX_VALUE >> shift)) {
            return -1;
        }
        return n << shift;
    }

    /**
     * The runtime's {@code Atoi64} restricted to what {@code parseByteCount} keeps: returns the value if it is
     * non-negative, -1 if Go would fail or return a negative number. Go accepts a leading {@code '-'} followed by
     * zero or more digits, so {@code "-"} and {@code "-0"} are 0.
     */
    private static long atoi64(String s, int from, int to) {
        if (from >= to) {
            return -1; // "" is not a number
        }
        boolean neg = false;
        int i = from;
        if (s.charAt(i) == '-') {
            neg = true;
            i++;
        }
        long acc = 0;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            int d = c - '0';
            if (acc > (Long.MAX_VALUE - d) / 10) {
                // Past MaxInt64: Go fails for a positive number; a negative one is either refused as negative
                // or (beyond MinInt64) fails. Either way parseByteCount refuses it.
                return -1;
            }
            acc = acc * 10 + d;
        }
        if (neg && acc != 0) {
            return -1; // a negative number: parseByteCount refuses it
        }
        return acc;
    }
}

package io.daprguard.dapr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * A Kubernetes resource quantity ({@code 100m}, {@code 250Mi}, {@code 1e3}), parsed exactly as Go's
 * {@code k8s.io/apimachinery/pkg/api/resource.ParseQuantity} parses it.
 *
 * <p>This matters because Dapr's sidecar injector parses the four {@code dapr.io/sidecar-*-request|limit}
 * annotations with {@code ParseQuantity} and, if any one of them fails, logs a warning and drops all four: the
 * pod is admitted with a {@code daprd} container that has no resources at all. {@link #isValid(String)} answers
 * "would the injector accept this text", so it has to agree with Go on every input, including the odd ones.
 *
 * <h2>Accepted syntax</h2>
 * The documented grammar is
 * <pre>
 * &lt;quantity&gt;        ::= &lt;signedNumber&gt;&lt;suffix&gt;
 * &lt;signedNumber&gt;    ::= &lt;number&gt; | &lt;sign&gt;&lt;number&gt;          &lt;sign&gt; ::= "+" | "-"
 * &lt;number&gt;          ::= &lt;digits&gt; | &lt;digits&gt;.&lt;digits&gt; | &lt;digits&gt;. | .&lt;digits&gt;
 * &lt;suffix&gt;          ::= &lt;binarySI&gt; | &lt;decimalExponent&gt; | &lt;decimalSI&gt;
 * &lt;binarySI&gt;        ::= Ki | Mi | Gi | Ti | Pi | Ei
 * &lt;decimalSI&gt;       ::= n | u | m | "" | k | M | G | T | P | E
 * &lt;decimalExponent&gt; ::= "e" &lt;signedNumber&gt; | "E" &lt;signedNumber&gt;
 * </pre>
 * but the Go scanner (and so this class) is more permissive than the grammar in a few places, verified against
 * the Go source and by running it:
 * <ul>
 *   <li>the number may be missing: {@code "Mi"}, {@code "k"}, {@code "."}, {@code "-"}, {@code "+"},
 *       {@code "-.Ki"} all parse, as zero;</li>
 *   <li>{@code "1E"} is one exa (10<sup>18</sup>, the decimal SI suffix), while {@code "1E3"} and {@code "1e3"}
 *       are exponents (1000): an {@code E}/{@code e} followed by an optionally signed integer is an exponent;</li>
 *   <li>the exponent is read as a 64-bit integer (out of range: invalid) and then truncated to 32 bits like Go's
 *       {@code int32(parsed)}: {@code "1e4294967296"} is 1;</li>
 *   <li>there is no whitespace anywhere and nothing is trimmed; units are case-sensitive ({@code 1K},
 *       {@code 1gi}, {@code 1MB} are invalid); the empty string is invalid.</li>
 * </ul>
 *
 * <h2>Value</h2>
 * {@link #value()} is the exact value Kubernetes stores, in base units (cores for CPU, bytes for memory):
 * {@code 100m} = 0.1, {@code 1k} = 1000, {@code 1Ki} = 1024, {@code 1e3} = 1000. Like Kubernetes it keeps
 * precision only down to nano (10<sup>-9</sup>), rounding a finer non-zero value away from zero
 * ({@code 0.9n} = 1n, {@code 1e-20} = 1n), and it silently caps a binary-SI value at 2<sup>63</sup>-1
 * ({@code 8Ei} = 9223372036854775807). A negative value parses ({@code -1}); rejecting it is the caller's job,
 * as Kubernetes rejects negative resources at validation, not at parse.
 *
 * <h2>Deliberate limits (differences from Go)</h2>
 * To stay fast and bounded on the admission hot path this class rejects two kinds of absurd input that Go
 * accepts:
 * <ul>
 *   <li>a text longer than {@value #MAX_TEXT_LENGTH} characters;</li>
 *   <li>a non-zero decimal value of magnitude 10<sup>{@value #MAX_DECIMAL_EXPONENT}</sup> or more, for example
 *       {@code 1e999999999}. Go stores such a value (its exponent is a 32-bit scale), but no resource can be that
 *       large (every int64 accessor overflows above about 9.2&times;10<sup>18</sup>), and for some spellings
 *       (for example 19 or more digits with a large exponent, or an exponent of -2<sup>31</sup>, which overflows
 *       Go's scale negation) Go's parser rescales the number to nano precision with a multi-gigabit big-integer
 *       multiplication. A binary-SI value is never rejected for its size: Go caps it, and so does this class.</li>
 * </ul>
 * A tiny value is not rejected: {@code 1e-999999999} is 1n here. (Go computes the same value, but this spelling
 * makes it divide by 10<sup>999999990</sup> first, which is slow enough to matter.) The one exception is an
 * exponent of -2<sup>31</sup> (or one that Go's 32-bit scale arithmetic wraps around), which Go turns into a huge
 * number: rejected, as above.
 *
 * <h2>Identity</h2>
 * Instances are immutable. {@link #equals(Object)} compares the original text and the value, so {@code 1k} and
 * {@code 1000} are <em>not</em> equal although they compare as equal: {@link #compareTo} orders by value only
 * and is therefore inconsistent with {@code equals}, exactly like {@link BigDecimal}. Use {@code compareTo} (or
 * {@link #value()}{@code .compareTo}) to compare amounts.
 */
public final class Quantity implements Comparable<Quantity> {

    /** Longest text accepted; see the class comment. */
    public static final int MAX_TEXT_LENGTH = 1024;

    /** A non-zero decimal value must be below 10 to this power in magnitude; see the class comment. */
    public static final int MAX_DECIMAL_EXPONENT = 1000;

    /** The suffix family Kubernetes remembers for a quantity (it re-serialises the value in the same family). */
    public enum Format {
        /** {@code e}/{@code E} exponent, for example {@code 1e3}. */
        DECIMAL_EXPONENT,
        /** Binary SI suffix, for example {@code 1Gi}. */
        BINARY_SI,
        /** Decimal SI suffix or none, for example {@code 100m}, {@code 1G}, {@code 5}. */
        DECIMAL_SI
    }

    /** The characters Go's scanner accepts in the letter part of a suffix. */
    private static final String SUFFIX_LETTERS = "eEinumkKMGTP";

    private static final BigDecimal NANO = BigDecimal.valueOf(1, 9);
    private static final BigDecimal MAX_BINARY = BigDecimal.valueOf(Long.MAX_VALUE);

    private final String text;
    private final BigDecimal value;
    private final Format format;

    private Quantity(String text, BigDecimal value, Format format) {
        this.text = text;
        this.value = value;
        this.format = format;
    }

    /**
     * Parses {@code text} as {@code ParseQuantity} would.
     *
     * @return the quantity, or empty if {@code text} is null, invalid for Kubernetes, or beyond the limits in the
     *     class comment
     */
    public static Optional<Quantity> parse(String text) {
        return Optional.ofNullable(parseOrNull(text));
    }

    /** True if {@link #parse} accepts {@code text}. */
    public static boolean isValid(String text) {
        return parseOrNull(text) != null;
    }

    /** The text exactly as it was given. */
    public String text() {
        return text;
    }

    /**
     * The exact value in base units (cores, bytes), as Kubernetes stores it: at most 9 decimal places, no
     * trailing zeros, never in exponent form with a negative scale ({@code 1e3} has scale 0). Compare it with
     * {@link BigDecimal#compareTo}, not {@code equals}.
     */
    public BigDecimal value() {
        return value;
    }

    /** The suffix family, with Go's rule that a binary-SI value strictly between -1 and 1 becomes decimal SI. */
    public Format format() {
        return format;
    }

    /** -1, 0 or 1 as the value is negative, zero or positive. */
    public int signum() {
        return value.signum();
    }

    /** True if the value is greater than zero. */
    public boolean isPositive() {
        return value.signum() > 0;
    }

    /** True if the value is less than zero (Kubernetes rejects a negative resource). */
    public boolean isNegative() {
        return value.signum() < 0;
    }

    /** True if the value is zero. */
    public boolean isZero() {
        return value.signum() == 0;
    }

    /** Orders by value only; see the class comment. */
    @Override
    public int compareTo(Quantity other) {
        return value.compareTo(other.value);
    }

    /** Equal if the original texts are equal (and therefore the values too); see the class comment. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Quantity q && text.equals(q.text) && value.compareTo(q.value) == 0;
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The original text. */
    @Override
    public String toString() {
        return text;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Parsing: a transcription of parseQuantityString and ParseQuantity from
    // kubernetes/apimachinery pkg/api/resource/quantity.go, plus suffix.go's interpret.

    private static Quantity parseOrNull(String str) {
        if (str == null || str.isEmpty() || str.length() > MAX_TEXT_LENGTH) {
            return null;
        }
        final int end = str.length();
        int pos = 0;
        boolean negative = false;
        char first = str.charAt(0);
        if (first == '-') {
            negative = true;
            pos++;
        } else if (first == '+') {
            pos++;
        }
        // Leading zeros. Running out of text here means the number is zero and the suffix empty: "-", "+", "000".
        while (pos < end && str.charAt(pos) == '0') {
            pos++;
        }
        if (pos >= end) {
            return new Quantity(str, BigDecimal.ZERO, Format.DECIMAL_SI);
        }
        final int numStart = pos;
        while (pos < end && GoStrings.isAsciiDigit(str.charAt(pos))) {
            pos++;
        }
        final int numEnd = pos;
        int denomStart = pos;
        int denomEnd = pos;
        if (pos < end && str.charAt(pos) == '.') {
            pos++;
            denomStart = pos;
            while (pos < end && GoStrings.isAsciiDigit(str.charAt(pos))) {
                pos++;
            }
            denomEnd = pos;
        }
        // Suffix: letters from SUFFIX_LETTERS, then an optional sign, then digits, then nothing else.
        final int suffixStart = pos;
        while (pos < end && SUFFIX_LETTERS.indexOf(str.charAt(pos)) >= 0) {
            pos++;
        }
        if (pos < end) {
            char c = str.charAt(pos);
            if (c == '-' || c == '+') {
                pos++;
            }
            while (pos < end && GoStrings.isAsciiDigit(str.charAt(pos))) {
                pos++;
            }
            if (pos < end) {
                return null; // ErrFormatWrong
            }
        }

        // interpret(suffix)
        final int base;
        final int exponent;
        Format format;
        switch (str.substring(suffixStart)) {
            case "" -> { base = 10; exponent = 0; format = Format.DECIMAL_SI; }
            case "n" -> { base = 10; exponent = -9; format = Format.DECIMAL_SI; }
            case "u" -> { base = 10; exponent = -6; format = Format.DECIMAL_SI; }
            case "m" -> { base = 10; exponent = -3; format = Format.DECIMAL_SI; }
            case "k" -> { base = 10; exponent = 3; format = Format.DECIMAL_SI; }
            case "M" -> { base = 10; exponent = 6; format = Format.DECIMAL_SI; }
            case "G" -> { base = 10; exponent = 9; format = Format.DECIMAL_SI; }
            case "T" -> { base = 10; exponent = 12; format = Format.DECIMAL_SI; }
            case "P" -> { base = 10; exponent = 15; format = Format.DECIMAL_SI; }
            case "E" -> { base = 10; exponent = 18; format = Format.DECIMAL_SI; }
            case "Ki" -> { base = 2; exponent = 10; format = Format.BINARY_SI; }
            case "Mi" -> { base = 2; exponent = 20; format = Format.BINARY_SI; }
            case "Gi" -> { base = 2; exponent = 30; format = Format.BINARY_SI; }
            case "Ti" -> { base = 2; exponent = 40; format = Format.BINARY_SI; }
            case "Pi" -> { base = 2; exponent = 50; format = Format.BINARY_SI; }
            case "Ei" -> { base = 2; exponent = 60; format = Format.BINARY_SI; }
            default -> {
                char c = str.charAt(suffixStart);
                if (end - suffixStart < 2 || (c != 'e' && c != 'E')) {
                    return null; // ErrSuffix
                }
                Long parsed = parseGoInt64(str, suffixStart + 1, end);
                if (parsed == null) {
                    return null; // ErrSuffix
                }
                base = 10;
                exponent = (int) parsed.longValue(); // Go: int32(parsed), silently truncating
                format = Format.DECIMAL_EXPONENT;
            }
        }

        // Go's slow path re-reads the number with inf.Dec.SetString, which needs at least one digit: a number part
        // without digits ("Ei", "-.Pi", "e-10") is an error there, while the fast path reads it as 0 ("Mi", "n").
        if (suffixStart == (negative || first == '+' ? 1 : 0) + (hasDot(str, numEnd, end) ? 1 : 0)
                && goTakesSlowPath(base, exponent, Math.max(1, numEnd - numStart), denomEnd - denomStart)) {
            return null; // ErrNumeric
        }
        BigInteger unscaled = digits(str, numStart, numEnd, denomStart, denomEnd);
        if (unscaled.signum() == 0) {
            return new Quantity(str, BigDecimal.ZERO, format);
        }
        if (negative) {
            unscaled = unscaled.negate();
        }
        final int decimals = denomEnd - denomStart;
        BigDecimal amount;
        if (base == 2) {
            amount = new BigDecimal(unscaled.shiftLeft(exponent), decimals);
            amount = roundToNano(amount);
            if (amount.abs().compareTo(MAX_BINARY) > 0) {
                amount = negative ? MAX_BINARY.negate() : MAX_BINARY;
            }
            if (amount.abs().compareTo(BigDecimal.ONE) < 0) {
                format = Format.DECIMAL_SI;
            }
        } else {
            long power = (long) exponent - decimals; // value = unscaled * 10^power
            if (exponent == Integer.MIN_VALUE || power <= Integer.MIN_VALUE) {
                // Go's 32-bit scale arithmetic overflows here and turns the number into a huge one.
                return null;
            }
            long adjusted = power + significantDigits(str, numStart, numEnd, denomStart, denomEnd) - 1;
            if (adjusted >= MAX_DECIMAL_EXPONENT) {
                return null;
            }
            if (adjusted < -9) {
                amount = negative ? NANO.negate() : NANO;
            } else {
                amount = roundToNano(new BigDecimal(unscaled, (int) -power));
            }
        }
        return new Quantity(str, normalize(amount), format);
    }

    private static boolean hasDot(String str, int numEnd, int end) {
        return numEnd < end && str.charAt(numEnd) == '.';
    }

    /**
     * Whether Go's {@code ParseQuantity} leaves its int64 fast path for the inf.Dec one, for a number of
     * {@code numLen} significant integer digits (at least 1: Go substitutes "0") and {@code denomLen} decimals.
     * Only used for a number part without digits, where the value is zero and so no int64 overflow can occur.
     */
    private static boolean goTakesSlowPath(int base, int exponent, int numLen, int denomLen) {
        int precision;
        int scale;
        if (base == 10) {
            scale = exponent;
            precision = 18 - (numLen + denomLen);
        } else {
            scale = 0;
            if (denomLen == 0) {
                precision = 15 - numLen - (int) ((float) exponent * 3 / 10) - 1;
            } else {
                precision = -1;
            }
        }
        if (precision < 0) {
            return true;
        }
        scale -= denomLen;
        return scale < -9;
    }

    /** The digits of the number part as an integer (the decimal point removed). */
    private static BigInteger digits(String str, int numStart, int numEnd, int denomStart, int denomEnd) {
        int count = (numEnd - numStart) + (denomEnd - denomStart);
        if (count == 0) {
            return BigInteger.ZERO;
        }
        if (count <= 18) {
            long v = 0;
            for (int i = numStart; i < numEnd; i++) {
                v = v * 10 + (str.charAt(i) - '0');
            }
            for (int i = denomStart; i < denomEnd; i++) {
                v = v * 10 + (str.charAt(i) - '0');
            }
            return BigInteger.valueOf(v);
        }
        StringBuilder sb = new StringBuilder(count);
        sb.append(str, numStart, numEnd).append(str, denomStart, denomEnd);
        return new BigInteger(sb.toString());
    }

    /** Number of digits of the (non-zero) number part from its first non-zero digit on. */
    private static int significantDigits(String str, int numStart, int numEnd, int denomStart, int denomEnd) {
        if (numEnd > numStart) {
            return (numEnd - numStart) + (denomEnd - denomStart); // numStart is past the leading zeros
        }
        int i = denomStart;
        while (i < denomEnd && str.charAt(i) == '0') {
            i++;
        }
        return denomEnd - i;
    }

    /** Kubernetes keeps at most nano precision, rounding away from zero (inf.RoundUp on the absolute value). */
    private static BigDecimal roundToNano(BigDecimal v) {
        return v.scale() > 9 ? v.setScale(9, RoundingMode.UP) : v;
    }

    private static BigDecimal normalize(BigDecimal v) {
        BigDecimal stripped = v.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /**
     * Go's {@code strconv.ParseInt(s, 10, 64)} on {@code str[from, to)}: an optional sign, then one or more ASCII
     * digits, within the int64 range; null on error. (Only reached for an exponent suffix, so boxing is fine.)
     */
    private static Long parseGoInt64(String str, int from, int to) {
        int i = from;
        boolean neg = false;
        if (i < to && (str.charAt(i) == '+' || str.charAt(i) == '-')) {
            neg = str.charAt(i) == '-';
            i++;
        }
        if (i >= to) {
            return null;
        }
        final long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
        final long multMin = limit / 10;
        long acc = 0; // accumulated negatively, so that Long.MIN_VALUE is reachable
        for (; i < to; i++) {
            char c = str.charAt(i);
            if (!GoStrings.isAsciiDigit(c)) {
                return null;
            }
            int d = c - '0';
            if (acc < multMin) {
                return null;
            }
            acc *= 10;
            if (acc < limit + d) {
                return null;
            }
            acc -= d;
        }
        return neg ? acc : -acc;
    }
}

package io.daprguard.dapr;

/**
 * The few Go standard-library string rules this package has to mirror exactly, so that a value means the same
 * thing to the webhook as to the Go code (Dapr's injector, the Go runtime) that finally reads it.
 *
 * <p>Java's own helpers differ: {@link String#trim()} strips every char {@code <= U+0020} (including control
 * characters Go keeps) and {@link String#strip()} uses {@link Character#isWhitespace(int)}, which excludes the
 * no-break spaces U+00A0, U+2007 and U+202F that Go strips and includes U+001C..U+001F that Go keeps.
 */
final class GoStrings {

    private GoStrings() {
    }

    /**
     * Go's {@code unicode.IsSpace}: {@code '\t', '\n', '\v', '\f', '\r', ' ', U+0085 (NEL), U+00A0 (NBSP)} and
     * the other characters with the Unicode White_Space property (U+1680, U+2000..U+200A, U+2028, U+2029,
     * U+202F, U+205F, U+3000).
     */
    static boolean isSpace(int cp) {
        if (cp <= 0xFF) {
            return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0xA0;
        }
        return cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** Go's {@code strings.TrimSpace}: removes leading and trailing {@link #isSpace} characters. */
    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end) {
            int cp = s.codePointAt(start);
            if (!isSpace(cp)) {
                break;
            }
            start += Character.charCount(cp);
        }
        while (end > start) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return (start == 0 && end == s.length()) ? s : s.substring(start, end);
    }

    /** True if {@code s} starts or ends with a character {@link #trimSpace} would remove. */
    static boolean hasOuterSpace(String s) {
        return !s.isEmpty() && (isSpace(s.codePointAt(0)) || isSpace(s.codePointBefore(s.length())));
    }

    static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** ASCII-only case-insensitive comparison; {@code expectedLower} must be lower-case ASCII. */
    static boolean equalsAsciiIgnoreCase(String s, String expectedLower) {
        if (s.length() != expectedLower.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != expectedLower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

}

package io.daprguard.admission;

import java.util.ArrayList;
import java.util.List;

/**
 * Fits warnings to what Kubernetes carries: they travel as HTTP headers, so ASCII only; each one short (over 256
 * characters may be cut by clients, so longer ones are shortened here); at most 4096 characters in all. What does
 * not fit is summed up in one last warning, never silently dropped.
 */
final class Warnings {

    static final int MAX_ONE = 256;
    static final int MAX_TOTAL = 4096;

    private Warnings() {}

    static List<String> fit(List<String> warnings) {
        List<String> result = new ArrayList<>(warnings.size());
        int total = 0;
        for (int i = 0; i < warnings.size(); i++) {
            String warning = shorten(ascii(warnings.get(i)));
            int remaining = warnings.size() - i;
            String more = (remaining) + " more warnings not shown";
            boolean last = i == warnings.size() - 1;
            int reserve = last ? 0 : more.length();
            if (total + warning.length() + reserve > MAX_TOTAL) {
                result.add(more);
                return result;
            }
            result.add(warning);
            total += warning.length();
        }
        return result;
    }

    /** Printable ASCII only: anything else becomes '?', line breaks become spaces. */
    static String ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                out.append(' ');
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append('?');
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                }
            }
        }
        return out.toString();
    }

    private static String shorten(String warning) {
        return warning.length() <= MAX_ONE ? warning : warning.substring(0, MAX_ONE - 3) + "...";
    }
}

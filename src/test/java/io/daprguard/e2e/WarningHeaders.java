package io.daprguard.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the texts out of HTTP {@code Warning} response headers as the kube-apiserver writes them: {@code 299 - "text"}
 * (RFC 7234 section 5.5; {@code "} and {@code \} in the text escaped with a backslash), one warning per header line,
 * or several in one line separated by commas, each optionally followed by a quoted date. The grammar is the one
 * client-go's {@code ParseWarningHeader} accepts; a malformed rest of a header is dropped, as client-go does.
 */
final class WarningHeaders {

    private WarningHeaders() {
    }

    /** The warning texts of all the given header values, in order. */
    static List<String> texts(List<String> headerValues) {
        List<String> texts = new ArrayList<>();
        if (headerValues == null) {
            return texts;
        }
        for (String value : headerValues) {
            Cursor cursor = new Cursor(value == null ? "" : value);
            while (cursor.skipSpaces().hasMore()) {
                String text = cursor.warning();
                if (text == null) {
                    break;
                }
                texts.add(text);
            }
        }
        return texts;
    }

    private static final class Cursor {

        private final String value;
        private int at;

        Cursor(String value) {
            this.value = value;
        }

        boolean hasMore() {
            return at < value.length();
        }

        Cursor skipSpaces() {
            while (at < value.length() && value.charAt(at) == ' ') {
                at++;
            }
            return this;
        }

        /** warn-code SP warn-agent SP quoted-text [SP quoted-date] [","]; null when malformed. */
        String warning() {
            String code = token();
            if (code == null || !code.matches("[0-9]{3}")) {
                return null;
            }
            String agent = skipSpaces().token();
            if (agent == null) {
                return null;
            }
            String text = skipSpaces().quoted(true);
            if (text == null) {
                return null;
            }
            skipSpaces();
            if (hasMore() && value.charAt(at) == '"' && quoted(false) == null) {
                return null;
            }
            skipSpaces();
            if (hasMore()) {
                if (value.charAt(at) != ',') {
                    return null;
                }
                at++;
            }
            return text;
        }

        private String token() {
            int start = at;
            while (at < value.length() && value.charAt(at) != ' ') {
                at++;
            }
            return at > start ? value.substring(start, at) : null;
        }

        private String quoted(boolean escapes) {
            if (!hasMore() || value.charAt(at) != '"') {
                return null;
            }
            StringBuilder text = new StringBuilder();
            boolean escaping = false;
            for (int i = at + 1; i < value.length(); i++) {
                char c = value.charAt(i);
                if (escaping) {
                    text.append(c);
                    escaping = false;
                }
                else if (c == '\\' && escapes) {
                    escaping = true;
                }
                else if (c == '"') {
                    at = i + 1;
                    return text.toString();
                }
                else {
                    text.append(c);
                }
            }
            return null;
        }
    }
}

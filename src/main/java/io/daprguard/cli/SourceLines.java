package io.daprguard.cli;

import java.util.Map;

/**
 * Where the fields of one document are in its file: the 1-based line of every property and array element, by
 * JSON pointer ({@code /spec/template/metadata/annotations/dapr.io~1env}). An object found in a {@code List} sees
 * the pointers below its item.
 */
final class SourceLines {

    static final SourceLines NONE = new SourceLines(Map.of(), "");

    private final Map<String, Integer> lines;
    private final String prefix;

    SourceLines(Map<String, Integer> lines, String prefix) {
        this.lines = lines;
        this.prefix = prefix;
    }

    /** The line of the field at {@code pointer}, relative to this object; null when it is not in the file. */
    Integer line(String pointer) {
        return lines.get(prefix + pointer);
    }

    /** The lines of the value at {@code pointer} (an item of a list). */
    SourceLines under(String pointer) {
        return new SourceLines(lines, prefix + pointer);
    }

    /** One reference token of a JSON pointer (RFC 6901). */
    static String token(String key) {
        return key.indexOf('~') < 0 && key.indexOf('/') < 0 ? key : key.replace("~", "~0").replace("/", "~1");
    }
}

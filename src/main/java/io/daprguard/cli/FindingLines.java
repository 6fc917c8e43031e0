package io.daprguard.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the line a finding is about, from what its message names: an annotation ({@code dapr.io/env},
 * {@code daprguard.io/skip-until}) on the pod template or the object, or a field path ({@code spec.mtls.enabled},
 * {@code spec.metadata[2]}, {@code global.ha.enabled}). The first name in the message that is in the file wins.
 * When it names only things that are missing (an annotation to add), the line is that of the annotations it belongs
 * with, or of the nearest field on the path; null when nothing fits (reports then use the object's line).
 */
final class FindingLines {

    private static final Pattern ANNOTATION = Pattern.compile("\\b(?:dapr|daprguard)\\.io/[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern FIELD = Pattern.compile(
            "\\b(?:spec|auth|metadata|global|dapr_[a-z_]+)(?:\\.[A-Za-z][A-Za-z0-9_]*|\\[\\d+])+");
    /** Where annotations sit in a reviewed object: the pod template (of a CronJob's job), then the object. */
    private static final List<String> METADATA = List.of(
            "/spec/jobTemplate/spec/template/metadata", "/spec/template/metadata", "/metadata");

    private FindingLines() {}

    static Integer locate(String message, SourceLines lines) {
        Integer nearest = null;
        Matcher annotation = ANNOTATION.matcher(message);
        Matcher field = FIELD.matcher(message);
        boolean moreAnnotations = annotation.find();
        boolean moreFields = field.find();
        while (moreAnnotations || moreFields) {
            if (moreAnnotations && (!moreFields || annotation.start() < field.start())) {
                String key = annotation.group().replaceAll("[.]$", "");
                for (String metadata : METADATA) {
                    Integer exact = lines.line(metadata + "/annotations/" + SourceLines.token(key));
                    if (exact != null) {
                        return exact;
                    }
                }
                nearest = nearest != null ? nearest : firstOf(lines, "/annotations", "");
                moreAnnotations = annotation.find();
            } else {
                String pointer = pointer(field.group());
                Integer exact = lines.line(pointer);
                if (exact != null) {
                    return exact;
                }
                nearest = nearest != null ? nearest : closest(lines, pointer);
                moreFields = field.find();
            }
        }
        return nearest;
    }

    /** The line of the first metadata (pod template first) that has the field under it. */
    private static Integer firstOf(SourceLines lines, String... fields) {
        for (String field : fields) {
            for (String metadata : METADATA) {
                Integer line = lines.line(metadata + field);
                if (line != null) {
                    return line;
                }
            }
        }
        return null;
    }

    /** The line of the longest prefix of the pointer that is in the file. */
    private static Integer closest(SourceLines lines, String pointer) {
        for (int end = pointer.lastIndexOf('/'); end > 0; end = pointer.lastIndexOf('/', end - 1)) {
            Integer line = lines.line(pointer.substring(0, end));
            if (line != null) {
                return line;
            }
        }
        return null;
    }

    /** {@code spec.metadata[2].value} as the pointer {@code /spec/metadata/2/value}. */
    static String pointer(String path) {
        return "/" + path.replace("[", ".").replace("]", "").replace('.', '/');
    }
}

package io.daprguard.admission;

/**
 * Turns a throwable into a log line without any exception message: messages can quote the reviewed object
 * (a {@code dapr.io/env} value, a token), stack frames cannot.
 */
final class SafeLog {

    private static final int MAX_FRAMES = 12;

    private SafeLog() {}

    static String describe(Throwable error) {
        StringBuilder out = new StringBuilder();
        Throwable current = error;
        int depth = 0;
        while (current != null && depth < 4) {
            if (depth > 0) {
                out.append(" | caused by ");
            }
            out.append(current.getClass().getName());
            StackTraceElement[] frames = current.getStackTrace();
            for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
                out.append("\n\tat ").append(frames[i]);
            }
            current = current.getCause() == current ? null : current.getCause();
            depth++;
        }
        return out.toString();
    }
}

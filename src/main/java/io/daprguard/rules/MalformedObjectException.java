package io.daprguard.rules;

/**
 * The reviewed object has a field of the wrong JSON type where a rule needs to read it (for example annotations
 * that are not a map of strings). The apiserver never sends such an object; a client that does gets HTTP 400.
 */
public class MalformedObjectException extends RuntimeException {

    private final String path;
    private final String expected;

    public MalformedObjectException(String path, String expected) {
        super(path + " must be " + expected);
        this.path = path;
        this.expected = expected;
    }

    /** What the field must be, for example {@code an object of strings}. */
    public String expected() {
        return expected;
    }

    /** JSON pointer of the offending field within the reviewed object. */
    public String path() {
        return path;
    }
}

package io.daprguard.rightsizing;

/** A usage source could not answer: the message names the cause (unreachable, timeout, 401, not Prometheus...). */
public final class SourceException extends Exception {

    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}

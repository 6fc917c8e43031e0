package io.daprguard.cluster;

/**
 * A call to the Kubernetes API failed: the message names the call and the cause, in one line.
 */
public final class ClusterException extends Exception {

    private final int status;

    /**
     * @param status the HTTP status, or 0 when there was no answer (unreachable, timed out): then the rest of the run
     *     is not attempted
     */
    public ClusterException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** No answer from the apiserver at all: other calls would fail the same way. */
    public boolean unreachable() {
        return status == 0;
    }
}

package io.daprguard.admission;

/**
 * Told about every answered review after the response was written: metrics and the audit log. A listener must
 * be quick and must not throw (a failure is logged and ignored).
 */
@FunctionalInterface
public interface ReviewListener {

    /**
     * @param nanos from the body being received to the response being written
     */
    void reviewed(AdmissionHandler.Outcome outcome, long nanos);
}

package io.daprguard.admission;

/**
 * The body is not an AdmissionReview the webhook can answer: HTTP 4xx with a one-line reason, no review.
 */
public class BadReviewException extends RuntimeException {

    private final int status;

    public BadReviewException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** 400 for malformed input. */
    public static BadReviewException badRequest(String reason) {
        return new BadReviewException(400, reason);
    }

    public int status() {
        return status;
    }

    /** The one-line reason for the client. */
    public String reason() {
        return getMessage();
    }
}

package io.daprguard.rules;

import io.daprguard.dapr.Quantity;

/**
 * Decides which missing half of a request/limit pair may be filled in without ever leaving request above
 * limit (Kubernetes rejects such a container). A candidate that would conflict is left out, defaults before
 * user values, so that the validator can explain the conflict instead.
 */
record PairFill(boolean addRequest, boolean addLimit) {

    /** A value to fill in, and whether it came from the user (an annotation) or from the defaults. */
    record Candidate(Quantity quantity, boolean fromUser) {}

    /**
     * @param existingRequest the request as written, null when absent (it may be invalid text)
     * @param existingLimit the limit as written, null when absent
     */
    static PairFill decide(String existingRequest, String existingLimit, Candidate request, Candidate limit) {
        boolean addRequest = existingRequest == null && request != null;
        boolean addLimit = existingLimit == null && limit != null;
        Quantity finalRequest = addRequest ? request.quantity() : Quantity.parse(existingRequest).orElse(null);
        Quantity finalLimit = addLimit ? limit.quantity() : Quantity.parse(existingLimit).orElse(null);
        boolean conflict = finalRequest != null && finalLimit != null && finalRequest.compareTo(finalLimit) > 0;
        if (conflict) {
            if (addRequest && addLimit) {
                if (!limit.fromUser()) {
                    addLimit = false;
                } else if (!request.fromUser()) {
                    addRequest = false;
                } else {
                    addRequest = false;
                    addLimit = false;
                }
            } else {
                addRequest = false;
                addLimit = false;
            }
        }
        return new PairFill(addRequest, addLimit);
    }
}

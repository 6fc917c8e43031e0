package io.daprguard.admission;

import java.util.List;

/**
 * The {@code response} of an AdmissionReview, built only through {@link AdmissionResponses}; the uid is filled in
 * by {@link AdmissionHandler} in one place, for every path.
 *
 * @param code {@code status.code}, null when there is no status
 * @param patch the JSON patch bytes (base64-encoded on the wire), null when none
 */
public record AdmissionResponse(
        String uid, boolean allowed, Integer code, String reason, String message, byte[] patch,
        List<String> warnings) {

    public AdmissionResponse {
        warnings = List.copyOf(warnings);
    }

    public AdmissionResponse withWarnings(List<String> newWarnings) {
        return new AdmissionResponse(uid, allowed, code, reason, message, patch, newWarnings);
    }

    /** The same response for the request with this uid. */
    AdmissionResponse complete(String requestUid) {
        return new AdmissionResponse(requestUid, allowed, code, reason, message, patch, warnings);
    }
}

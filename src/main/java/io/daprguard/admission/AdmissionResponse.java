package io.daprguard.admission;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code response} of an AdmissionReview, built only through {@link AdmissionResponses}; the uid is filled in
 * by {@link AdmissionHandler} in one place, for every path.
 *
 * @param code {@code status.code}, null when there is no status
 * @param patch the JSON patch bytes (base64-encoded on the wire), null when none
 */
public record AdmissionResponse(
        String uid, boolean allowed, Integer code, String reason, String message, byte[] patch,
        List<String> warnings, Map<String, String> auditAnnotations) {

    public AdmissionResponse {
        warnings = List.copyOf(warnings);
        auditAnnotations = Collections.unmodifiableMap(new LinkedHashMap<>(auditAnnotations));
    }

    public AdmissionResponse withWarnings(List<String> newWarnings) {
        return new AdmissionResponse(uid, allowed, code, reason, message, patch, newWarnings, auditAnnotations);
    }

    /**
     * The same response with {@code auditAnnotations}, which the apiserver writes into the cluster's audit log
     * (prefixed with the webhook's name).
     */
    public AdmissionResponse withAuditAnnotations(Map<String, String> annotations) {
        return new AdmissionResponse(uid, allowed, code, reason, message, patch, warnings, annotations);
    }

    /** The same response for the request with this uid. */
    AdmissionResponse complete(String requestUid) {
        return new AdmissionResponse(requestUid, allowed, code, reason, message, patch, warnings, auditAnnotations);
    }
}

package io.daprguard.admission;

import java.util.List;
import java.util.Map;

/**
 * The named constructors of {@link AdmissionResponse}, as controller-runtime's {@code response.go} has them:
 * allowed, denied, patched, errored (warnings are added with {@link AdmissionResponse#withWarnings}).
 */
public final class AdmissionResponses {

    private AdmissionResponses() {}

    public static AdmissionResponse allowed() {
        return new AdmissionResponse("", true, null, null, null, null, List.of(), Map.of());
    }

    /** A denial: {@code allowed: false}, code 403 (Forbidden). */
    public static AdmissionResponse denied(String message) {
        return new AdmissionResponse("", false, 403, "Forbidden", message, null, List.of(), Map.of());
    }

    /** An allow with an RFC 6902 patch. */
    public static AdmissionResponse patched(byte[] jsonPatch) {
        return new AdmissionResponse("", true, null, null, null, jsonPatch, List.of(), Map.of());
    }

    /** An internal error: a well-formed review with {@code status.code} set, allowed (fail open) or not. */
    public static AdmissionResponse errored(int code, String message, boolean allowed) {
        return new AdmissionResponse("", allowed, code, "InternalError", message, null, List.of(), Map.of());
    }
}

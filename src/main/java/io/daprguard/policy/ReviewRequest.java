package io.daprguard.policy;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What the engine needs of an admission request, free of HTTP and of the AdmissionReview envelope.
 *
 * @param uid the request uid (only for logs; the admission layer copies it into the response)
 * @param group the object's API group ({@code ""} for core, {@code apps}, {@code batch})
 * @param kind the object's kind ({@code Pod}, {@code Deployment}...)
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param subResource the subresource ({@code status}, {@code scale}...), empty for the object itself
 * @param dryRun whether the apiserver will persist nothing; the decision is the same either way
 * @param object the object as the apiserver sent it, may be null (DELETE)
 * @param oldObject the object before an UPDATE, may be null
 * @param user who asked ({@code userInfo.username}), empty when not sent (the offline check: unknown)
 * @param groups the groups of who asked ({@code userInfo.groups}), empty when not sent
 */
public record ReviewRequest(
        String uid, String group, String kind, String operation, String subResource, String namespace,
        String name, boolean dryRun, JsonNode object, JsonNode oldObject, String user,
        List<String> groups) {

    public ReviewRequest {
        groups = List.copyOf(groups);
    }

    /** A CREATE of {@code object}, for tests and the offline check. */
    public static ReviewRequest create(String group, String kind, JsonNode object) {
        return new ReviewRequest("", group, kind, "CREATE", "", "", "", false, object, null, "", List.of());
    }
}

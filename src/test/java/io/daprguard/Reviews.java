package io.daprguard;

/** AdmissionReview bodies for tests, shaped as the kube-apiserver sends them. */
public final class Reviews {

    private Reviews() {}

    /** A CREATE review of a Pod in namespace {@code shop}, made by the ReplicaSet controller. */
    public static String podCreate(String apiVersion, String uid, String object) {
        return """
                {"apiVersion":"%s","kind":"AdmissionReview","request":{"uid":"%s",
                 "kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},
                 "operation":"CREATE","namespace":"shop","userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},
                 "object":%s,"dryRun":false}}""".formatted(apiVersion, uid, object);
    }
}

package io.daprguard.policy;

import java.util.Map;
import java.util.Optional;

/**
 * Where the pod is in a reviewed object: the Pod itself, or a workload's pod template.
 *
 * @param pointer JSON pointer of the pod within the object
 * @param pod true for a Pod, false for a workload's template
 */
public record Target(String pointer, boolean pod) {

    private static final Target POD = new Target("", true);
    private static final Target TEMPLATE = new Target("/spec/template", false);
    private static final Target CRONJOB_TEMPLATE = new Target("/spec/jobTemplate/spec/template", false);

    private static final Map<String, Target> WORKLOADS = Map.of(
            "apps/Deployment", TEMPLATE,
            "apps/StatefulSet", TEMPLATE,
            "apps/DaemonSet", TEMPLATE,
            "apps/ReplicaSet", TEMPLATE,
            "batch/Job", TEMPLATE,
            "batch/CronJob", CRONJOB_TEMPLATE);

    /**
     * The pod to review, or empty when the request is not one dapr-guard reviews: Pods on CREATE, the workload
     * kinds on CREATE and UPDATE, never a subresource.
     */
    public static Optional<Target> locate(ReviewRequest request) {
        if (request.subResource() != null && !request.subResource().isEmpty()) {
            return Optional.empty();
        }
        String operation = request.operation();
        if (request.group().isEmpty() && "Pod".equals(request.kind())) {
            return "CREATE".equals(operation) ? Optional.of(POD) : Optional.empty();
        }
        Target workload = WORKLOADS.get(request.group() + "/" + request.kind());
        if (workload != null && ("CREATE".equals(operation) || "UPDATE".equals(operation))) {
            return Optional.of(workload);
        }
        return Optional.empty();
    }
}

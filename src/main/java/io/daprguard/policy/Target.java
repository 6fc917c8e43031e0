package io.daprguard.policy;

import io.daprguard.rules.Scope;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What to review in an object, and with which rules: the pod of a Pod or of a workload's template, a Dapr
 * Component or Configuration, or a Dapr control-plane workload.
 *
 * @param pointer JSON pointer of the pod within the object (for {@link Scope#POD}), empty otherwise
 * @param pod true for a Pod itself
 * @param scope which rules apply
 */
public record Target(String pointer, boolean pod, Scope scope) {

    private static final Target POD = new Target("", true, Scope.POD);
    private static final Target TEMPLATE = new Target("/spec/template", false, Scope.POD);
    private static final Target CRONJOB_TEMPLATE = new Target("/spec/jobTemplate/spec/template", false, Scope.POD);
    private static final Target COMPONENT = new Target("", false, Scope.COMPONENT);
    private static final Target CONFIGURATION = new Target("", false, Scope.CONFIGURATION);
    private static final Target CONTROL_PLANE = new Target("", false, Scope.CONTROL_PLANE);

    private static final Map<String, Target> WORKLOADS = Map.of(
            "apps/Deployment", TEMPLATE,
            "apps/StatefulSet", TEMPLATE,
            "apps/DaemonSet", TEMPLATE,
            "apps/ReplicaSet", TEMPLATE,
            "batch/Job", TEMPLATE,
            "batch/CronJob", CRONJOB_TEMPLATE,
            "dapr.io/Component", COMPONENT,
            "dapr.io/Configuration", CONFIGURATION);

    /** The label, and its value, that mark Dapr's control-plane workloads. */
    public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";
    public static final String CONTROL_PLANE_PART_OF = "dapr";

    /** Names of Dapr's control-plane services, as its Helm chart deploys them. */
    public static final Set<String> CONTROL_PLANE_NAMES = Set.of("dapr-operator", "dapr-sentry", "dapr-sidecar-injector",
            "dapr-placement-server", "dapr-scheduler-server", "dapr-dashboard");

    /**
     * What to review, or empty when the request is not one dapr-guard reviews: Pods on CREATE; the workload kinds,
     * Components and Configurations on CREATE and UPDATE; never a subresource.
     */
    public static Optional<Target> locate(ReviewRequest request) {
        if (request.subResource() != null && !request.subResource().isEmpty()) {
            return Optional.empty();
        }
        String operation = request.operation();
        if (request.group().isEmpty() && "Pod".equals(request.kind())) {
            return "CREATE".equals(operation) ? Optional.of(POD) : Optional.empty();
        }
        Target target = WORKLOADS.get(request.group() + "/" + request.kind());
        if (target == null || !("CREATE".equals(operation) || "UPDATE".equals(operation))) {
            return Optional.empty();
        }
        boolean deploymentOrStatefulSet = "apps".equals(request.group())
                && ("Deployment".equals(request.kind()) || "StatefulSet".equals(request.kind()));
        if (deploymentOrStatefulSet && isControlPlane(request.object())) {
            return Optional.of(CONTROL_PLANE);
        }
        return Optional.of(target);
    }

    /** Labelled {@code app.kubernetes.io/part-of: dapr}, or named as one of Dapr's control-plane services. */
    public static boolean isControlPlane(JsonNode object) {
        if (object == null) {
            return false;
        }
        JsonNode metadata = object.path("metadata");
        return CONTROL_PLANE_PART_OF.equals(metadata.path("labels").path(PART_OF_LABEL).asString(""))
                || CONTROL_PLANE_NAMES.contains(metadata.path("name").asString(""));
    }
}

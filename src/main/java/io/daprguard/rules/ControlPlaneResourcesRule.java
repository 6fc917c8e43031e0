package io.daprguard.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code control-plane-resources}: every container of a Dapr control-plane service requests CPU and memory. Dapr's
 * Helm chart sets none by default; the guideline's table gives starting values. The seed guideline also gives
 * memory limits; the current upstream production page advises against memory limits on control-plane pods (an OOM
 * kill stops the service). With {@code dapr-guard.control-plane.memory-limits=false} a memory limit is reported.
 */
public final class ControlPlaneResourcesRule extends BaseRule {

    public static final String ID = "control-plane-resources";

    /** The guideline's starting requests (cpu, memory) by service. */
    public static final Map<String, String> GUIDELINE = Map.of(
            "dapr-operator", "cpu 100m, memory 100Mi",
            "dapr-sidecar-injector", "cpu 100m, memory 30Mi",
            "dapr-sentry", "cpu 100m, memory 30Mi",
            "dapr-placement-server", "cpu 250m, memory 75Mi",
            "dapr-dashboard", "cpu 50m, memory 20Mi");

    /** Before a service's starting requests. */
    public static final String STARTS_AT = " (the guideline starts at ";
    /** The end of a missing-requests finding. */
    public static final String THROUGH_THE_CHART = " through the Dapr chart's resources values";
    /** The end of a memory-limit finding. */
    public static final String NO_MEMORY_LIMIT = "; the current upstream production page advises none on control-plane"
            + " pods (an OOM kill stops the service); remove it";

    public ControlPlaneResourcesRule() {
        super(ID, Action.WARN, Scope.CONTROL_PLANE);
    }

    @Override
    public List<Problem> check(ResourceView workload, RuleContext context) {
        List<Problem> problems = new ArrayList<>();
        for (JsonNode container : workload.array("/spec/template/spec/containers")) {
            JsonNode requests = container.path("resources").path("requests");
            List<String> missing = new ArrayList<>();
            if (requests.path("cpu").isMissingNode()) {
                missing.add("cpu");
            }
            if (requests.path("memory").isMissingNode()) {
                missing.add("memory");
            }
            if (!missing.isEmpty()) {
                String start = GUIDELINE.get(workload.name());
                problems.add(Problem.violation("container " + container.path("name").asString("?") + " of "
                        + workload.name() + " requests no " + String.join(" or ", missing) + "; set requests"
                        + (start == null ? "" : STARTS_AT + start + ")") + THROUGH_THE_CHART));
            }
            JsonNode memoryLimit = container.path("resources").path("limits").path("memory");
            if (!context.controlPlaneMemoryLimits() && !memoryLimit.isMissingNode() && !memoryLimit.isNull()) {
                problems.add(Problem.violation("container " + container.path("name").asString("?") + " of "
                        + workload.name() + " has a memory limit (" + Texts.shown(memoryLimit.asString()) + ")"
                        + NO_MEMORY_LIMIT));
            }
        }
        return problems;
    }
}

package io.daprguard.rules;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code control-plane-ha}: Dapr's control-plane services run 3 replicas (the guideline's HA mode). A workload
 * scaled to zero on purpose (placement with {@code dapr_placement.scaleZero}, when no app uses actors) is not
 * reported.
 */
public final class ControlPlaneHaRule extends BaseRule {

    public static final String ID = "control-plane-ha";
    /** What follows {@code <name> runs <n> replica(s)}. */
    public static final String ADVICE = ", so one node failure can stop it; install Dapr with global.ha.enabled=true"
            + " (3 replicas)";

    public ControlPlaneHaRule() {
        super(ID, Action.WARN, Scope.CONTROL_PLANE);
    }

    @Override
    public List<Problem> check(ResourceView workload, RuleContext context) {
        JsonNode replicas = workload.at("/spec/replicas");
        int count = replicas.isMissingNode() || replicas.isNull() ? 1 : replicas.asInt(1);
        if (count > 0 && count < 3) {
            return List.of(Problem.violation(workload.name() + " runs " + count + " replica" + (count == 1 ? "" : "s")
                    + ADVICE));
        }
        return List.of();
    }
}

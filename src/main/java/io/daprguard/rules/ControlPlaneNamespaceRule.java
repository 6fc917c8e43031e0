package io.daprguard.rules;

import java.util.List;

/** {@code control-plane-namespace}: Dapr's control plane runs in a dedicated namespace, not {@code default}. */
public final class ControlPlaneNamespaceRule extends BaseRule {

    public static final String ID = "control-plane-namespace";
    /** What follows the workload's name. */
    public static final String MESSAGE = " runs in the default namespace; install Dapr in a dedicated namespace such"
            + " as dapr-system";

    public ControlPlaneNamespaceRule() {
        super(ID, Action.WARN, Scope.CONTROL_PLANE);
    }

    @Override
    public List<Problem> check(ResourceView workload, RuleContext context) {
        if ("default".equals(workload.namespace())) {
            return List.of(Problem.violation(workload.name() + MESSAGE));
        }
        return List.of();
    }
}

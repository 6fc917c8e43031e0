package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.List;

/**
 * {@code enabled-value}: {@code dapr.io/enabled} is {@code "true"}. Dapr before 1.18 also took y, yes, t, on and
 * 1; Dapr 1.18 injects no sidecar for them, silently.
 */
public final class EnabledValueRule extends BaseRule {

    public static final String ID = "enabled-value";

    public EnabledValueRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        String value = pod.annotation(DaprAnnotations.ENABLED);
        if (value != null && DaprAnnotations.isLegacyTruthy(value)) {
            return List.of(Problem.violation(DaprAnnotations.ENABLED + " " + Texts.quoted(value) + " gets no sidecar from Dapr "
                    + "1.18+; write \"true\""));
        }
        return List.of();
    }
}

package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.List;

/**
 * {@code enabled-value}: {@code dapr.io/enabled} is {@code "true"}. Dapr 1.16.x and 1.17.0 to 1.17.2 also took y,
 * yes, t, on and 1; since Dapr 1.17.3 (and in 1.18) the injector compares with {@code strings.EqualFold(v, "true")}
 * and injects no sidecar for them, silently.
 */
public final class EnabledValueRule extends BaseRule {

    public static final String ID = "enabled-value";

    /** What follows the quoted value in the message (the native policy writes the same). */
    public static final String NO_SIDECAR = " gets no sidecar from Dapr 1.17.3+ (and 1.18); write \"true\"";

    public EnabledValueRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        String value = pod.annotation(DaprAnnotations.ENABLED);
        if (value != null && DaprAnnotations.isLegacyTruthy(value)) {
            return List.of(Problem.violation(DaprAnnotations.ENABLED + " " + Texts.quoted(value) + NO_SIDECAR));
        }
        return List.of();
    }
}

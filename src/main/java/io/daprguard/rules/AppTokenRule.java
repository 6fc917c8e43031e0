package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.List;

/** {@code app-token}: Dapr authenticates to the app ({@code dapr.io/app-token-secret}), as the guideline asks. */
public final class AppTokenRule extends BaseRule {

    public static final String ID = "app-token";

    /** The finding's message (the native policy writes the same). */
    public static final String MESSAGE = "the app cannot tell Dapr's calls from others; set "
            + DaprAnnotations.APP_TOKEN_SECRET + " to a Secret with key token";

    public AppTokenRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        if (pod.annotation(DaprAnnotations.APP_TOKEN_SECRET) != null) {
            return List.of();
        }
        return List.of(Problem.violation(MESSAGE));
    }
}

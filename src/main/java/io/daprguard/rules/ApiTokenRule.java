package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.List;

/** {@code api-token}: the Dapr API requires a token ({@code dapr.io/api-token-secret}), as the guideline asks. */
public final class ApiTokenRule extends BaseRule {

    public static final String ID = "api-token";

    /** The finding's message (the native policy writes the same). */
    public static final String MESSAGE = "the Dapr API accepts calls without a token; set "
            + DaprAnnotations.API_TOKEN_SECRET + " to a Secret with key token";

    public ApiTokenRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        if (pod.annotation(DaprAnnotations.API_TOKEN_SECRET) != null) {
            return List.of();
        }
        return List.of(Problem.violation(MESSAGE));
    }
}

package io.daprguard.rules;

import java.util.List;

/**
 * {@code service-account-token}: {@code automountServiceAccountToken: false} unless the app calls the Kubernetes
 * API (daprd gets its own projected token and does not need it).
 */
public final class ServiceAccountTokenRule extends BaseRule {

    public static final String ID = "service-account-token";

    /** The finding's message (the native policy writes the same). */
    public static final String MESSAGE = "the pod mounts a service account token; set "
            + "automountServiceAccountToken: false unless the app calls the Kubernetes API";

    public ServiceAccountTokenRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        if (pod.automountServiceAccountToken().orElse(true)) {
            return List.of(Problem.violation(MESSAGE));
        }
        return List.of();
    }
}

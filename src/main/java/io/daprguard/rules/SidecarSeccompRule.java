package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.List;

/**
 * {@code sidecar-seccomp}: daprd runs with the {@code RuntimeDefault} seccomp profile. The Dapr injector copies
 * {@code dapr.io/sidecar-seccomp-profile-type} verbatim: {@code Localhost} fails validation (the annotation cannot
 * set {@code localhostProfile}), {@code Unconfined} breaks the Restricted profile, any other spelling is rejected
 * by Kubernetes. Mutation adds {@code RuntimeDefault} when the annotation is absent.
 */
public final class SidecarSeccompRule extends BaseRule {

    public static final String ID = "sidecar-seccomp";
    static final String RUNTIME_DEFAULT = "RuntimeDefault";

    public SidecarSeccompRule() {
        super(ID, Action.DENY, true);
    }

    @Override
    public List<String> mutate(PodView pod, RuleContext context) {
        if (pod.annotation(DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE) != null) {
            return List.of();
        }
        pod.putAnnotation(DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE, RUNTIME_DEFAULT);
        return List.of("add " + DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE + ": " + RUNTIME_DEFAULT);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        String value = pod.annotation(DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE);
        String key = DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE;
        if (value == null) {
            if (RUNTIME_DEFAULT.equals(pod.podSeccompProfileType())) {
                return List.of();
            }
            return List.of(Problem.violation(key + " is not set, so daprd runs without a seccomp profile; add " + key
                    + ": RuntimeDefault"));
        }
        if (RUNTIME_DEFAULT.equals(value)) {
            return List.of();
        }
        String why = switch (value) {
            case "Localhost" -> "cannot name a localhostProfile, so Kubernetes rejects the pod";
            case "Unconfined" -> "turns seccomp off and breaks the Restricted pod security profile";
            default -> "is not a seccomp profile type (they are case-sensitive), so Kubernetes rejects the pod";
        };
        return List.of(Problem.violation(key + " " + Texts.quoted(value) + " " + why + "; set it to RuntimeDefault"));
    }
}

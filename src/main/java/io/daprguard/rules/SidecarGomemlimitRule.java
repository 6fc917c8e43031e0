package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import io.daprguard.dapr.GoMemLimit;
import io.daprguard.dapr.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code sidecar-gomemlimit}: {@code dapr.io/env} sets GOMEMLIMIT in Go's syntax at a share of the sidecar memory
 * limit. Without it Go's garbage collector waits for the heap to double and daprd gets OOM-killed; a value in
 * Kubernetes syntax ({@code 900Mi}) is a fatal error at daprd start-up. Mutation appends
 * {@code GOMEMLIMIT=<percent of the limit>MiB}, keeping every other variable exactly as written. A GOMEMLIMIT from
 * {@code dapr.io/env-from-secret} is added to daprd after those of {@code dapr.io/env} and wins: mutation then adds
 * nothing (a second one would only conflict), and validation says its value cannot be checked.
 */
public final class SidecarGomemlimitRule extends BaseRule {

    public static final String ID = "sidecar-gomemlimit";
    static final String GOMEMLIMIT = "GOMEMLIMIT";

    public SidecarGomemlimitRule() {
        super(ID, Action.DENY, true);
    }

    @Override
    public List<String> mutate(PodView pod, RuleContext context) {
        String env = pod.annotation(DaprAnnotations.ENV);
        if (DaprEnv.parse(env).contains(GOMEMLIMIT) || fromSecret(pod).isPresent()) {
            return List.of();
        }
        Optional<Quantity> limit = memoryLimit(pod);
        if (limit.isEmpty()) {
            return List.of();
        }
        String value = GoMemLimit.forLimit(limit.get().value(), context.defaults().gomemlimitPercent());
        pod.putAnnotation(DaprAnnotations.ENV, DaprEnv.append(env, GOMEMLIMIT, value));
        return List.of("add " + GOMEMLIMIT + "=" + value + " to " + DaprAnnotations.ENV);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        Optional<String> value = DaprEnv.parse(pod.annotation(DaprAnnotations.ENV)).lastValue(GOMEMLIMIT);
        Optional<Quantity> limit = memoryLimit(pod);
        String advice = limit.map(l -> "use GOMEMLIMIT=" + suggestion(l, context))
                .orElse("use about " + context.defaults().gomemlimitPercent() + "% of the sidecar memory limit");
        Optional<String> secret = fromSecret(pod);
        if (secret.isPresent()) {
            return List.of(Problem.advisory("GOMEMLIMIT comes from Secret " + Texts.quoted(secret.get()) + " ("
                    + DaprAnnotations.ENV_FROM_SECRET + (value.isPresent() ? "; the one in " + DaprAnnotations.ENV
                    + " is ignored" : "") + ") and cannot be checked here; make sure it is Go syntax within the "
                    + "limit: " + advice));
        }
        if (value.isEmpty()) {
            if (limit.isEmpty()) {
                return List.of(Problem.violation(DaprAnnotations.ENV + " has no GOMEMLIMIT and there is no valid "
                        + DaprAnnotations.SIDECAR_MEMORY_LIMIT + "; set the limit, then GOMEMLIMIT at "
                        + context.defaults().gomemlimitPercent() + "% of it"));
            }
            return List.of(Problem.violation(DaprAnnotations.ENV + " has no GOMEMLIMIT, so daprd's garbage "
                    + "collector ignores its memory limit; add GOMEMLIMIT=" + suggestion(limit.get(), context)
                    + " to " + DaprAnnotations.ENV));
        }
        return check(value.get(), limit.map(Quantity::value), limit.map(Quantity::text).orElse(null),
                DaprAnnotations.SIDECAR_MEMORY_LIMIT, "in " + DaprAnnotations.ENV, advice);
    }

    /**
     * The checks shared with the injected daprd container: syntax, zero, above the limit, off, too low.
     *
     * @param where where the value was found, for example {@code in dapr.io/env}
     */
    static List<Problem> check(
            String value, Optional<BigDecimal> limitBytes, String limitText, String limitName, String where,
            String advice) {
        if (GoMemLimit.isUnset(value)) {
            return List.of(Problem.violation("GOMEMLIMIT= (empty) " + where + " means no soft memory limit to the Go "
                    + "runtime, the same as not setting it, so daprd's garbage collector ignores its memory limit; "
                    + advice));
        }
        if (GoMemLimit.isOff(value)) {
            return List.of(Problem.advisory("GOMEMLIMIT=off " + where + " turns off daprd's soft memory limit; "
                    + advice));
        }
        if (!GoMemLimit.isValid(value)) {
            return List.of(Problem.violation("GOMEMLIMIT=" + Texts.quoted(value) + " " + where + " is not valid Go syntax and "
                    + "daprd exits at start; " + GoMemLimit.hint(value.length() > 64 ? value.substring(0, 64) : value)));
        }
        OptionalLong bytes = GoMemLimit.bytes(value);
        if (bytes.isPresent() && bytes.getAsLong() == 0) {
            return List.of(Problem.violation("GOMEMLIMIT=0 " + where + " makes daprd's garbage collector run "
                    + "constantly; " + advice));
        }
        if (bytes.isPresent() && limitBytes.isPresent()) {
            BigDecimal soft = BigDecimal.valueOf(bytes.getAsLong());
            if (soft.compareTo(limitBytes.get()) > 0) {
                return List.of(Problem.violation("GOMEMLIMIT=" + value + " " + where + " is above " + limitName
                        + " " + limitText + ", so daprd can be OOM-killed; " + advice));
            }
            if (soft.multiply(BigDecimal.valueOf(2)).compareTo(limitBytes.get()) < 0) {
                return List.of(Problem.advisory("GOMEMLIMIT=" + value + " " + where + " is below half of " + limitName
                        + " " + limitText + ", so the GC runs more than needed; " + advice));
            }
        }
        return List.of();
    }

    static String suggestion(Quantity limit, RuleContext context) {
        return GoMemLimit.forLimit(limit.value(), context.defaults().gomemlimitPercent());
    }

    /** The Secret reference of a GOMEMLIMIT given through {@code dapr.io/env-from-secret}. */
    private static Optional<String> fromSecret(PodView pod) {
        return DaprEnv.parse(pod.annotation(DaprAnnotations.ENV_FROM_SECRET)).secretReference(GOMEMLIMIT);
    }

    private static Optional<Quantity> memoryLimit(PodView pod) {
        return Quantity.parse(pod.annotation(DaprAnnotations.SIDECAR_MEMORY_LIMIT)).filter(Quantity::isPositive);
    }
}

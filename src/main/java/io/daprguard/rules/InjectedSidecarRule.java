package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import io.daprguard.dapr.GoMemLimit;
import io.daprguard.dapr.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code injected-sidecar}: when the Dapr injector has already added the {@code daprd} container (in
 * {@code containers}, or in {@code initContainers} as a native sidecar), that container itself must carry the
 * resources, GOMEMLIMIT and seccomp profile, because annotations no longer change it. The apiserver's ordering of
 * mutating webhooks is not a promise, so mutation fills the container in and validation checks the final pod.
 * Validation also warns when daprd does not drop ALL capabilities: the pod then fails the PodSecurity
 * "restricted" profile, and only Dapr's Helm value {@code dapr_sidecar_injector.sidecarDropALLCapabilities}
 * (false by default) changes that; no annotation does, and dapr-guard does not rewrite what the injector chose.
 */
public final class InjectedSidecarRule extends BaseRule {

    public static final String ID = "injected-sidecar";

    public InjectedSidecarRule() {
        super(ID, Action.DENY, true);
    }

    @Override
    public List<String> mutate(PodView pod, RuleContext context) {
        Optional<ContainerView> found = pod.daprdContainer();
        if (found.isEmpty()) {
            return List.of();
        }
        ContainerView daprd = found.get();
        List<String> changes = new ArrayList<>();
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            SidecarResource request = pair[0];
            SidecarResource limit = pair[1];
            PairFill.Candidate requestValue = candidate(pod, request, context);
            PairFill.Candidate limitValue = candidate(pod, limit, context);
            PairFill fill = PairFill.decide(
                    daprd.resource(request.section(), request.resource()),
                    daprd.resource(limit.section(), limit.resource()),
                    requestValue,
                    limitValue);
            if (fill.addRequest()) {
                changes.add(put(daprd, request, requestValue.quantity()));
            }
            if (fill.addLimit()) {
                changes.add(put(daprd, limit, limitValue.quantity()));
            }
        }
        if (daprd.env(SidecarGomemlimitRule.GOMEMLIMIT).isEmpty()) {
            gomemlimitFor(pod, daprd, context).ifPresent(value -> {
                daprd.addEnv(SidecarGomemlimitRule.GOMEMLIMIT, value);
                changes.add("add env GOMEMLIMIT=" + value + " to the daprd container");
            });
        }
        if (daprd.seccompProfileType() == null) {
            daprd.putSeccompProfileType(SidecarSeccompRule.RUNTIME_DEFAULT);
            changes.add("add seccompProfile RuntimeDefault to the daprd container");
        }
        return changes;
    }

    /** The annotation's value when valid, else the default. */
    private static PairFill.Candidate candidate(PodView pod, SidecarResource resource, RuleContext context) {
        Optional<Quantity> annotated =
                Quantity.parse(pod.annotation(resource.annotation())).filter(Quantity::isPositive);
        return annotated
                .map(q -> new PairFill.Candidate(q, true))
                .orElseGet(() -> new PairFill.Candidate(resource.defaultValue(context.defaults()), false));
    }

    private static String put(ContainerView daprd, SidecarResource resource, Quantity value) {
        daprd.putResource(resource.section(), resource.resource(), value.text());
        return "add " + resource.containerField() + ": " + value.text() + " to the daprd container";
    }

    /** The annotation's GOMEMLIMIT when it is valid and fits, else the share of the container's memory limit. */
    private static Optional<String> gomemlimitFor(PodView pod, ContainerView daprd, RuleContext context) {
        Optional<Quantity> limit = Quantity.parse(daprd.resource("limits", "memory")).filter(Quantity::isPositive);
        if (limit.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> annotated = DaprEnv.parse(pod.annotation(DaprAnnotations.ENV))
                .lastValue(SidecarGomemlimitRule.GOMEMLIMIT)
                .filter(value -> SidecarGomemlimitRule.check(value, Optional.of(limit.get().value()), "", "", "", "")
                        .isEmpty());
        return Optional.of(annotated.orElseGet(() -> SidecarGomemlimitRule.suggestion(limit.get(), context)));
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        Optional<ContainerView> found = pod.daprdContainer();
        if (found.isEmpty()) {
            return List.of();
        }
        ContainerView daprd = found.get();
        List<Problem> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            Optional<Quantity> request = containerValue(daprd, pair[0], missing, problems);
            Optional<Quantity> limit = containerValue(daprd, pair[1], missing, problems);
            if (request.isPresent() && limit.isPresent() && request.get().compareTo(limit.get()) > 0) {
                problems.add(Problem.violation("the daprd container's " + pair[0].containerField() + " "
                        + request.get().text() + " is above its " + pair[1].containerField() + " "
                        + limit.get().text() + "; make the request at most the limit"));
            }
        }
        Optional<Quantity> memoryLimit =
                Quantity.parse(daprd.resource("limits", "memory")).filter(Quantity::isPositive);
        Optional<ContainerView.EnvValue> env = daprd.env(SidecarGomemlimitRule.GOMEMLIMIT);
        String advice = memoryLimit
                .map(l -> "use GOMEMLIMIT=" + SidecarGomemlimitRule.suggestion(l, context))
                .orElse("set it to about " + context.defaults().gomemlimitPercent() + "% of the memory limit");
        if (env.isEmpty()) {
            missing.add("a GOMEMLIMIT env variable");
        } else if (env.get() instanceof ContainerView.Literal literal) {
            problems.addAll(SidecarGomemlimitRule.check(literal.value(), memoryLimit.map(Quantity::value),
                    memoryLimit.map(Quantity::text).orElse(null), "its memory limit", "in the daprd container",
                    advice));
        }
        String seccomp = daprd.seccompProfileType();
        boolean inherited = seccomp == null && SidecarSeccompRule.RUNTIME_DEFAULT.equals(pod.podSeccompProfileType());
        if (seccomp == null && !inherited) {
            missing.add("a seccomp profile");
        } else if (seccomp != null && !SidecarSeccompRule.RUNTIME_DEFAULT.equals(seccomp)) {
            problems.add(Problem.violation("the daprd container's seccomp profile is " + seccomp
                    + "; use RuntimeDefault"));
        }
        if (!daprd.dropsAllCapabilities()) {
            problems.add(Problem.advisory("the daprd container does not drop ALL capabilities, so the pod fails the "
                    + "PodSecurity \"restricted\" profile; install Dapr with "
                    + "dapr_sidecar_injector.sidecarDropALLCapabilities=true"));
        }
        if (!missing.isEmpty()) {
            problems.add(0, Problem.violation("the injected daprd container lacks " + Texts.listed(missing)
                    + "; make dapr-guard's mutating webhook run before the Dapr injector (see README)"));
        }
        return problems;
    }

    private static Optional<Quantity> containerValue(
            ContainerView daprd, SidecarResource resource, List<String> missing, List<Problem> problems) {
        String text = daprd.resource(resource.section(), resource.resource());
        if (text == null) {
            missing.add(resource.containerField());
            return Optional.empty();
        }
        Optional<Quantity> quantity = Quantity.parse(text);
        if (quantity.isEmpty() || !quantity.get().isPositive()) {
            problems.add(Problem.violation("the daprd container's " + resource.containerField() + " " + Texts.quoted(text)
                    + " is not a positive quantity; fix " + resource.annotation()));
            return Optional.empty();
        }
        return quantity;
    }

}

package io.daprguard.rules;

import io.daprguard.dapr.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code sidecar-resources}: the four {@code dapr.io/sidecar-*} resource annotations are set, valid Kubernetes
 * quantities, positive, and request &lt;= limit. Dapr has no defaults for them, and if any one is invalid the
 * injector drops all four, so daprd runs with no resources at all. Mutation adds the missing ones.
 */
public final class SidecarResourcesRule extends BaseRule {

    public static final String ID = "sidecar-resources";

    public SidecarResourcesRule() {
        super(ID, Action.DENY, true);
    }

    @Override
    public List<String> mutate(PodView pod, RuleContext context) {
        List<String> changes = new ArrayList<>();
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            SidecarResource request = pair[0];
            SidecarResource limit = pair[1];
            PairFill fill = PairFill.decide(
                    pod.annotation(request.annotation()),
                    pod.annotation(limit.annotation()),
                    new PairFill.Candidate(request.defaultValue(context.defaults()), false),
                    new PairFill.Candidate(limit.defaultValue(context.defaults()), false));
            if (fill.addRequest()) {
                changes.add(add(pod, request, context));
            }
            if (fill.addLimit()) {
                changes.add(add(pod, limit, context));
            }
        }
        return changes;
    }

    private static String add(PodView pod, SidecarResource resource, RuleContext context) {
        String value = resource.defaultValue(context.defaults()).text();
        pod.putAnnotation(resource.annotation(), value);
        return "add " + resource.annotation() + ": " + value;
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        List<Problem> problems = new ArrayList<>();
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            Optional<Quantity> request = check(pod, pair[0], context, problems);
            Optional<Quantity> limit = check(pod, pair[1], context, problems);
            if (request.isPresent() && limit.isPresent() && request.get().compareTo(limit.get()) > 0) {
                problems.add(Problem.violation(pair[0].annotation() + " " + request.get().text() + " is above "
                        + pair[1].annotation() + " " + limit.get().text() + ", so Kubernetes rejects the pod; "
                        + "raise the limit to at least " + request.get().text() + " or lower the request"));
            }
        }
        return problems;
    }

    /** Adds the problem with one annotation, if any; returns its value when valid and positive. */
    private static Optional<Quantity> check(
            PodView pod, SidecarResource resource, RuleContext context, List<Problem> problems) {
        String text = pod.annotation(resource.annotation());
        String name = resource.annotation();
        if (text == null) {
            problems.add(Problem.violation(missing(pod, resource, context)));
            return Optional.empty();
        }
        Optional<Quantity> quantity = Quantity.parse(text);
        if (quantity.isEmpty()) {
            problems.add(Problem.violation(name + " " + Texts.quoted(text) + " is not a Kubernetes quantity, so Dapr ignores "
                    + "all four sidecar resource annotations; " + QuantityHints.fix(text.length() > 64 ? null : text, resource)));
            return Optional.empty();
        }
        if (!quantity.get().isPositive()) {
            problems.add(Problem.violation(name + " " + Texts.quoted(text) + " must be greater than zero; use e.g. \""
                    + resource.defaultValue(context.defaults()).text() + "\""));
            return Optional.empty();
        }
        return quantity;
    }

    private static String missing(PodView pod, SidecarResource resource, RuleContext context) {
        Quantity fallback = resource.defaultValue(context.defaults());
        SidecarResource other = resource.counterpart();
        Optional<Quantity> otherValue = Quantity.parse(pod.annotation(other.annotation()));
        if (otherValue.isPresent()) {
            if (resource.isRequest() && fallback.compareTo(otherValue.get()) > 0) {
                return resource.annotation() + " is not set and the default " + fallback.text() + " is above "
                        + other.annotation() + " " + otherValue.get().text() + "; set " + resource.annotation()
                        + " to " + otherValue.get().text() + " or less";
            }
            if (!resource.isRequest() && fallback.compareTo(otherValue.get()) < 0) {
                return resource.annotation() + " is not set and the default " + fallback.text() + " is below "
                        + other.annotation() + " " + otherValue.get().text() + "; set " + resource.annotation()
                        + " to at least " + otherValue.get().text();
            }
        }
        return resource.annotation() + " is not set, so daprd runs without it; add " + resource.annotation()
                + ": \"" + fallback.text() + "\"";
    }
}

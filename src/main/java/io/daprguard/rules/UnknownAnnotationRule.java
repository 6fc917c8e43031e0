package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code unknown-annotation}: every {@code dapr.io/} annotation is one Dapr knows; a typo is silently ignored. */
public final class UnknownAnnotationRule extends BaseRule {

    public static final String ID = "unknown-annotation";

    public UnknownAnnotationRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        List<Problem> problems = new ArrayList<>();
        for (String key : pod.annotations().keySet()) {
            if (!key.startsWith(DaprAnnotations.PREFIX) || DaprAnnotations.isKnown(key)) {
                continue;
            }
            Optional<String> nearest = DaprAnnotations.nearestKnown(key);
            problems.add(Problem.violation(Texts.shown(key) + " is not a Dapr annotation and is ignored; "
                    + nearest.map(known -> "did you mean " + known + "?").orElse("remove it")));
        }
        return problems;
    }
}

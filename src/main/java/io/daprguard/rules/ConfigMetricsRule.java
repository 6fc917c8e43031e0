package io.daprguard.rules;

import java.util.List;

/** {@code config-metrics}: a Dapr Configuration keeps metrics on ({@code spec.metric.enabled} is not false). */
public final class ConfigMetricsRule extends BaseRule {

    public static final String ID = "config-metrics";

    /** The finding's message (the native policy writes the same). */
    public static final String MESSAGE = "spec.metric.enabled is false, so the sidecars export no metrics; "
            + "the guideline recommends metrics in production";

    public ConfigMetricsRule() {
        super(ID, Action.WARN, Scope.CONFIGURATION);
    }

    @Override
    public List<Problem> check(ResourceView configuration, RuleContext context) {
        if (ConfigMtlsRule.isFalse(configuration.at("/spec/metric/enabled"))) {
            return List.of(Problem.violation(MESSAGE));
        }
        return List.of();
    }
}

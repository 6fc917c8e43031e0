package io.daprguard.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code config-exists}: a workload's {@code dapr.io/config} names no Configuration in its namespace. daprd asks the
 * operator for it at start, and a failure to load it is fatal ({@code error loading configuration}), so the pods
 * crash-loop.
 */
public final class ConfigExistsRule extends BaseRule implements ClusterRule {

    public static final String ID = "config-exists";

    public ConfigExistsRule() {
        super(ID, Action.DENY, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        List<ClusterProblem> problems = new ArrayList<>();
        for (NamespaceFacts.App app : facts.apps()) {
            if (app.config() != null && !app.config().isEmpty() && !facts.configurations().contains(app.config())) {
                problems.add(new ClusterProblem(app.ref(), Problem.violation("dapr.io/config \""
                        + Texts.shown(app.config()) + "\" names no Configuration in namespace " + facts.namespace()
                        + "; daprd cannot load it and exits at start (error loading configuration); create the "
                        + "Configuration or correct the name")));
            }
        }
        return problems;
    }
}

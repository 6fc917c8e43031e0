package io.daprguard.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code scopes-known-apps}: a Component's {@code scopes} name app-ids that no workload of its namespace has. Dapr
 * loads a scoped Component only in the apps it names, so a misspelt app-id leaves the intended app without it (its
 * calls fail with "not found"), and nothing reports it.
 */
public final class ScopesKnownAppsRule extends BaseRule implements ClusterRule {

    public static final String ID = "scopes-known-apps";

    public ScopesKnownAppsRule() {
        super(ID, Action.WARN, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        Set<String> appIds = new HashSet<>();
        facts.apps().forEach(app -> appIds.add(app.appId()));
        List<ClusterProblem> problems = new ArrayList<>();
        for (NamespaceFacts.ComponentFact component : facts.components()) {
            List<String> unknown = component.scopes().stream().filter(scope -> !appIds.contains(scope)).toList();
            if (unknown.isEmpty()) {
                continue;
            }
            problems.add(new ClusterProblem(component.ref(), Problem.violation("scopes name "
                    + Texts.shown(String.join(", ", unknown)) + ", which no Dapr workload in this namespace has as "
                    + "dapr.io/app-id, so no app loads the component for "
                    + (unknown.size() == 1 ? "it" : "them") + "; correct the app-id in scopes or in the workload")));
        }
        return problems;
    }
}

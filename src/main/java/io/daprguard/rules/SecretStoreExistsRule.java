package io.daprguard.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code secret-store-exists}: a Component's {@code auth.secretStore} names no Component of type
 * {@code secretstores.*} in its namespace ({@code kubernetes} is built in). daprd parks a component whose secret
 * store has not loaded until that store loads (pendingComponentDependents in pkg/runtime/processor), so with no
 * such store the component never loads, and no error says why.
 */
public final class SecretStoreExistsRule extends BaseRule implements ClusterRule {

    public static final String ID = "secret-store-exists";

    /** The store Dapr uses when {@code auth.secretStore} is empty, always available on Kubernetes. */
    static final String BUILT_IN = "kubernetes";

    public SecretStoreExistsRule() {
        super(ID, Action.DENY, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        Set<String> stores = new HashSet<>();
        stores.add(BUILT_IN);
        for (NamespaceFacts.ComponentFact component : facts.components()) {
            if (component.type() != null && component.type().startsWith("secretstores.")) {
                stores.add(component.ref().name());
            }
        }
        List<ClusterProblem> problems = new ArrayList<>();
        for (NamespaceFacts.ComponentFact component : facts.components()) {
            String store = component.secretStore();
            if (store != null && !store.isEmpty() && !stores.contains(store)) {
                problems.add(new ClusterProblem(component.ref(), Problem.violation("auth.secretStore \""
                        + Texts.shown(store) + "\" names no secret store Component (type secretstores.*) in namespace "
                        + facts.namespace() + "; daprd waits for that store before it loads this component, so the "
                        + "component never loads; create the store or correct the name (kubernetes is built in)")));
            }
        }
        return problems;
    }
}

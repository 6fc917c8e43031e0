package io.daprguard.rules;

import java.util.List;

/**
 * A rule about several objects of one namespace at once (two workloads with one app-id, a Component naming a secret
 * store that does not exist...). Only the cluster audit runs these: an admission review sees one object, and the
 * webhook stays stateless.
 */
public interface ClusterRule extends Rule {

    @Override
    default Scope scope() {
        return Scope.CLUSTER;
    }

    /** The problems found among the namespace's objects, each on the object it is reported on. */
    List<ClusterProblem> check(NamespaceFacts facts);
}

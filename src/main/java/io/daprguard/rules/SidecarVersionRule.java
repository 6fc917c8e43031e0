package io.daprguard.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sidecar-version}: running daprd containers on another Dapr version than the control plane (the sidecar
 * injector's image). The injector only acts when a pod is created, so after a control-plane upgrade every pod keeps
 * its old daprd until it is re-created: the guideline's "Updating the data plane" step is a rollout restart of every
 * Dapr-enabled workload.
 */
public final class SidecarVersionRule extends BaseRule implements ClusterRule {

    public static final String ID = "sidecar-version";

    public SidecarVersionRule() {
        super(ID, Action.WARN, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        String current = facts.controlPlaneVersion();
        if (current == null) {
            return List.of();
        }
        List<ClusterProblem> problems = new ArrayList<>();
        for (NamespaceFacts.Sidecars sidecars : facts.sidecars()) {
            Map<String, Integer> behind = new TreeMap<>(sidecars.versions());
            behind.remove(current);
            if (behind.isEmpty()) {
                continue;
            }
            int pods = behind.values().stream().mapToInt(Integer::intValue).sum();
            List<String> versions = new ArrayList<>();
            behind.forEach((version, count) -> versions.add(count + " on " + Texts.shown(version)));
            problems.add(new ClusterProblem(sidecars.owner(), Problem.violation(pods + " of " + sidecars.pods()
                    + " pods run daprd of another version than the control plane (" + current + "): "
                    + String.join(", ", versions) + "; the injector only sets the version when a pod is created, so "
                    + "restart the workload (kubectl rollout restart " + sidecars.owner().kubectlName() + " -n "
                    + sidecars.owner().namespace() + ")")));
        }
        return problems;
    }
}

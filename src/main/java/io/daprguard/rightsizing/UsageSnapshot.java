package io.daprguard.rightsizing;

import java.util.List;
import java.util.Map;

/**
 * One run of a usage source.
 *
 * @param pods the usage of every pod with daprd samples in the window
 * @param owners pod to its top-level owner as {@code Kind/name}, keyed by {@code namespace/pod}, where the source knows
 *     it (kube-state-metrics' {@code kube_pod_owner} and {@code kube_replicaset_owner}); empty when it does not
 * @param queries how many queries the run sent
 * @param ignored how many series or samples were ignored as absurd (NaN, negative, infinite, above 1e15, missing
 *     labels)
 */
public record UsageSnapshot(List<PodUsage> pods, Map<String, String> owners, int queries, int ignored) {

    public UsageSnapshot {
        pods = List.copyOf(pods);
        owners = Map.copyOf(owners);
    }
}

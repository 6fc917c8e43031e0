package io.daprguard.rules;

import io.daprguard.rules.NamespaceFacts.ObjectRef;
import java.util.List;

/**
 * What a workload's daprd containers run with now and what their measured use recommends, as the right-sizing of the
 * cluster audit found it ({@link SidecarSizer}).
 *
 * @param owner the top-level owner of the pods
 * @param current the sidecar resources its running pods' daprd containers have
 * @param recommended the recommended resources and GOMEMLIMIT
 * @param basis what the recommendation rests on
 * @param material whether the recommendation differs from the current resources by more than the thresholds
 * @param env the workload's {@code dapr.io/env} now, or null when it sets none (a patch keeps its other variables)
 */
public record SidecarSizing(ObjectRef owner, Resources current, Resources recommended, Basis basis,
        boolean material, String env) {

    /**
     * daprd's resources as the four {@code dapr.io/sidecar-*} annotations set them, plus GOMEMLIMIT; each a Kubernetes
     * quantity (GOMEMLIMIT in Go syntax), or "" when unset.
     */
    public record Resources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit,
            String gomemlimit) {}

    /**
     * The evidence.
     *
     * @param window how far back the source looked, for example {@code 7d}
     * @param samples how many memory samples
     * @param pods how many pods (running or gone) the samples came from
     * @param memoryP95 the 95th percentile of the working set, in bytes
     * @param memoryPeak the largest working-set sample, in bytes
     * @param cpuP95 the 95th percentile of CPU use, in cores
     * @param cpuPeak the largest CPU use, in cores
     * @param oomLimit the largest memory limit daprd was OOM-killed at, in bytes, or 0
     * @param source where the samples came from, for example {@code prometheus}
     */
    public record Basis(String window, long samples, int pods, double memoryP95, double memoryPeak, double cpuP95,
            double cpuPeak, double oomLimit, String source) {}

    /** The annotations a pod template sets to get {@code recommended}, in the order a patch writes them. */
    public List<String[]> annotations() {
        return List.of(
                new String[] {"dapr.io/sidecar-cpu-request", recommended.cpuRequest()},
                new String[] {"dapr.io/sidecar-cpu-limit", recommended.cpuLimit()},
                new String[] {"dapr.io/sidecar-memory-request", recommended.memoryRequest()},
                new String[] {"dapr.io/sidecar-memory-limit", recommended.memoryLimit()});
    }
}

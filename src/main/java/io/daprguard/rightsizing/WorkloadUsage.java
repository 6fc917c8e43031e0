package io.daprguard.rightsizing;

import java.time.Instant;
import java.util.Collection;

/**
 * The measured daprd use of one workload's pods together (those that run and those that are gone).
 *
 * @param pods how many pods the samples came from
 * @param samples how many memory samples
 * @param memoryP95 the largest of the pods' 95th percentiles of the working set, in bytes
 * @param memoryPeak the largest working-set sample, in bytes
 * @param cpuP95 the largest of the pods' 95th percentiles of CPU use, in cores; NaN when no pod's CPU was measured
 * @param cpuPeak the largest CPU use, in cores; NaN when no pod's CPU was measured
 * @param oomLimit the largest memory limit daprd was OOM-killed at, in bytes, or 0
 * @param first the first sample
 * @param last the last sample
 */
public record WorkloadUsage(int pods, long samples, double memoryP95, double memoryPeak, double cpuP95,
        double cpuPeak, double oomLimit, Instant first, Instant last) {

    /** The pods' usage together: the largest percentiles and peaks (conservative), the samples summed. */
    public static WorkloadUsage of(Collection<PodUsage> pods, double oomLimit) {
        long samples = 0;
        double memoryP95 = 0;
        double memoryPeak = 0;
        double cpuP95 = Double.NaN;
        double cpuPeak = Double.NaN;
        Instant first = null;
        Instant last = null;
        for (PodUsage pod : pods) {
            samples += pod.samples();
            memoryP95 = Math.max(memoryP95, pod.memoryP95());
            memoryPeak = Math.max(memoryPeak, pod.memoryPeak());
            cpuP95 = measuredMax(cpuP95, pod.cpuP95());
            cpuPeak = measuredMax(cpuPeak, pod.cpuPeak());
            first = first == null || pod.first().isBefore(first) ? pod.first() : first;
            last = last == null || pod.last().isAfter(last) ? pod.last() : last;
        }
        Instant none = Instant.EPOCH;
        // a pod without CPU samples leaves the others' CPU as it is
        return new WorkloadUsage(pods.size(), samples, memoryP95, memoryPeak, cpuP95, cpuPeak, oomLimit,
                first == null ? none : first, last == null ? none : last);
    }

    /** The larger of two measurements, NaN standing for "not measured". */
    private static double measuredMax(double a, double b) {
        return Double.isNaN(a) ? b : Double.isNaN(b) ? a : Math.max(a, b);
    }
}

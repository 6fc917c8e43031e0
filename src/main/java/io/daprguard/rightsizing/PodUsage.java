package io.daprguard.rightsizing;

import java.time.Instant;

/**
 * What one pod's daprd container used over the window, as a usage source measured it.
 *
 * @param namespace the pod's namespace
 * @param pod the pod's name (the pod may no longer exist)
 * @param memoryP95 the 95th percentile of daprd's working-set memory, in bytes
 * @param memoryPeak the largest working-set sample, in bytes
 * @param cpuP95 the 95th percentile of daprd's CPU usage, in cores (rate over the source's step); NaN when the
 *     source has no CPU series for the pod (not measured, which is not "no use")
 * @param cpuPeak the largest CPU usage, in cores; NaN when not measured
 * @param samples how many memory samples the values rest on
 * @param first the time of the first sample
 * @param last the time of the last sample
 */
public record PodUsage(String namespace, String pod, double memoryP95, double memoryPeak, double cpuP95,
        double cpuPeak, long samples, Instant first, Instant last) {}

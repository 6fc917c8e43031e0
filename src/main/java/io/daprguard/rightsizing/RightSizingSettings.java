package io.daprguard.rightsizing;

import java.time.Duration;

/**
 * How recommendations are computed (the README's "Right-sizing" section documents the method).
 *
 * @param window how far back usage is read
 * @param memoryRequestMargin memory request = the 95th percentile of the working set times (1 + this)
 * @param memoryLimitMargin memory limit = the peak working set times (1 + this), never below the request
 * @param cpuRequestMargin CPU request = the 95th percentile of CPU use times (1 + this)
 * @param cpuLimitMargin CPU limit = the peak CPU use times (1 + this), never below the request
 * @param oomFactor after an OOM kill, the memory limit is at least the limit daprd died at times this
 * @param memoryRequestStepMib memory requests are rounded up to a multiple of this many MiB
 * @param memoryLimitStepMib memory limits are rounded up to a multiple of this many MiB
 * @param cpuRequestStepMilli CPU requests are rounded up to a multiple of this many millicores
 * @param cpuLimitStepMilli CPU limits are rounded up to a multiple of this many millicores
 * @param memoryRequestFloorMib the smallest memory request recommended
 * @param memoryLimitFloorMib the smallest memory limit recommended
 * @param memoryLimitCeilingMib the largest memory limit (and request) recommended
 * @param cpuRequestFloorMilli the smallest CPU request recommended
 * @param cpuLimitFloorMilli the smallest CPU limit recommended
 * @param cpuLimitCeilingMilli the largest CPU limit (and request) recommended
 * @param minSamples no recommendation from fewer memory samples than this
 * @param minHistory no recommendation from less history than this (first to last sample)
 * @param relativeThreshold a difference is material when larger than this share of the current value...
 * @param memoryThresholdMib ...and larger than this many MiB (memory)
 * @param cpuThresholdMilli ...or this many millicores (CPU)
 * @param gomemlimitPercent GOMEMLIMIT as a share of the recommended memory limit
 */
public record RightSizingSettings(
        Duration window, double memoryRequestMargin, double memoryLimitMargin, double cpuRequestMargin,
        double cpuLimitMargin, double oomFactor, long memoryRequestStepMib, long memoryLimitStepMib,
        long cpuRequestStepMilli, long cpuLimitStepMilli, long memoryRequestFloorMib, long memoryLimitFloorMib,
        long memoryLimitCeilingMib, long cpuRequestFloorMilli, long cpuLimitFloorMilli, long cpuLimitCeilingMilli,
        long minSamples, Duration minHistory, double relativeThreshold, long memoryThresholdMib,
        long cpuThresholdMilli, int gomemlimitPercent) {

    /** The documented defaults. */
    public static RightSizingSettings defaults(int gomemlimitPercent) {
        return new RightSizingSettings(Duration.ofDays(7), 0.15, 0.30, 0.15, 0.30, 1.5, 10, 50, 10, 50, 32, 128,
                8192, 10, 50, 4000, 1000, Duration.ofHours(24), 0.20, 64, 50, gomemlimitPercent);
    }

    /** The window as the queries write it: {@code 7d}, {@code 36h}, {@code 90m}. */
    public String windowText() {
        return promql(window);
    }

    /** A duration as a Prometheus duration, in its largest whole unit: {@code 7d}, {@code 36h}, {@code 90s}. */
    static String promql(java.time.Duration duration) {
        long millis = duration.toMillis();
        if (!duration.equals(java.time.Duration.ofMillis(millis))) {
            throw new IllegalArgumentException("window must be whole milliseconds: " + duration);
        }
        long[] sizes = {86_400_000, 3_600_000, 60_000, 1_000};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }
}

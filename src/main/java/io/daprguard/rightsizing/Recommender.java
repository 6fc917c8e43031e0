package io.daprguard.rightsizing;

import io.daprguard.dapr.GoMemLimit;
import io.daprguard.dapr.Quantity;
import io.daprguard.rules.SidecarSizing;
import io.daprguard.rules.SidecarSizing.Basis;
import io.daprguard.rules.SidecarSizing.Resources;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns a workload's measured daprd use into the four {@code dapr.io/sidecar-*} values and GOMEMLIMIT
 * (the README's "Right-sizing" section is the method in words):
 * <ul>
 *   <li>memory request: the 95th percentile of the working set plus a margin, rounded up to a step;</li>
 *   <li>memory limit: the peak plus a margin, never below the request, and after an OOM kill never below the limit
 *       daprd died at times a factor; rounded up to a step;</li>
 *   <li>CPU request and limit: the same from the 95th percentile and the peak of CPU use;</li>
 *   <li>each clamped between its floor and ceiling (a request never above its limit); GOMEMLIMIT a share of the
 *       limit.</li>
 * </ul>
 * No recommendation without enough history: fewer samples than the minimum, or a shorter span between the first and
 * the last sample.
 */
public final class Recommender {

    private static final double MIB = 1024.0 * 1024.0;

    private final RightSizingSettings settings;

    public Recommender(RightSizingSettings settings) {
        this.settings = settings;
    }

    /**
     * The recommendation for {@code usage} (of one workload's pods together), or empty without enough history. When
     * no pod's CPU was measured, the CPU values are those of {@code current}: nothing is said about what was not seen.
     */
    public Optional<Resources> recommend(WorkloadUsage usage, Resources current) {
        if (usage.samples() < settings.minSamples()
                || Duration.between(usage.first(), usage.last()).compareTo(settings.minHistory()) < 0) {
            return Optional.empty();
        }
        long memoryRequest = clamp(up(usage.memoryP95() / MIB * (1 + settings.memoryRequestMargin()),
                settings.memoryRequestStepMib()), settings.memoryRequestFloorMib(), settings.memoryLimitCeilingMib());
        double limitMib = usage.memoryPeak() / MIB * (1 + settings.memoryLimitMargin());
        if (usage.oomLimit() > 0) {
            limitMib = Math.max(limitMib, usage.oomLimit() / MIB * settings.oomFactor());
        }
        long memoryLimit = clamp(Math.max(up(limitMib, settings.memoryLimitStepMib()), memoryRequest),
                settings.memoryLimitFloorMib(), settings.memoryLimitCeilingMib());
        memoryRequest = Math.min(memoryRequest, memoryLimit);
        String gomemlimit = GoMemLimit.forLimit(BigDecimal.valueOf(memoryLimit).multiply(BigDecimal.valueOf(1L << 20)),
                settings.gomemlimitPercent());
        if (Double.isNaN(usage.cpuP95()) || Double.isNaN(usage.cpuPeak())) {
            return Optional.of(new Resources(current.cpuRequest(), current.cpuLimit(), memoryRequest + "Mi",
                    memoryLimit + "Mi", gomemlimit));
        }
        long cpuRequest = clamp(up(usage.cpuP95() * 1000 * (1 + settings.cpuRequestMargin()),
                settings.cpuRequestStepMilli()), settings.cpuRequestFloorMilli(), settings.cpuLimitCeilingMilli());
        long cpuLimit = clamp(Math.max(up(usage.cpuPeak() * 1000 * (1 + settings.cpuLimitMargin()),
                settings.cpuLimitStepMilli()), cpuRequest), settings.cpuLimitFloorMilli(), settings.cpuLimitCeilingMilli());
        cpuRequest = Math.min(cpuRequest, cpuLimit);
        return Optional.of(new Resources(cpuRequest + "m", cpuLimit + "m", memoryRequest + "Mi", memoryLimit + "Mi",
                gomemlimit));
    }

    /** The evidence a recommendation for {@code usage} rests on. */
    public Basis basis(WorkloadUsage usage, String source) {
        return new Basis(settings.windowText(), usage.samples(), usage.pods(), usage.memoryP95(), usage.memoryPeak(),
                usage.cpuP95(), usage.cpuPeak(), usage.oomLimit(), source);
    }

    /**
     * Whether {@code recommended} differs materially from {@code current}: for one of the four values, current unset
     * or a difference larger than the relative threshold of the current value and than the absolute threshold.
     */
    public boolean material(Resources current, Resources recommended) {
        return differs(current.memoryRequest(), recommended.memoryRequest(), settings.memoryThresholdMib() * MIB)
                || differs(current.memoryLimit(), recommended.memoryLimit(), settings.memoryThresholdMib() * MIB)
                || differs(current.cpuRequest(), recommended.cpuRequest(), settings.cpuThresholdMilli() / 1000.0)
                || differs(current.cpuLimit(), recommended.cpuLimit(), settings.cpuThresholdMilli() / 1000.0);
    }

    /** A full sizing, with the material flag; {@code env} is the workload's {@code dapr.io/env} now. */
    public Optional<SidecarSizing> size(io.daprguard.rules.NamespaceFacts.ObjectRef owner, Resources current,
            String env, WorkloadUsage usage, String source) {
        return recommend(usage, current).map(r -> new SidecarSizing(owner, current, r, basis(usage, source),
                material(current, r), env));
    }

    private boolean differs(String current, String recommended, double absolute) {
        if (current.equals(recommended)) {
            return false; // also two unset values: CPU that was not measured stays as it is
        }
        Optional<Quantity> now = Quantity.parse(current);
        Optional<Quantity> then = Quantity.parse(recommended);
        if (now.isEmpty() || then.isEmpty()) {
            return true;
        }
        double a = now.get().value().doubleValue();
        double b = then.get().value().doubleValue();
        double difference = Math.abs(a - b);
        return difference > absolute && difference > settings.relativeThreshold() * a;
    }

    private static long up(double value, long step) {
        return Math.max(1, (long) Math.ceil(value / step - 1e-9)) * step;
    }

    private static long clamp(long value, long floor, long ceiling) {
        return Math.max(floor, Math.min(ceiling, value));
    }
}

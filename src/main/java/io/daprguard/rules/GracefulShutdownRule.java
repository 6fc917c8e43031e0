package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.GoDuration;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;

/**
 * {@code graceful-shutdown}: daprd's shutdown fits inside the pod's {@code terminationGracePeriodSeconds}
 * (Kubernetes' default 30). daprd first waits up to {@code dapr.io/block-shutdown-duration} (off by default) for
 * the app, then drains for up to {@code dapr.io/graceful-shutdown-seconds} (the injector passes -1 when unset,
 * which daprd treats as 5 s). When the sum is longer than the grace period, the kubelet kills daprd mid-shutdown:
 * in-flight requests, actor reminders and outbox messages are cut off.
 */
public final class GracefulShutdownRule extends BaseRule {

    public static final String ID = "graceful-shutdown";
    static final long DAPR_DEFAULT_SECONDS = 5;
    static final long KUBERNETES_DEFAULT_GRACE = 30;

    public GracefulShutdownRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        String gracefulText = pod.annotation(DaprAnnotations.GRACEFUL_SHUTDOWN_SECONDS);
        Optional<BigDecimal> graceful = wholeSeconds(gracefulText).filter(s -> s.signum() >= 0);
        BigDecimal drain = graceful.orElse(BigDecimal.valueOf(DAPR_DEFAULT_SECONDS));
        String blockText = pod.annotation(DaprAnnotations.BLOCK_SHUTDOWN_DURATION);
        BigDecimal block = GoDuration.seconds(blockText).filter(s -> s.signum() > 0).orElse(BigDecimal.ZERO);
        long grace = pod.terminationGracePeriodSeconds().orElse(KUBERNETES_DEFAULT_GRACE);
        BigDecimal needed = drain.add(block);
        if (needed.compareTo(BigDecimal.valueOf(grace)) <= 0) {
            return List.of();
        }
        String parts = (graceful.isPresent() ? DaprAnnotations.GRACEFUL_SHUTDOWN_SECONDS + " " + drain.toPlainString()
                : DAPR_DEFAULT_SECONDS + " s default drain") + (block.signum() > 0
                        ? " + " + DaprAnnotations.BLOCK_SHUTDOWN_DURATION + " " + Texts.shown(blockText) : "");
        String least = needed.setScale(0, RoundingMode.CEILING).toPlainString();
        return List.of(Problem.violation("daprd may need " + least + " s to stop (" + parts + ") but "
                + "terminationGracePeriodSeconds is " + grace + (pod.terminationGracePeriodSeconds().isEmpty()
                        ? " (default)" : "") + ": the kubelet kills it mid-shutdown; raise that to " + least));
    }

    /** A whole number of seconds as the injector parses the annotation ({@code strconv.Atoi}), or empty. */
    private static Optional<BigDecimal> wholeSeconds(String text) {
        if (text == null || !text.matches("[-+]?\\d{1,9}")) {
            return Optional.empty();
        }
        return Optional.of(new BigDecimal(text));
    }
}

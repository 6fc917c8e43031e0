package io.daprguard.rules;

import io.daprguard.dapr.GoMemLimit;
import io.daprguard.dapr.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code sidecar-oom-killed}: running pods whose daprd was last terminated by the kernel's OOM killer. Its memory limit
 * comes from the pod's {@code dapr.io/sidecar-memory-limit} (the injector builds daprd from the annotations at every
 * pod creation), so the fix is on the pod template: a limit of at least the OOM factor (1.5 unless
 * {@code dapr-guard.rightsizing.oom-factor} says otherwise) times the one daprd died at, rounded up to
 * {@value #STEP_MIB}Mi, and the GOMEMLIMIT that follows it. Works from pod status alone, so every cluster gets it.
 */
public final class SidecarOomKilledRule extends BaseRule implements ClusterRule {

    public static final String ID = "sidecar-oom-killed";

    /** Advised limits are rounded up to a multiple of this many MiB. */
    static final long STEP_MIB = 50;

    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);

    public SidecarOomKilledRule() {
        super(ID, Action.WARN, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        List<ClusterProblem> problems = new ArrayList<>();
        for (NamespaceFacts.Sidecars sidecars : facts.sidecars()) {
            List<NamespaceFacts.OomKill> kills = sidecars.oomKills();
            if (kills.isEmpty()) {
                continue;
            }
            int restarts = kills.stream().mapToInt(NamespaceFacts.OomKill::restarts).sum();
            String last = kills.stream().map(NamespaceFacts.OomKill::at).filter(at -> !at.isEmpty())
                    .max(Comparator.naturalOrder()).map(at -> ", last at " + at).orElse("");
            Optional<Quantity> diedAt = kills.stream().map(k -> Quantity.parse(k.memoryLimit()))
                    .flatMap(Optional::stream).filter(Quantity::isPositive).max(Comparator.naturalOrder());
            boolean barePod = sidecars.owner().kind().equals("Pod");
            String where = barePod ? "on the pod" : "on the pod template";
            String restart = barePod ? "then re-create the pod (the injector sets daprd's limit only when a pod is created)"
                    : "then restart the workload (kubectl rollout restart " + sidecars.owner().kubectlName() + " -n "
                            + sidecars.owner().namespace() + ")";
            String observed = "daprd was OOM-killed in " + kills.size() + " of " + sidecars.pods() + " running pods ("
                    + restarts + (restarts == 1 ? " restart" : " restarts") + " of daprd in them" + last + ")";
            String message;
            if (diedAt.isPresent()) {
                long mib = advisedMib(diedAt.get().value(), facts.oomFactor());
                String limit = mib + "Mi";
                String gomemlimit = GoMemLimit.forLimit(BigDecimal.valueOf(mib).multiply(MIB), facts.gomemlimitPercent());
                message = observed + " at a memory limit of " + diedAt.get().text() + "; " + where + " set "
                        + "dapr.io/sidecar-memory-limit: \"" + limit + "\" (" + factor(facts.oomFactor()) + " times that, rounded up) "
                        + "and GOMEMLIMIT=" + gomemlimit + " in dapr.io/env (" + facts.gomemlimitPercent() + "% of it), "
                        + restart;
            } else {
                message = observed + " with no memory limit on daprd (the node ran out of memory); " + where
                        + " set dapr.io/sidecar-memory-limit and a GOMEMLIMIT of " + facts.gomemlimitPercent()
                        + "% of it in dapr.io/env, " + restart;
            }
            problems.add(new ClusterProblem(sidecars.owner(), Problem.violation(message)));
        }
        return problems;
    }

    /** {@code factor} times the limit, in MiB, rounded up to a multiple of {@value #STEP_MIB}. */
    static long advisedMib(BigDecimal limitBytes, double factor) {
        BigDecimal mib = limitBytes.multiply(BigDecimal.valueOf(factor)).divide(MIB, 0, RoundingMode.CEILING);
        long steps = mib.divide(BigDecimal.valueOf(STEP_MIB), 0, RoundingMode.CEILING).longValueExact();
        return Math.max(1, steps) * STEP_MIB;
    }

    /** 1.5, 2: the factor as a person writes it. */
    private static String factor(double factor) {
        return BigDecimal.valueOf(factor).stripTrailingZeros().toPlainString();
    }
}

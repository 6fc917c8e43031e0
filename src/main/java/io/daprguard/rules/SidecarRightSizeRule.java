package io.daprguard.rules;

import io.daprguard.dapr.Quantity;
import io.daprguard.rules.SidecarSizing.Basis;
import io.daprguard.rules.SidecarSizing.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code sidecar-right-size}: a workload whose daprd containers run with resources that differ materially from what
 * their measured use recommends ({@link SidecarSizer}). The guideline's values are examples ("perform individual
 * testing to find the right values"); this rule is that testing, from the cluster's own history. The message says
 * what was observed, the current and the recommended values, what that frees or the risk it removes, and the exact
 * annotations to set.
 */
public final class SidecarRightSizeRule extends BaseRule implements ClusterRule {

    public static final String ID = "sidecar-right-size";

    private static final double MIB = 1024.0 * 1024.0;

    public SidecarRightSizeRule() {
        super(ID, Action.WARN, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        List<ClusterProblem> problems = new ArrayList<>();
        for (SidecarSizing sizing : facts.sizings()) {
            if (!sizing.material()) {
                continue;
            }
            int running = facts.sidecars().stream().filter(s -> s.owner().equals(sizing.owner()))
                    .mapToInt(NamespaceFacts.Sidecars::pods).findFirst().orElse(0);
            problems.add(new ClusterProblem(sizing.owner(), Problem.violation(message(sizing, running))));
        }
        return problems;
    }

    static String message(SidecarSizing sizing, int running) {
        Basis b = sizing.basis();
        Resources now = sizing.current();
        Resources next = sizing.recommended();
        StringBuilder m = new StringBuilder();
        m.append("daprd used ").append(mib(b.memoryP95())).append(" (p95) and ").append(mib(b.memoryPeak()))
                .append(" (peak) of memory and ").append(Double.isNaN(b.cpuP95()) || Double.isNaN(b.cpuPeak())
                        ? "an unmeasured amount of CPU (no CPU series: CPU values kept)"
                        : cores(b.cpuP95()) + " (p95) and " + cores(b.cpuPeak()) + " (peak) CPU cores")
                .append(" over ").append(b.window()).append(" (")
                .append(b.samples()).append(" samples from ").append(b.pods()).append(b.pods() == 1 ? " pod" : " pods")
                .append(", ").append(b.source()).append(")");
        if (b.oomLimit() > 0) {
            m.append(" and was OOM-killed at a limit of ").append(mib(b.oomLimit()));
        }
        m.append("; it runs with memory ").append(pair(now.memoryRequest(), now.memoryLimit())).append(" and CPU ")
                .append(pair(now.cpuRequest(), now.cpuLimit())).append(" (request/limit); recommended: memory ")
                .append(pair(next.memoryRequest(), next.memoryLimit())).append(", CPU ")
                .append(pair(next.cpuRequest(), next.cpuLimit())).append(", GOMEMLIMIT=").append(next.gomemlimit());
        effect(m, b, now, next, running);
        m.append("; on the ").append(sizing.owner().kind().equals("Pod") ? "pod" : "pod template").append(" set ");
        List<String> set = new ArrayList<>();
        sizing.annotations().forEach(a -> set.add(a[0] + ": \"" + a[1] + "\""));
        m.append(String.join(", ", set)).append(" and GOMEMLIMIT=").append(next.gomemlimit()).append(" in dapr.io/env");
        m.append(sizing.owner().kind().equals("Pod") ? ", then re-create the pod"
                : ", then restart the workload (kubectl rollout restart " + sizing.owner().kubectlName() + " -n "
                        + sizing.owner().namespace() + ")");
        return m.toString();
    }

    /** What the change frees per running pod, or the risk it removes. */
    private static void effect(StringBuilder m, Basis b, Resources now, Resources next, int running) {
        Optional<Double> limit = amount(now.memoryLimit());
        if (limit.isPresent() && b.memoryPeak() >= 0.9 * limit.get()) {
            m.append(" (peak ").append(mib(b.memoryPeak())).append(" against a ").append(now.memoryLimit())
                    .append(" limit)");
            return;
        }
        Optional<Double> memoryNow = amount(now.memoryRequest());
        Optional<Double> memoryNext = amount(next.memoryRequest());
        Optional<Double> cpuNow = amount(now.cpuRequest());
        Optional<Double> cpuNext = amount(next.cpuRequest());
        List<String> parts = new ArrayList<>();
        if (memoryNow.isPresent() && memoryNext.isPresent() && memoryNow.get() > memoryNext.get()) {
            parts.add(mib((memoryNow.get() - memoryNext.get()) * Math.max(1, running)) + " of requested memory");
        }
        if (cpuNow.isPresent() && cpuNext.isPresent() && cpuNow.get() > cpuNext.get()) {
            parts.add(Math.round((cpuNow.get() - cpuNext.get()) * 1000 * Math.max(1, running)) + "m of requested CPU");
        }
        if (!parts.isEmpty()) {
            m.append(" (frees ").append(String.join(" and ", parts)).append(" over ").append(Math.max(1, running))
                    .append(running == 1 ? " running pod)" : " running pods)");
        }
    }

    private static String pair(String request, String limit) {
        return (request.isEmpty() ? "none" : request) + "/" + (limit.isEmpty() ? "none" : limit);
    }

    /** A quantity as a number (bytes, or cores), empty when unset or invalid. */
    private static Optional<Double> amount(String quantity) {
        return Quantity.parse(quantity).map(q -> q.value().doubleValue());
    }

    private static String mib(double bytes) {
        return Math.round(bytes / MIB) + "Mi";
    }

    private static String cores(double cores) {
        return String.format(Locale.ROOT, "%.3f", cores);
    }
}

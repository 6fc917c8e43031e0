package io.daprguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.dapr.Quantity;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import io.daprguard.rules.NamespaceFacts.OomKill;
import io.daprguard.rules.NamespaceFacts.Sidecars;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The advice of {@code sidecar-oom-killed}: the limit, the GOMEMLIMIT that follows it, and what is counted. */
class SidecarOomKilledRuleTest {

    private static final ObjectRef ORDERS = new ObjectRef("apps/v1", "Deployment", "shop", "orders");

    private static long advised(String limit) {
        return SidecarOomKilledRule.advisedMib(Quantity.parse(limit).orElseThrow().value(), 1.5);
    }

    private static List<ClusterProblem> check(int percent, OomKill... kills) {
        NamespaceFacts facts = new NamespaceFacts("shop", List.of(), List.of(), Set.of(), null,
                List.of(new Sidecars(ORDERS, 3, Map.of("1.18.3", 3), List.of(kills))), percent, List.of(), 1.5);
        return new SidecarOomKilledRule().check(facts);
    }

    @Test
    void oneAndAHalfTimesTheLimitRoundedUpToFiftyMi() {
        assertThat(advised("1000Mi")).isEqualTo(1500);
        assertThat(advised("256Mi")).isEqualTo(400);
        assertThat(advised("1Gi")).isEqualTo(1550);
        assertThat(advised("1G")).isEqualTo(1450);
        assertThat(advised("100Mi")).isEqualTo(150);
        assertThat(advised("1Mi")).isEqualTo(50);
    }

    @Test
    void theLargestLimitDaprdDiedAtAndThePolicysGomemlimitShare() {
        List<ClusterProblem> problems = check(80, new OomKill("orders-a", "2026-12-07T10:00:00Z", 2, "512Mi"),
                new OomKill("orders-b", "", 1, "1000Mi"));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.subject()).isEqualTo(ORDERS);
            assertThat(p.problem().message()).isEqualTo("daprd was OOM-killed in 2 of 3 running pods (3 restarts of "
                    + "daprd in them, last at 2026-12-07T10:00:00Z) at a memory limit of 1000Mi; on the pod template set "
                    + "dapr.io/sidecar-memory-limit: \"1500Mi\" (1.5 times that, rounded up) and GOMEMLIMIT=1200MiB in "
                    + "dapr.io/env (80% of it), then restart the workload (kubectl rollout restart deployment/orders -n "
                    + "shop)");
        });
    }

    @Test
    void withoutALimitTheAdviceIsToSetOne() {
        assertThat(check(90, new OomKill("orders-a", "", 1, ""))).singleElement()
                .extracting(p -> p.problem().message()).isEqualTo("daprd was OOM-killed in 1 of 3 running pods (1 "
                        + "restart of daprd in them) with no memory limit on daprd (the node ran out of memory); on the "
                        + "pod template set dapr.io/sidecar-memory-limit and a GOMEMLIMIT of 90% of it in dapr.io/env, "
                        + "then restart the workload (kubectl rollout restart deployment/orders -n shop)");
    }

    @Test
    void noKillNoFinding() {
        assertThat(check(90)).isEmpty();
    }
}

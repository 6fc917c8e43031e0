package io.daprguard.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.dapr.InjectorAccounts;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The messages of {@code sidecar-injected} fit where they travel. */
class SidecarInjectedRuleTest {

    /** A kubectl warning's budget (io.daprguard.admission.Warnings.MAX_ONE). */
    private static final int WARNING = 256;

    private static final ObjectNode POD = (ObjectNode) JsonMapper.builder().build().readTree("""
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "p", "annotations": {"dapr.io/enabled": "true"}},
             "spec": {"containers": [{"name": "app", "image": "app"}]}}
            """);

    private static Problem found(String user, List<String> groups, boolean running) {
        RuleContext context = new RuleContext(SidecarDefaults.GUIDELINE, false, SecretNames.DEFAULT, true,
                new RuleContext.Creation(user, groups, InjectorAccounts.DEFAULT, running));
        List<Problem> problems = new SidecarInjectedRule().validate(PodView.of(POD, ""), context);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    @Test
    void admissionMessagesFitOneKubectlWarningEvenAsWouldDeny() {
        Problem refused = found("kubernetes-admin", List.of("system:masters"), false);
        assertThat(refused.advisory()).isFalse();
        assertThat(("[sidecar-injected] would deny: " + refused.message()).length()).isLessThanOrEqualTo(WARNING);
        for (String user : List.of("system:serviceaccount:" + "n".repeat(63) + ":" + "s".repeat(253),
                "u".repeat(500), "system:serviceaccount:a:b")) {
            Problem skipped = found(user, List.of(), false);
            assertThat(skipped.advisory()).isTrue();
            assertThat(("[sidecar-injected] " + skipped.message()).length()).as(user).isLessThanOrEqualTo(WARNING);
        }
    }

    @Test
    void aRunningPodNamesTheWatchdogAndAnUnservedOneIsNotReported() {
        assertThat(found("system:serviceaccount:kube-system:replicaset-controller", List.of(), true).message())
                .contains("dapr_operator.watchInterval");
        RuleContext unserved = new RuleContext(SidecarDefaults.GUIDELINE, false, SecretNames.DEFAULT, true,
                new RuleContext.Creation("alice", List.of(), InjectorAccounts.DEFAULT, true));
        assertThat(new SidecarInjectedRule().validate(PodView.of(POD, ""), unserved)).isEmpty();
    }

    @Test
    void aServiceAccountIsNamedAsAllowedServiceAccountsTakesIt() {
        assertThat(SidecarInjectedRule.who("system:serviceaccount:argo:argo-workflow-controller"))
                .isEqualTo("service account argo:argo-workflow-controller");
        assertThat(SidecarInjectedRule.who("alice@example.com")).isEqualTo("\"alice@example.com\"");
        assertThat(SidecarInjectedRule.who("bob\u00e9\n")).isEqualTo("\"bob??\"");
    }
}

package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whose pods Dapr 1.18.3's injector serves ({@code isAuthorizedUser}, {@code serviceaccountmatcher.go}). */
class InjectorAccountsTest {

    private static final List<String> NO_GROUPS = List.of();

    @Test
    void theKubeControllerManagersWorkloadControllersAreServed() {
        for (String controller : List.of("replicaset-controller", "replication-controller", "deployment-controller",
                "cronjob-controller", "job-controller", "statefulset-controller", "daemon-set-controller")) {
            assertThat(InjectorAccounts.DEFAULT.authorizes("system:serviceaccount:kube-system:" + controller,
                    NO_GROUPS)).as(controller).isTrue();
        }
        assertThat(InjectorAccounts.DEFAULT.authorizes(
                "system:serviceaccount:tekton-pipelines:tekton-pipelines-controller", NO_GROUPS)).isTrue();
    }

    @Test
    void usersAndOtherAccountsAreNotServedUnlessInSystemMasters() {
        assertThat(InjectorAccounts.DEFAULT.authorizes("alice@example.com", List.of("developers"))).isFalse();
        assertThat(InjectorAccounts.DEFAULT.authorizes("system:serviceaccount:kube-system:default", NO_GROUPS))
                .isFalse();
        assertThat(InjectorAccounts.DEFAULT.authorizes("system:kube-controller-manager", NO_GROUPS)).isFalse();
        assertThat(InjectorAccounts.DEFAULT.authorizes("kubernetes-admin", List.of("system:masters"))).isTrue();
        assertThat(InjectorAccounts.DEFAULT.authorizes("", List.of("system:masters"))).isTrue();
        // the prefix is compared exactly, and a name needs both parts
        assertThat(InjectorAccounts.DEFAULT.authorizes("System:serviceaccount:kube-system:job-controller", NO_GROUPS))
                .isFalse();
        assertThat(InjectorAccounts.DEFAULT.authorizes("system:serviceaccount:kube-system", NO_GROUPS)).isFalse();
        // Go's strings.Split: parts beyond the second are ignored
        assertThat(InjectorAccounts.DEFAULT.authorizes("system:serviceaccount:kube-system:job-controller:x",
                NO_GROUPS)).isTrue();
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            argo:argo-*                | argo:argo-workflow-controller | true
            argo:argo-*                | argo:workflow                 | false
            argo-?:runner              | argo-1:runner                 | true
            argo-?:runner              | argo-12:runner                | false
            team-[a-c]:deployer        | team-b:deployer               | true
            team-[a-c]:deployer        | team-d:deployer               | false
            team-[^a-c]:deployer       | team-d:deployer               | true
            *:ci                       | anything:ci                   | true
            ' ci : builder '           | ci:builder                    | true
            :builder                   | ci:builder                    | false
            :builder                   | :builder                      | true
            a\\*:b                     | a*:b                          | true
            a\\*:b                     | ax:b                          | false
            """)
    void extraPatternsAreGoGlobsOnEachSide(String pattern, String account, boolean served) {
        InjectorAccounts accounts = InjectorAccounts.of(List.of(pattern));
        assertThat(accounts.authorizes("system:serviceaccount:" + account, NO_GROUPS)).isEqualTo(served);
    }

    @Test
    void patternsTheInjectorRefusesAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> InjectorAccounts.of(List.of("argo"))).hasMessage(
                "injector service account pattern 'argo' must be namespace:name with exactly one ':'");
        assertThatThrownBy(() -> InjectorAccounts.of(List.of("a:b:c"))).hasMessageContaining("exactly one ':'");
        assertThatThrownBy(() -> InjectorAccounts.of(List.of(" : "))).hasMessage(
                "injector service account pattern ' : ' has neither a namespace nor a name");
        for (String bad : List.of("team-[a:b", "team:x\\", "team-[]:b", "team-[a-]:b")) {
            assertThatThrownBy(() -> InjectorAccounts.of(List.of(bad))).as(bad)
                    .hasMessage("injector service account pattern '" + bad + "' is not a valid glob (Go path.Match)");
        }
        assertThat(InjectorAccounts.of(List.of("", "  ")).authorizes("system:serviceaccount:x:y", NO_GROUPS))
                .isFalse();
    }

    @Test
    void equalWhenTheExtraPatternsAre() {
        assertThat(InjectorAccounts.of(List.of("a:b"))).isEqualTo(InjectorAccounts.of(List.of("a:b")))
                .hasSameHashCodeAs(InjectorAccounts.of(List.of("a:b"))).isNotEqualTo(InjectorAccounts.DEFAULT);
    }
}

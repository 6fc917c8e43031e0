package io.daprguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.dapr.InjectorAccounts;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.SkipRules;
import io.daprguard.rules.Action;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad setting stops start-up with a message that names it; good ones reach the policy. */
class DaprGuardPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(DaprGuardConfiguration.class);

    @Test
    void defaultsAreTheGuideline() {
        runner.run(context -> {
            Policy policy = context.getBean(Policy.class);
            assertThat(policy.mode()).isEqualTo(Mode.ENFORCE);
            assertThat(policy.defaults().cpuRequest().text()).isEqualTo("100m");
            assertThat(policy.defaults().memoryLimit().text()).isEqualTo("1000Mi");
            assertThat(policy.defaults().gomemlimitPercent()).isEqualTo(90);
            assertThat(policy.action("sidecar-resources")).isEqualTo(Action.DENY);
            assertThat(policy.action("api-token")).isEqualTo(Action.WARN);
            assertThat(policy.skippable()).containsExactlyInAnyOrder("enabled-value", "unknown-annotation",
                    "api-token", "app-token", "service-account-token", "env-secrets", "ssl-cert-dir",
                    "graceful-shutdown", "log-level", "component-metadata", "component-scopes", "component-auth",
                    "config-metrics", "config-tracing", "control-plane-ha", "control-plane-resources",
                    "control-plane-namespace", "scopes-known-apps", "sidecar-version", "sidecar-oom-killed", "sidecar-right-size",
                    "control-plane-spread");
            assertThat(policy.mutateTemplates()).isFalse();
            assertThat(policy.skipRules()).isEqualTo(SkipRules.DEFAULT);
            assertThat(policy.skipRules().maxDuration()).isEqualTo(Duration.ofDays(90));
        });
    }

    @Test
    void skipLimitsReachThePolicy() {
        runner.withPropertyValues("dapr-guard.skip.max-duration=30d", "dapr-guard.skip.require-reason=true")
                .run(context -> assertThat(context.getBean(Policy.class).skipRules())
                        .isEqualTo(new SkipRules(Duration.ofDays(30), true)));
    }

    @Test
    void nonPositiveSkipMaxDurationFailsStartup() {
        assertStartupFails("dapr-guard.skip.max-duration=0d", "dapr-guard.skip.max-duration must be positive");
    }

    @Test
    void overridesReachThePolicy() {
        runner.withPropertyValues("dapr-guard.mode=audit", "dapr-guard.rules.log-level=deny",
                        "dapr-guard.rules.api-token=false", "dapr-guard.sidecar.memory-limit=2Gi",
                        "dapr-guard.sidecar.gomemlimit-percent=80", "dapr-guard.mutate-templates=true",
                        "dapr-guard.skippable=app-id")
                .run(context -> {
                    Policy policy = context.getBean(Policy.class);
                    assertThat(policy.mode()).isEqualTo(Mode.AUDIT);
                    assertThat(policy.action("log-level")).isEqualTo(Action.DENY);
                    assertThat(policy.action("api-token")).as("YAML's unquoted off is false").isEqualTo(Action.OFF);
                    assertThat(policy.defaults().memoryLimit().text()).isEqualTo("2Gi");
                    assertThat(policy.defaults().gomemlimitPercent()).isEqualTo(80);
                    assertThat(policy.mutateTemplates()).isTrue();
                    assertThat(policy.skippable()).containsExactly("app-id");
                });
    }

    @Test
    void unknownRuleIdFailsStartup() {
        assertStartupFails("dapr-guard.rules.sidecar-resource=warn", "unknown rule action 'sidecar-resource'; the rules are [");
    }

    @Test
    void unknownActionFailsStartup() {
        assertStartupFails("dapr-guard.rules.log-level=maybe", "unknown rule action 'maybe'; use deny, warn or off");
    }

    @Test
    void conflictingDefaultsFailStartup() {
        assertStartupFails("dapr-guard.sidecar.cpu-request=500m",
                "sidecar default cpu-request 500m is above the default cpu-limit 300m");
    }

    @Test
    void invalidQuantityFailsStartup() {
        assertStartupFails("dapr-guard.sidecar.memory-limit=1000MB",
                "sidecar default memory-limit '1000MB' is not a valid Kubernetes quantity");
    }

    @Test
    void percentOutOfRangeFailsStartup() {
        assertStartupFails("dapr-guard.sidecar.gomemlimit-percent=150", "gomemlimit-percent must be between 1 and 100");
    }

    @Test
    void componentSecretNamesAreConfigurable() {
        runner.withPropertyValues("dapr-guard.components.secret-name-patterns[0]=.*pin", "dapr-guard.components.secret-name-patterns[1]=otp.*")
                .run(context -> {
                    Policy policy = context.getBean(Policy.class);
                    assertThat(policy.secretNames().isSecret("bankPin")).isTrue();
                    assertThat(policy.secretNames().isSecret("otpSeed")).isTrue();
                    assertThat(policy.secretNames().isSecret("redisPassword")).as("the list replaces the default").isFalse();
                });
        runner.run(context -> assertThat(context.getBean(Policy.class).secretNames().isSecret("redisPassword")).isTrue());
    }

    @Test
    void invalidSecretNamePatternFailsStartup() {
        assertStartupFails("dapr-guard.components.secret-name-patterns=pass(word", "component secret-name pattern 'pass(word' is not a regular expression");
    }

    @Test
    void injectorServiceAccountsReachThePolicyAndABadPatternFailsStartup() {
        runner.withPropertyValues("dapr-guard.injector.service-accounts[0]=argo:argo-*").run(context -> {
            Policy policy = context.getBean(Policy.class);
            assertThat(policy.injector()).isEqualTo(InjectorAccounts.of(List.of("argo:argo-*")));
            assertThat(policy.injector().authorizes("system:serviceaccount:argo:argo-server", List.of())).isTrue();
        });
        runner.run(context -> assertThat(context.getBean(Policy.class).injector()).isEqualTo(InjectorAccounts.DEFAULT));
        assertStartupFails("dapr-guard.injector.service-accounts=argo", "dapr-guard.injector.service-accounts: "
                + "injector service account pattern 'argo' must be namespace:name with exactly one ':'");
    }

    @Test
    void unknownModeFailsStartup() {
        assertStartupFails("dapr-guard.mode=strict", "strict");
    }

    @Test
    void unknownSkippableRuleFailsStartup() {
        assertStartupFails("dapr-guard.skippable=apitoken", "unknown skippable rule 'apitoken'");
    }

    @Test
    void theClusterAuditIsOffByDefaultWithBoundedSettings() {
        runner.run(context -> {
            DaprGuardProperties.Audit audit = context.getBean(DaprGuardProperties.class).audit();
            assertThat(audit.enabled()).isFalse();
            assertThat(audit.interval()).isEqualTo(java.time.Duration.ofMinutes(10));
            assertThat(audit.pageSize()).isEqualTo(500);
            assertThat(audit.qps()).isEqualTo(20.0);
            assertThat(audit.maxResultsPerReport()).isEqualTo(1000);
            assertThat(audit.leaseNamespace()).isEqualTo("default");
            assertThat(audit.excludeNamespaces()).containsExactly("kube-system");
        });
    }

    @Test
    void badAuditSettingsFailStartup() {
        assertStartupFails("dapr-guard.audit.interval=30s", "dapr-guard.audit.interval must be between 1m and 24h");
        assertStartupFails("dapr-guard.audit.page-size=0", "dapr-guard.audit.page-size must be between 1 and 5000, was 0");
        assertStartupFails("dapr-guard.audit.qps=0", "dapr-guard.audit.qps must be between 0.1 and 1000, was 0");
    }

    @Test
    void rightSizingIsOffWithoutAPrometheusAndItsSettingsReachTheMethod() {
        runner.run(context -> {
            DaprGuardProperties.Rightsizing r = context.getBean(DaprGuardProperties.class).rightsizing();
            assertThat(r.prometheus().url()).isNull();
            assertThat(r.window()).isEqualTo(Duration.ofDays(7));
            io.daprguard.rightsizing.RightSizingSettings settings = r.settings(90);
            assertThat(settings).isEqualTo(io.daprguard.rightsizing.RightSizingSettings.defaults(90));
        });
        runner.withPropertyValues("dapr-guard.rightsizing.window=14d", "dapr-guard.rightsizing.oom-factor=2",
                "dapr-guard.rightsizing.memory-limit-ceiling=2Gi", "dapr-guard.rightsizing.cpu-limit-ceiling=1500m")
                .run(context -> {
                    io.daprguard.rightsizing.RightSizingSettings settings =
                            context.getBean(DaprGuardProperties.class).rightsizing().settings(80);
                    assertThat(settings.window()).isEqualTo(Duration.ofDays(14));
                    assertThat(settings.oomFactor()).isEqualTo(2.0);
                    assertThat(settings.memoryLimitCeilingMib()).isEqualTo(2048);
                    assertThat(settings.cpuLimitCeilingMilli()).isEqualTo(1500);
                    assertThat(settings.gomemlimitPercent()).isEqualTo(80);
                });
    }

    @Test
    void badRightSizingSettingsFailStartup() {
        assertStartupFails("dapr-guard.rightsizing.window=30m", "dapr-guard.rightsizing.window must be between 1h and 90d");
        assertStartupFails("dapr-guard.rightsizing.memory-limit-ceiling=8GB",
                "dapr-guard.rightsizing.memory-limit-ceiling must be a positive Kubernetes quantity such as 64Mi, was 8GB");
        assertStartupFails("dapr-guard.rightsizing.memory-limit-floor=16Gi", "dapr-guard.rightsizing: a floor is above its "
                + "ceiling");
        assertStartupFails("dapr-guard.rightsizing.oom-factor=0.5",
                "dapr-guard.rightsizing.oom-factor must be between 1 and 4, was 0.5");
        assertStartupFails("dapr-guard.rightsizing.min-history=8d", "dapr-guard.rightsizing.min-history (PT192H) is "
                + "longer than the window (PT168H): no recommendation could ever be made");
        assertStartupFails("dapr-guard.rightsizing.apply=defaults", "dapr-guard.rightsizing.apply=defaults needs the "
                + "cluster audit (dapr-guard.audit.enabled=true): its leader computes the recommendations");
        runner.withPropertyValues("dapr-guard.rightsizing.apply=defaults", "dapr-guard.audit.enabled=true")
                .run(context -> assertThat(context.getStartupFailure()).hasRootCauseMessage("dapr-guard.rightsizing.apply="
                        + "defaults needs a usage source: set dapr-guard.rightsizing.prometheus.url or "
                        + "dapr-guard.rightsizing.metrics-server=true"));
    }

    /** With the audit on and no cluster anywhere, the server still starts: it connects in the background. */
    @Test
    void theAuditStartsWithoutACluster() {
        new ApplicationContextRunner()
                    .withUserConfiguration(DaprGuardConfiguration.class, AuditConfiguration.class)
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .withSystemProperties("kubernetes.master=http://127.0.0.1:1", "kubernetes.auth.tryKubeConfig=false",
                        "kubernetes.auth.tryServiceAccount=false")
                .withPropertyValues("dapr-guard.audit.enabled=true")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(AuditConfiguration.ClusterAudit.class).running())
                            .hasValueSatisfying(audit -> assertThat(audit.leading()).isFalse());
                });
    }

    /**
     * {@code rightsizing.apply: defaults}: the admission engine takes each pod's sidecar defaults from the
     * recommendations the audit publishes; without it, or without the audit, from the policy.
     */
    @Test
    void appliedRecommendationsReachTheAdmissionEngine() {
        ApplicationContextRunner audit = new ApplicationContextRunner()
                .withUserConfiguration(DaprGuardConfiguration.class, AuditConfiguration.class)
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .withSystemProperties("kubernetes.master=http://127.0.0.1:1", "kubernetes.auth.tryKubeConfig=false",
                        "kubernetes.auth.tryServiceAccount=false")
                .withPropertyValues("dapr-guard.audit.enabled=true",
                        "dapr-guard.rightsizing.prometheus.url=http://127.0.0.1:1");
        audit.withPropertyValues("dapr-guard.rightsizing.apply=defaults").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PolicyEngine.class).defaults())
                    .isInstanceOf(io.daprguard.rightsizing.RecommendationStore.class)
                    .isSameAs(context.getBean(AuditConfiguration.ClusterAudit.class).defaults());
        });
        audit.run(context -> assertThat(context.getBean(PolicyEngine.class).defaults())
                .isSameAs(io.daprguard.rules.SidecarDefaultsSource.POLICY));
        runner.run(context -> assertThat(context.getBean(PolicyEngine.class).defaults())
                .isSameAs(io.daprguard.rules.SidecarDefaultsSource.POLICY));
    }

    @Test
    void nativeRulesAreLeftToTheApiserverAtAdmissionButStillAudited() {
        runner.withPropertyValues("dapr-guard.native-rules=config-mtls,log-level").run(context -> {
            assertThat(context.getBean(Policy.class).action("config-mtls")).as("the audit's policy")
                    .isEqualTo(Action.DENY);
            assertThat(context.getBean(Policy.class).action("log-level")).isEqualTo(Action.WARN);
            Policy admission = context.getBean(PolicyEngine.class).policy();
            assertThat(admission.nativeRules()).as("the webhook's").containsExactlyInAnyOrder("config-mtls",
                    "log-level");
            assertThat(context.getBean(Policy.class).nativeRules()).isEmpty();
        });
        runner.run(context -> assertThat(context.getBean(PolicyEngine.class).policy().nativeRules()).isEmpty());
    }

    @Test
    void aNativeRuleWithoutANativeFormFailsStartup() {
        assertStartupFails("dapr-guard.native-rules=config-mtls,env-secrets",
                "dapr-guard.native-rules names env-secrets, which has no native form, so nothing would enforce"
                        + " it; the rules export native writes in full are ");
    }

    @Test
    void aRuleExpressedOnlyInPartIsKeptWholeByTheWebhook() {
        assertStartupFails("dapr-guard.native-rules=sidecar-resources,sidecar-gomemlimit",
                "dapr-guard.native-rules names sidecar-gomemlimit, which CEL expresses only in part, so the webhook"
                        + " keeps it whole (export native --with-webhook leaves it out)");
    }

    private void assertStartupFails(String property, String message) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains(message);
        });
    }
}

package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.daprguard.cli.Finding.Level;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Dapr Helm values file against the production guideline. */
class DaprValuesLintTest {

    private static final String PRODUCTION = """
            global:
              ha:
                enabled: true
              priorityClassName: system-cluster-critical
            dapr_operator:
              watchInterval: "60s"
              resources:
                requests: {cpu: 100m, memory: 100Mi}
            dapr_placement:
              resources:
                requests: {cpu: 250m, memory: 75Mi}
            dapr_sentry:
              resources:
                requests: {cpu: 100m, memory: 30Mi}
            dapr_sidecar_injector:
              sidecarDropALLCapabilities: true
              resources:
                requests: {cpu: 100m, memory: 30Mi}
            dapr_scheduler:
              resources:
                requests: {cpu: 250m, memory: 250Mi}
            """;

    @Test
    void productionValuesPass() {
        FileReport report = DaprValuesLint.lint("values.yaml", PRODUCTION, true);

        assertThat(report.errors()).isEmpty();
        assertThat(report.objects()).singleElement().satisfies(object -> {
            assertThat(object.kind()).isEqualTo("HelmValues");
            assertThat(object.name()).isEqualTo("dapr");
            assertThat(object.line()).isEqualTo(1);
            assertThat(object.reviewed()).isTrue();
            assertThat(object.findings()).isEmpty();
        });
    }

    @Test
    void chartDefaultsWarnAboutEverythingButMtls() {
        List<Finding> findings = lint("");

        assertThat(findings).extracting(Finding::rule, Finding::level).containsExactly(
                tuple("values-ha", Level.WARN),
                tuple("values-resources", Level.WARN),
                tuple("values-resources", Level.WARN),
                tuple("values-resources", Level.WARN),
                tuple("values-resources", Level.WARN),
                tuple("values-resources", Level.WARN),
                tuple("values-drop-capabilities", Level.WARN),
                tuple("values-watchdog", Level.WARN),
                tuple("values-priority-class", Level.WARN));
        assertThat(findings.get(0).message()).isEqualTo("global.ha.enabled is not set (the chart's default is false),"
                + " so each control-plane service runs one replica and one node failure takes it down; set"
                + " global.ha.enabled: true (3 replicas of each control-plane service)");
        assertThat(findings.get(2).message()).isEqualTo("dapr_placement.resources sets no requests, so the placement"
                + " service gets no guaranteed CPU or memory; the guideline's starting point is requests cpu 250m,"
                + " memory 75Mi and limits cpu 1, memory 150Mi (the current upstream page advises no memory limit on"
                + " control-plane pods)");
        assertThat(findings.get(5).message()).isEqualTo("dapr_scheduler.resources sets no requests, so the"
                + " scheduler gets no guaranteed CPU or memory; the guideline's table has no row for it: size it from"
                + " monitoring");
        assertThat(findings.get(8).message()).isEqualTo("global.priorityClassName is not set, so under node pressure"
                + " control-plane pods are preempted or evicted like any other; set it to system-cluster-critical (the"
                + " current upstream production page)");
        assertThat(findings.get(7).message()).startsWith("dapr_operator.watchInterval is not set (the chart's default"
                + " is \"0\"), so the injector watchdog is off");
    }

    @Test
    void mtlsOffIsDeniedAndListedFirst() {
        List<Finding> findings = lint(PRODUCTION.replace("global:\n", "global:\n  mtls:\n    enabled: false\n"));
        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.rule()).isEqualTo("values-mtls");
            assertThat(finding.level()).isEqualTo(Level.DENY);
            assertThat(finding.message()).startsWith("global.mtls.enabled is false");
        });
        assertThat(lint(PRODUCTION.replace("global:\n", "global:\n  mtls:\n    enabled: \"false\"\n")))
                .extracting(Finding::rule).containsExactly("values-mtls");
        assertThat(lint(PRODUCTION.replace("global:\n", "global:\n  mtls:\n    enabled: true\n"))).isEmpty();
    }

    @Test
    void highAvailabilityNeedsThreeReplicas() {
        assertThat(lint(PRODUCTION.replace("enabled: true\n", "enabled: false\n")))
                .extracting(Finding::message).containsExactly("global.ha.enabled is not true, so each control-plane"
                        + " service runs one replica and one node failure takes it down; set global.ha.enabled: true"
                        + " (3 replicas of each control-plane service)");
        assertThat(lint(PRODUCTION.replace("enabled: true\n", "enabled: true\n    replicaCount: 1\n")))
                .extracting(Finding::message).containsExactly("global.ha.replicaCount is 1; the guideline's highly"
                        + " available control plane runs 3 replicas of each service; set it to 3 or remove it");
        assertThat(lint(PRODUCTION.replace("enabled: true\n", "enabled: true\n    replicaCount: 5\n"))).isEmpty();
    }

    @Test
    void partialOrInvalidRequestsAreNamed() {
        String values = PRODUCTION
                .replace("requests: {cpu: 250m, memory: 75Mi}", "requests: {cpu: 250m}")
                .replace("requests: {cpu: 100m, memory: 30Mi}\ndapr_sidecar", "requests: {cpu: 1 core, memory: 30Mi}"
                        + "\ndapr_sidecar");

        assertThat(lint(values)).extracting(Finding::message).containsExactly(
                "dapr_placement.resources.requests sets no memory; the guideline's starting point is 75Mi",
                "dapr_sentry.resources.requests.cpu \"1 core\" is not a Kubernetes quantity; the guideline's starting"
                        + " point is 100m");
    }

    @Test
    void watchdogZeroAndDropCapabilitiesFalseWarn() {
        String values = PRODUCTION.replace("watchInterval: \"60s\"", "watchInterval: 0")
                .replace("sidecarDropALLCapabilities: true", "sidecarDropALLCapabilities: false");

        assertThat(lint(values)).extracting(Finding::rule).containsExactly("values-drop-capabilities",
                "values-watchdog");
        assertThat(lint(values).get(1).message()).startsWith("dapr_operator.watchInterval is \"0\", so the injector"
                + " watchdog is off");
    }

    @Test
    void placementScaledToZeroIsNotAskedForResources() {
        String values = PRODUCTION.replace("dapr_placement:\n  resources:\n    requests: {cpu: 250m, memory: 75Mi}\n",
                "dapr_placement:\n  scaleZero: true\n");
        assertThat(values).contains("scaleZero");
        assertThat(lint(values)).isEmpty();
        assertThat(lint(values.replace("scaleZero: true", "scaleZero: false"))).extracting(Finding::message)
                .singleElement().asString().startsWith("dapr_placement.resources sets no requests");
    }

    @Test
    void withoutMemoryLimitsAMemoryLimitIsReportedAndNotAdvised() {
        String values = PRODUCTION.replace("requests: {cpu: 100m, memory: 100Mi}",
                "requests: {cpu: 100m, memory: 100Mi}\n    limits: {cpu: \"1\", memory: 200Mi}");
        assertThat(lint(values, true)).isEmpty();
        assertThat(lint(values, false)).extracting(Finding::message).containsExactly("dapr_operator.resources"
                + ".limits.memory is set; the current upstream production page advises no memory limit on control-plane"
                + " pods (an OOM kill stops the operator); remove it");
        assertThat(lint("", false).get(1).message()).isEqualTo("dapr_operator.resources sets no requests, so the"
                + " operator gets no guaranteed CPU or memory; the guideline's starting point is requests cpu 100m,"
                + " memory 100Mi and limits cpu 1 and no memory limit (the current upstream advice)");
    }

    @Test
    void notAValuesFile() {
        assertThat(DaprValuesLint.lint("v.yaml", "- a\n- b\n", true).errors())
                .containsExactly(InputError.at(1, "not a Helm values file: the document is not a mapping"));
        assertThat(DaprValuesLint.lint("v.yaml", "a: 1\n---\nb: 2\n", true).errors())
                .containsExactly(InputError.at(3, "a Helm values file has one document; this is the second"));
        assertThat(DaprValuesLint.lint("v.yaml", "global: {ha: [}\n", true).errors()).hasSize(1);
        assertThat(DaprValuesLint.lint("/nonexistent/values.yaml", true).errors())
                .containsExactly(InputError.file("no such file or directory"));
    }

    private static List<Finding> lint(String yaml) {
        return lint(yaml, true);
    }

    private static List<Finding> lint(String yaml, boolean memoryLimits) {
        FileReport report = DaprValuesLint.lint("values.yaml", yaml, memoryLimits);
        assertThat(report.errors()).isEmpty();
        return report.objects().get(0).findings();
    }
}

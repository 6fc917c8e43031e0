package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.daprguard.cli.DocumentParser.Format;
import io.daprguard.cli.ManifestReader.KubeObject;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import io.daprguard.rules.MalformedObjectException;
import io.daprguard.rules.SidecarDefaults;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine as the webhook runs it: mutation, then validation of the mutated object. */
class ObjectCheckerTest {

    private static final String DENIAL = "dapr.io/sidecar-memory-limit \"1000MB\" is not a Kubernetes quantity, so"
            + " Dapr ignores all four sidecar resource annotations; write \"1000Mi\" (binary) or \"1000M\" (decimal)";

    private final ObjectChecker checker = new ObjectChecker(Policy.standard(), "default");

    @Test
    void deploymentIsDeniedAndShowsWhatPodMutationWouldAdd() {
        ObjectReport report = checker.check(object("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: shop}
                spec:
                  template:
                    metadata:
                      annotations:
                        dapr.io/enabled: "true"
                        dapr.io/app-id: orders
                        dapr.io/api-token-secret: t
                        dapr.io/app-token-secret: t
                        dapr.io/sidecar-memory-limit: 1000MB
                        dapr.io/env: GOMEMLIMIT=900MiB
                    spec:
                      automountServiceAccountToken: false
                      containers: [{name: orders, image: orders}]
                """));

        assertThat(report.reviewed()).isTrue();
        assertThat(report.namespace()).isEqualTo("shop");
        assertThat(report.name()).isEqualTo("orders");
        assertThat(report.denied()).isTrue();
        assertThat(report.findings()).containsExactly(new Finding("sidecar-resources", Finding.Level.DENY, DENIAL, 12));
        assertThat(report.mutations()).containsExactly(
                new Change("sidecar-resources", "add dapr.io/sidecar-cpu-request: 100m"),
                new Change("sidecar-resources", "add dapr.io/sidecar-cpu-limit: 300m"),
                new Change("sidecar-resources", "add dapr.io/sidecar-memory-request: 250Mi"),
                new Change("sidecar-seccomp", "add dapr.io/sidecar-seccomp-profile-type: RuntimeDefault"));
    }

    @Test
    void podIsValidatedAfterMutationSoWhatMutationAddsIsNotDenied() {
        ObjectReport report = checker.check(object("""
                apiVersion: v1
                kind: Pod
                metadata:
                  generateName: orders-
                  annotations:
                    dapr.io/enabled: "true"
                    dapr.io/app-id: orders
                    dapr.io/api-token-secret: t
                    dapr.io/app-token-secret: t
                spec:
                  automountServiceAccountToken: false
                  containers: [{name: orders, image: orders}]
                """));

        assertThat(report.reviewed()).isTrue();
        assertThat(report.findings()).as("a Pod is validated as it is: mutation filled in the sidecar settings")
                .isEmpty();
        assertThat(report.mutations()).extracting(Change::rule)
                .contains("sidecar-resources", "sidecar-gomemlimit", "sidecar-seccomp");
        assertThat(report.name()).as("generateName stands in for the name").isEqualTo("orders-");
        assertThat(report.namespace()).as("the default namespace").isEqualTo("default");
    }

    @Test
    void warningsComeWithTheirRule() {
        ObjectReport report = checker.check(object("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: orders
                  annotations:
                    dapr.io/enabled: "true"
                    dapr.io/app-id: orders
                    dapr.io/log-level: verbose
                    daprguard.io/skip: no-such-rule
                spec:
                  containers: [{name: orders, image: orders}]
                """));

        assertThat(report.denied()).isFalse();
        assertThat(report.findings()).extracting(Finding::rule)
                .containsExactly(null, "api-token", "app-token", "service-account-token", "log-level");
        assertThat(report.findings()).allSatisfy(f -> assertThat(f.level()).isEqualTo(Finding.Level.WARN));
        assertThat(report.findings().get(0).message())
                .isEqualTo("daprguard.io/skip names 'no-such-rule', which is not a dapr-guard rule");
    }

    @Test
    void objectsTheEngineDoesNotReviewAreListedAsSuch() {
        assertThat(checker.check(object("apiVersion: v1\nkind: Service\nmetadata: {name: orders}\n")).reviewed())
                .isFalse();
        assertThat(checker.check(object("""
                apiVersion: v1
                kind: Pod
                metadata: {name: plain}
                spec: {containers: [{name: app, image: app}]}
                """)).reviewed()).as("no dapr.io/enabled").isFalse();
    }

    @Test
    void policyActionsApply() {
        Policy policy = Policy.of(Mode.ENFORCE, Map.of("sidecar-resources", Action.WARN), null,
                SidecarDefaults.GUIDELINE, false);
        ObjectReport report = new ObjectChecker(policy, "default").check(object("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders}
                spec:
                  template:
                    metadata:
                      annotations:
                        dapr.io/enabled: "true"
                        dapr.io/app-id: orders
                        dapr.io/sidecar-memory-limit: 1000MB
                        dapr.io/env: GOMEMLIMIT=900MiB
                    spec:
                      containers: [{name: orders, image: orders}]
                """));

        assertThat(report.denied()).isFalse();
        assertThat(report.findings()).contains(new Finding("sidecar-resources", Finding.Level.WARN, DENIAL, 10));
    }

    @Test
    void unquotedAnnotationValueIsMalformed() {
        KubeObject object = object("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: orders
                  annotations:
                    dapr.io/enabled: "true"
                    dapr.io/app-port: 8080
                spec: {containers: [{name: orders, image: orders}]}
                """);

        assertThatThrownBy(() -> checker.check(object)).isInstanceOf(MalformedObjectException.class)
                .hasMessage("/metadata/annotations/dapr.io~1app-port must be a string");
    }

    private static KubeObject object(String yaml) {
        return ManifestReader.parse("test.yaml", yaml, Format.YAML).objects().get(0);
    }
}

package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The objects the real-cluster suite sends, checked where no cluster is needed. */
class E2eObjectsTest {

    @Test
    void daprDeploymentHasNoSidecarSettingsAndSelectsItsPods() {
        Deployment deployment = E2eObjects.daprDeployment("hello");
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsExactlyInAnyOrderEntriesOf(Map.of("dapr.io/enabled", "true", "dapr.io/app-id", "hello"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName())
                .as("the app and the stand-in for the injector's daprd").containsExactly("app", "daprd");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers())
                .allSatisfy(c -> assertThat(c.getImage()).isEqualTo("registry.k8s.io/pause:3.10"));
        assertThat(E2eObjects.daprDeploymentWithoutDaprd("hello").getSpec().getTemplate().getSpec().getContainers())
                .extracting(c -> c.getName()).containsExactly("app");
    }

    /** The stand-in daprd is admitted as is: the webhook's engine finds nothing on the Dapr objects but the defaults. */
    @Test
    void theStandInDaprdPassesTheSidecarRules() {
        PolicyEngine engine = new PolicyEngine(Policy.standard());
        JsonMapper json = JsonMapper.builder().build();
        JsonNode deployment = json.readTree(E2eObjects.SERIALIZATION.asJson(E2eObjects.daprDeployment("hello")));
        Verdict verdict = engine.review(ReviewRequest.create("apps", "Deployment", deployment), Webhook.VALIDATE,
                Mode.ENFORCE);
        assertThat(verdict.decision()).isEqualTo(Verdict.Decision.ALLOWED);
        assertThat(verdict.warnings()).noneMatch(w -> w.startsWith("[injected-sidecar]"));
        JsonNode pod = json.readTree(E2eObjects.SERIALIZATION.asJson(E2eObjects.daprPod("p")));
        ReviewRequest byAdmin = new ReviewRequest("u", "", "Pod", "CREATE", "", "shop", "p", false, pod, null,
                "kubernetes-admin", List.of("system:masters"));
        Verdict mutated = engine.review(byAdmin, Webhook.MUTATE, Mode.ENFORCE);
        assertThat(mutated.patch().toString()).contains("/metadata/annotations").doesNotContain("/spec/containers");
        Verdict validated = engine.review(byAdmin, Webhook.VALIDATE, Mode.ENFORCE);
        assertThat(String.valueOf(validated.message()) + validated.warnings()).as("validated as the injector left it")
                .doesNotContain("[sidecar-injected]").doesNotContain("[injected-sidecar]");
    }


    @Test
    void podsWithAndWithoutDapr() {
        Pod dapr = E2eObjects.daprPod("p");
        assertThat(dapr.getMetadata().getAnnotations()).containsEntry("dapr.io/enabled", "true")
                .doesNotContainKeys(E2eObjects.SIDECAR_DEFAULTS.keySet().toArray(String[]::new));
        assertThat(dapr.getSpec().getAutomountServiceAccountToken()).isFalse();
        Pod plain = E2eObjects.plainPod("q");
        assertThat(plain.getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void sidecarDefaultsAreTheReadmesPatch() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        for (Map.Entry<String, String> entry : E2eObjects.SIDECAR_DEFAULTS.entrySet()) {
            assertThat(readme).contains("{\"op\":\"add\",\"path\":\"/metadata/annotations/"
                    + entry.getKey().replace("/", "~1") + "\",\"value\":\"" + entry.getValue() + "\"}");
        }
    }

    @Test
    void ordersDeploymentIsTheReadmesExample() {
        Deployment orders = E2eObjects.ordersDeployment();
        assertThat(orders.getMetadata().getName()).isEqualTo("orders");
        assertThat(orders.getMetadata().getNamespace()).as("namespaced by the client").isNull();
        assertThat(orders.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("dapr.io/sidecar-memory-limit", "1000MB")
                .containsEntry("dapr.io/env", "GOMEMLIMIT=900Mi");
    }

    @Test
    void componentKeepsItsDaprShape() {
        GenericKubernetesResource component = E2eObjects.plaintextSecretComponent("statestore");
        JsonNode json = JsonMapper.builder().build().readTree(E2eObjects.SERIALIZATION.asJson(component));
        assertThat(json.path("apiVersion").asString()).isEqualTo("dapr.io/v1alpha1");
        assertThat(json.path("kind").asString()).isEqualTo("Component");
        assertThat(json.path("spec").path("type").asString()).isEqualTo("state.redis");
        assertThat(json.path("spec").path("metadata").get(1).path("name").asString()).isEqualTo("redisPassword");
        assertThat(json.path("spec").path("metadata").get(1).path("value").asString()).isEqualTo("hunter2");
        assertThat(json.path("scopes").get(0).asString()).isEqualTo("statestore");
        assertThat(E2eObjects.COMPONENTS.getPlural()).isEqualTo("components");
        assertThat(E2eObjects.COMPONENTS.isNamespaceScoped()).isTrue();
    }

    @Test
    void crdsServeTheDaprKindsTheChartValidatesAndTheAuditsReports() {
        List<CustomResourceDefinition> crds = E2eObjects.crds();
        assertThat(crds).extracting(c -> c.getMetadata().getName())
                .containsExactly("components.dapr.io", "configurations.dapr.io", "policyreports.wgpolicyk8s.io");
        for (CustomResourceDefinition crd : crds) {
            assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
            assertThat(crd.getMetadata().getName())
                    .isEqualTo(crd.getSpec().getNames().getPlural() + "." + crd.getSpec().getGroup());
            assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
                assertThat(v.getServed()).isTrue();
                assertThat(v.getStorage()).isTrue();
                assertThat(v.getSchema().getOpenAPIV3Schema().getXKubernetesPreserveUnknownFields()).isTrue();
            });
        }
        assertThat(crds.get(0).getSpec().getGroup()).isEqualTo("dapr.io");
        assertThat(crds.get(0).getSpec().getVersions().get(0).getName()).isEqualTo("v1alpha1");
        assertThat(crds.get(0).getSpec().getNames().getKind()).isEqualTo(E2eObjects.COMPONENTS.getKind());
        assertThat(crds.get(2).getSpec().getVersions().get(0).getName())
                .isEqualTo(E2eObjects.POLICY_REPORTS.getVersion());
        assertThat(crds.get(2).getSpec().getNames().getKind()).isEqualTo(E2eObjects.POLICY_REPORTS.getKind());
    }
}

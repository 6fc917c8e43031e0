package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).singleElement()
                .satisfies(c -> assertThat(c.getImage()).isEqualTo("registry.k8s.io/pause:3.10"));
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

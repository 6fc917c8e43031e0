package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The chart's webhook configurations as the real-cluster suite registers them. */
class WebhookConfigurationsTest {

    private static final String BASE = "https://host.testcontainers.internal:34567";
    private static final byte[] CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static List<ObjectNode> rendered;

    @BeforeAll
    static void render() {
        rendered = WebhookConfigurations.render(E2eSettings.KUBE_VERSION);
    }

    @Test
    void rendersBothConfigurationsOfTheChartForTheSuitesKubernetes() {
        assertThat(rendered).extracting(c -> c.path("kind").asString())
                .containsExactly("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");
        assertThat(webhookNames(rendered.get(0))).containsExactly("mutate.dapr-guard.io", "mutate-audit.dapr-guard.io");
        assertThat(webhookNames(rendered.get(1))).containsExactly("validate.dapr-guard.io",
                "validate-audit.dapr-guard.io");
        for (ObjectNode configuration : rendered) {
            for (JsonNode webhook : configuration.path("webhooks")) {
                assertThat(webhook.path("matchConditions").isArray())
                        .as("matchConditions of %s on Kubernetes %s", webhook.path("name"), E2eSettings.KUBE_VERSION)
                        .isTrue();
                assertThat(webhook.path("clientConfig").path("service").path("namespace").asString())
                        .isEqualTo(WebhookConfigurations.RELEASE_NAMESPACE);
            }
        }
    }

    @Test
    void everyWebhookCallsTheSamePathOnTheGivenAddressTrustingTheGivenCa() {
        for (ObjectNode configuration : rendered) {
            ObjectNode pointed = WebhookConfigurations.pointedAt(configuration, BASE, CA);
            JsonNode before = configuration.path("webhooks");
            JsonNode after = pointed.path("webhooks");
            assertThat(after.size()).isEqualTo(before.size());
            for (int i = 0; i < before.size(); i++) {
                JsonNode clientConfig = after.get(i).path("clientConfig");
                String path = before.get(i).path("clientConfig").path("service").path("path").asString();
                assertThat(clientConfig.path("url").asString()).isEqualTo(BASE + path);
                assertThat(clientConfig.has("service")).isFalse();
                assertThat(Base64.getDecoder().decode(clientConfig.path("caBundle").asString())).isEqualTo(CA);
                assertThat(clientConfig.properties()).extracting(java.util.Map.Entry::getKey)
                        .containsExactlyInAnyOrder("url", "caBundle");
            }
        }
        assertThat(paths(WebhookConfigurations.pointedAt(rendered.get(0), BASE, CA)))
                .containsExactly(BASE + "/mutate", BASE + "/audit/mutate");
        assertThat(paths(WebhookConfigurations.pointedAt(rendered.get(1), BASE, CA)))
                .containsExactly(BASE + "/validate", BASE + "/audit/validate");
    }

    @Test
    void everythingButWhereItCallsStaysAsRendered() {
        for (ObjectNode configuration : rendered) {
            ObjectNode pointed = WebhookConfigurations.pointedAt(configuration, BASE, CA);
            ObjectNode expected = configuration.deepCopy();
            ObjectNode actual = pointed.deepCopy();
            for (JsonNode webhook : expected.path("webhooks")) {
                ((ObjectNode) webhook).remove("clientConfig");
            }
            for (JsonNode webhook : actual.path("webhooks")) {
                ((ObjectNode) webhook).remove("clientConfig");
            }
            assertThat(actual).isEqualTo(expected);
            assertThat(actual.path("webhooks").get(0).path("namespaceSelector").toString())
                    .contains(WebhookConfigurations.RELEASE_NAMESPACE).contains("kube-system");
        }
    }

    @Test
    void renderedConfigurationIsNotModified() {
        String before = rendered.get(1).toString();
        WebhookConfigurations.pointedAt(rendered.get(1), BASE, CA);
        assertThat(rendered.get(1).toString()).isEqualTo(before).contains("\"service\"");
    }

    @Test
    void resultIsATypedWebhookConfigurationWithTheRenderedPolicies() {
        MutatingWebhookConfiguration mutating = E2eObjects.SERIALIZATION.unmarshal(
                WebhookConfigurations.pointedAt(rendered.get(0), BASE, CA).toString(),
                MutatingWebhookConfiguration.class);
        ValidatingWebhookConfiguration validating = E2eObjects.SERIALIZATION.unmarshal(
                WebhookConfigurations.pointedAt(rendered.get(1), BASE, CA).toString(),
                ValidatingWebhookConfiguration.class);
        assertThat(mutating.getMetadata().getName()).isEqualTo("dapr-guard");
        assertThat(validating.getMetadata().getName()).isEqualTo("dapr-guard");
        MutatingWebhook mutate = mutating.getWebhooks().get(0);
        assertThat(mutate.getClientConfig().getUrl()).isEqualTo(BASE + "/mutate");
        assertThat(mutate.getClientConfig().getService()).isNull();
        assertThat(mutate.getClientConfig().getCaBundle()).isEqualTo(Base64.getEncoder().encodeToString(CA));
        assertThat(mutate.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(mutate.getReinvocationPolicy()).isEqualTo("IfNeeded");
        assertThat(mutate.getMatchConditions()).singleElement()
                .satisfies(c -> assertThat(c.getExpression()).contains("dapr.io/enabled"));
        ValidatingWebhook validate = validating.getWebhooks().get(0);
        assertThat(validate.getFailurePolicy()).isEqualTo("Fail");
        assertThat(validate.getSideEffects()).isEqualTo("None");
        assertThat(validate.getRules()).anySatisfy(r -> assertThat(r.getApiGroups()).containsExactly("dapr.io"));
        assertThat(validating.getWebhooks().get(1).getFailurePolicy()).as("audit never fails closed")
                .isEqualTo("Ignore");
        assertThat(validating.getWebhooks().get(1).getNamespaceSelector().getMatchExpressions())
                .anySatisfy(e -> {
                    assertThat(e.getKey()).isEqualTo("daprguard.io/mode");
                    assertThat(e.getOperator()).isEqualTo("In");
                    assertThat(e.getValues()).containsExactly("audit");
                });
    }

    @Test
    void rejectsWhatItCannotPointSomewhereElse() {
        ObjectNode configuration = rendered.get(0);
        assertThatIllegalArgumentException().isThrownBy(() ->
                WebhookConfigurations.pointedAt(configuration, "http://host.testcontainers.internal:1", CA));
        assertThatIllegalArgumentException().isThrownBy(() ->
                WebhookConfigurations.pointedAt(configuration, "https://host.testcontainers.internal", CA));
        assertThatIllegalArgumentException().isThrownBy(() ->
                WebhookConfigurations.pointedAt(configuration, BASE + "/mutate", CA));
        assertThatIllegalArgumentException().isThrownBy(() ->
                WebhookConfigurations.pointedAt(configuration, BASE, new byte[0]));
        ObjectNode alreadyUrl = WebhookConfigurations.pointedAt(configuration, BASE, CA);
        assertThatIllegalArgumentException().isThrownBy(() -> WebhookConfigurations.pointedAt(alreadyUrl, BASE, CA))
                .withMessageContaining("mutate.dapr-guard.io");
        ObjectNode noWebhooks = configuration.deepCopy();
        noWebhooks.remove("webhooks");
        assertThatIllegalArgumentException().isThrownBy(() -> WebhookConfigurations.pointedAt(noWebhooks, BASE, CA));
    }

    @Test
    void kubernetesVersionComesFromThePinnedImage() {
        assertThat(E2eSettings.K3S_IMAGE).startsWith("rancher/k3s:v");
        assertThat(E2eSettings.KUBE_VERSION).isEqualTo(E2eSettings.K3S_IMAGE.replaceAll(".*:v([0-9.]+)-k3s.*", "$1"));
        String[] parts = E2eSettings.KUBE_VERSION.split("\\.");
        assertThat(Integer.parseInt(parts[0]) * 100 + Integer.parseInt(parts[1])).as("matchConditions are GA in 1.30")
                .isGreaterThanOrEqualTo(130);
        assertThat(E2eSettings.kubeVersion("rancher/k3s:v1.32.10-k3s2")).isEqualTo("1.32.10");
        assertThatIllegalArgumentException().isThrownBy(() -> E2eSettings.kubeVersion("rancher/k3s:latest"));
        assertThat(E2eSettings.baseUrl(8443)).isEqualTo("https://host.testcontainers.internal:8443");
    }

    private static List<String> webhookNames(JsonNode configuration) {
        List<String> names = new ArrayList<>();
        configuration.path("webhooks").forEach(w -> names.add(w.path("name").asString()));
        return names;
    }

    private static List<String> paths(JsonNode configuration) {
        List<String> urls = new ArrayList<>();
        configuration.path("webhooks").forEach(w -> urls.add(w.path("clientConfig").path("url").asString()));
        return urls;
    }
}

package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The kube-apiserver calls mutating configurations in byte order of their names; dapr-guard's must come before
 * Dapr's {@code dapr-sidecar-injector}, or the injector builds daprd before the defaults are added.
 */
class WebhookNameOrderTest {

    private static final String INJECTOR = "dapr-sidecar-injector";

    @ParameterizedTest
    @ValueSource(strings = {"dapr-sidecar-injector", "dapr-sidecar-injector-x", "dapr-sidecar-injectorx", "dapr.x",
            "dapr-t", "k8s-guard", "zz", "guard"})
    void aNameThatRunsAfterTheInjectorFailsWithTheReason(String name) {
        assertThat(name.compareTo(INJECTOR)).as("test data: sorts at or after the injector").isGreaterThanOrEqualTo(0);
        assertThatThrownBy(() -> chart().set("webhook.mutatingName", name).render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("webhook.mutatingName \"" + name + "\" must sort before \"" + INJECTOR + "\"")
                .hasMessageContaining("calls mutating webhook configurations in name order")
                .hasMessageContaining("must run before Dapr's sidecar injector");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dapr-guard", "a-guard", "dapr-sidecar-injectoq", "dapr-sidecar-inject", "dapr",
            "0-guard", "dapr-guard.example.com", "dapr-aaa"})
    void aNameThatRunsBeforeTheInjectorRenders(String name) {
        assertThat(name.compareTo(INJECTOR)).as("test data: sorts before the injector").isLessThan(0);
        Manifests rendered = chart().set("webhook.mutatingName", name).render();
        assertThat(rendered.only("MutatingWebhookConfiguration").path("metadata").path("name").asString())
                .isEqualTo(name);
    }

    @Test
    void validatingNameHasNoOrderingConstraint() {
        Manifests rendered = chart().set("webhook.validatingName", "zz-guard").render();
        assertThat(rendered.only("ValidatingWebhookConfiguration").path("metadata").path("name").asString())
                .isEqualTo("zz-guard");
    }

    @Test
    void customNamesRender() {
        Manifests rendered = chart().values("custom-names.yaml").render();
        assertThat(rendered.only("MutatingWebhookConfiguration").path("metadata").path("name").asString())
                .isEqualTo("a-guard");
        assertThat(rendered.only("ValidatingWebhookConfiguration").path("metadata").path("name").asString())
                .isEqualTo("zz-dapr-guard");
        assertThat(rendered.only("Service").path("metadata").path("name").asString()).isEqualTo("guard");
        assertThat(rendered.only("Deployment").path("metadata").path("name").asString()).isEqualTo("guard");
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            for (JsonNode webhook : rendered.only(kind).path("webhooks")) {
                assertThat(webhook.path("clientConfig").path("service").path("name").asString()).isEqualTo("guard");
                List<String> excluded = new ArrayList<>();
                webhook.path("namespaceSelector").path("matchExpressions").get(0).path("values")
                        .forEach(value -> excluded.add(value.asString()));
                assertThat(excluded).containsExactly("kube-system", "dapr-guard", "monitoring", "dapr-system");
            }
        }
        assertThat(Pem.dnsNames(Pem.certificate(rendered.get("Secret", "guard-tls").path("data").path("tls.crt")
                .asString()))).contains("guard.dapr-guard.svc");
    }
}

package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.NAMESPACE;
import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** certManager.enabled: a private CA chain in cert-manager, CA injection into both configurations (cert-manager.yaml). */
class CertManagerTest {

    private static Manifests manifests;

    @BeforeAll
    static void render() {
        manifests = chart().values("cert-manager.yaml").render();
    }

    @Test
    void chartGeneratesNoSecret() {
        assertThat(manifests.ofKind("Secret")).isEmpty();
    }

    @Test
    void selfSignedIssuerBootstrapsACaCertificate() {
        JsonNode selfSigned = manifests.get("Issuer", "dapr-guard-selfsigned");
        assertThat(selfSigned.path("spec").has("selfSigned")).isTrue();
        JsonNode ca = manifests.get("Certificate", "dapr-guard-ca");
        assertThat(ca.path("metadata").path("namespace").asString()).isEqualTo(NAMESPACE);
        assertThat(ca.path("spec").path("isCA").asBoolean()).isTrue();
        assertThat(ca.path("spec").path("duration").asString()).isEqualTo("87600h");
        assertThat(ca.path("spec").path("issuerRef").path("kind").asString()).isEqualTo("Issuer");
        assertThat(ca.path("spec").path("issuerRef").path("name").asString()).isEqualTo("dapr-guard-selfsigned");
        JsonNode caIssuer = manifests.get("Issuer", "dapr-guard-ca");
        assertThat(caIssuer.path("spec").path("ca").path("secretName").asString())
                .isEqualTo(ca.path("spec").path("secretName").asString());
    }

    @Test
    void servingCertificateGoesIntoTheSecretThePodsMount() {
        JsonNode serving = manifests.get("Certificate", "dapr-guard-serving");
        JsonNode spec = serving.path("spec");
        assertThat(spec.path("isCA").asBoolean(false)).isFalse();
        assertThat(spec.path("issuerRef").path("name").asString()).isEqualTo("dapr-guard-ca");
        assertThat(spec.path("issuerRef").path("kind").asString()).isEqualTo("Issuer");
        assertThat(spec.path("dnsNames")).extracting(JsonNode::asString).containsExactlyInAnyOrder(
                "dapr-guard", "dapr-guard.dapr-guard", "dapr-guard.dapr-guard.svc",
                "dapr-guard.dapr-guard.svc.cluster.local");
        assertThat(spec.path("duration").asString()).isEqualTo("720h");
        assertThat(spec.path("renewBefore").asString()).isEqualTo("240h");
        assertThat(spec.path("usages")).extracting(JsonNode::asString).contains("server auth");
        String mounted = manifests.podSpec().path("volumes").get(0).path("secret").path("secretName").asString();
        assertThat(spec.path("secretName").asString()).isEqualTo(mounted).isEqualTo("dapr-guard-tls");
    }

    @Test
    void configurationsGetTheCaInjectedInsteadOfAStaticBundle() {
        JsonNode serving = manifests.get("Certificate", "dapr-guard-serving");
        String reference = serving.path("metadata").path("namespace").asString() + "/"
                + serving.path("metadata").path("name").asString();
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            JsonNode configuration = manifests.only(kind);
            assertThat(configuration.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from")
                    .asString()).as(kind).isEqualTo(reference).isEqualTo("dapr-guard/dapr-guard-serving");
            assertThat(configuration.path("webhooks")).hasSize(2);
            for (JsonNode webhook : configuration.path("webhooks")) {
                assertThat(webhook.path("clientConfig").has("caBundle")).as(webhook.path("name").asString())
                        .isFalse();
                assertThat(webhook.path("clientConfig").path("service").path("port").asInt()).isEqualTo(443);
            }
        }
    }

    @Test
    void defaultsAreSensibleToo() {
        Manifests defaults = chart().set("certManager.enabled", true).render();
        JsonNode spec = defaults.get("Certificate", "dapr-guard-serving").path("spec");
        assertThat(spec.path("duration").asString()).isEqualTo("2160h");
        assertThat(spec.path("renewBefore").asString()).as("renewed before the 14-day expiry alert fires")
                .isEqualTo("360h");
        assertThat(defaults.get("Certificate", "dapr-guard-ca").path("spec").path("duration").asString())
                .isEqualTo("43800h");
    }
}

package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.within;

import io.daprguard.tls.CertificateFiles;
import io.daprguard.tls.PemSslBundleLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Certificates the chart generates itself (certManager.enabled false): the Secret, the caBundles, the chain, and the
 * reuse of an existing Secret on upgrade.
 */
class GeneratedCertificatesTest {

    private static final List<String> SERVICE_NAMES = List.of(
            "dapr-guard", "dapr-guard.dapr-guard", "dapr-guard.dapr-guard.svc",
            "dapr-guard.dapr-guard.svc.cluster.local");

    private static Manifests manifests;

    private static JsonNode secretData;

    @BeforeAll
    static void render() {
        manifests = chart().render();
        secretData = manifests.get("Secret", "dapr-guard-tls").path("data");
    }

    @Test
    void secretIsATlsSecretWithTheThreeFiles() {
        JsonNode secret = manifests.get("Secret", "dapr-guard-tls");
        assertThat(secret.path("type").asString()).isEqualTo("kubernetes.io/tls");
        assertThat(secretData.propertyNames()).containsExactlyInAnyOrder("ca.crt", "tls.crt", "tls.key");
        assertThat(Pem.decode(secretData.path("tls.key").asString())).contains("PRIVATE KEY-----");
        assertThat(Pem.decode(secretData.path("ca.crt").asString())).doesNotContain("PRIVATE KEY");
    }

    @Test
    void everyCaBundleEqualsTheSecretsCaCrt() {
        List<JsonNode> entries = new ArrayList<>();
        manifests.only("MutatingWebhookConfiguration").path("webhooks").forEach(entries::add);
        manifests.only("ValidatingWebhookConfiguration").path("webhooks").forEach(entries::add);
        assertThat(entries).hasSize(4);
        for (JsonNode webhook : entries) {
            String caBundle = webhook.path("clientConfig").path("caBundle").asString();
            assertThat(caBundle).as(webhook.path("name").asString()).isNotEmpty()
                    .isEqualTo(secretData.path("ca.crt").asString());
            assertThat(Pem.decode(caBundle)).startsWith("-----BEGIN CERTIFICATE-----");
            assertThat(Pem.certificates(caBundle)).hasSize(1);
        }
        assertThat(manifests.only("MutatingWebhookConfiguration").path("metadata").path("annotations")
                .has("cert-manager.io/inject-ca-from")).isFalse();
    }

    @Test
    void caIsACertificateAuthority() {
        X509Certificate ca = Pem.certificate(secretData.path("ca.crt").asString());
        assertThat(ca.getBasicConstraints()).as("CA:true").isGreaterThanOrEqualTo(0);
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=dapr-guard-ca");
        assertThatCode(() -> ca.verify(ca.getPublicKey())).doesNotThrowAnyException();
        assertValidFor(ca, Duration.ofDays(3650));
    }

    @Test
    void servingCertificateIsSignedByThatCaForEveryServiceName() throws Exception {
        X509Certificate ca = Pem.certificate(secretData.path("ca.crt").asString());
        X509Certificate serving = Pem.certificate(secretData.path("tls.crt").asString());
        assertThatCode(() -> serving.verify(ca.getPublicKey())).doesNotThrowAnyException();
        assertThat(serving.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(serving.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(Pem.dnsNames(serving)).containsExactlyInAnyOrderElementsOf(SERVICE_NAMES);
        assertThat(serving.getSubjectX500Principal().getName()).isEqualTo("CN=dapr-guard.dapr-guard.svc");
        assertThat(serving.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertValidFor(serving, Duration.ofDays(3650));
    }

    @Test
    void theServerLoadsTheSecretAsItWouldFromTheMountedVolume(@TempDir Path tls) throws IOException {
        for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
            Files.write(tls.resolve(file), Base64.getDecoder().decode(secretData.path(file).asString()));
        }
        // The same loader the server uses at start and on every reload: parses both files, checks the key matches.
        assertThat(new PemSslBundleLoader().load(new CertificateFiles(tls))).isNotNull();
    }

    @Test
    void namesFollowTheReleaseNamespaceAndClusterDomain() {
        Manifests rendered = chart().release("guard", "security").set("clusterDomain", "example.internal").render();
        JsonNode data = rendered.get("Secret", "guard-dapr-guard-tls").path("data");
        X509Certificate serving = Pem.certificate(data.path("tls.crt").asString());
        assertThat(Pem.dnsNames(serving)).containsExactlyInAnyOrder(
                "guard-dapr-guard", "guard-dapr-guard.security", "guard-dapr-guard.security.svc",
                "guard-dapr-guard.security.svc.example.internal");
        assertThat(rendered.only("MutatingWebhookConfiguration").path("webhooks").get(0).path("clientConfig")
                .path("service").path("name").asString()).isEqualTo("guard-dapr-guard");
    }

    @Test
    void validityFollowsTheValues() {
        Manifests rendered = chart()
                .set("generatedCerts.caValidityDays", 730)
                .set("generatedCerts.validityDays", 90)
                .render();
        JsonNode data = rendered.get("Secret", "dapr-guard-tls").path("data");
        assertValidFor(Pem.certificate(data.path("ca.crt").asString()), Duration.ofDays(730));
        assertValidFor(Pem.certificate(data.path("tls.crt").asString()), Duration.ofDays(90));
    }

    @Test
    void anUpgradeReusesTheExistingSecretAndItsCa(@TempDir Path copy) throws IOException {
        String existing = """
                {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
                 "metadata": {"name": "dapr-guard-tls", "namespace": "dapr-guard"},
                 "data": {"ca.crt": "%s", "tls.crt": "%s", "tls.key": "%s"}}
                """.formatted(secretData.path("ca.crt").asString(), secretData.path("tls.crt").asString(),
                secretData.path("tls.key").asString());
        Manifests upgraded = chart().chartDir(chartAsUpgradeFinding(existing, copy)).render();

        JsonNode data = upgraded.get("Secret", "dapr-guard-tls").path("data");
        for (String file : List.of("ca.crt", "tls.crt", "tls.key")) {
            assertThat(data.path(file).asString()).as(file).isEqualTo(secretData.path(file).asString());
        }
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            for (JsonNode webhook : upgraded.only(kind).path("webhooks")) {
                assertThat(webhook.path("clientConfig").path("caBundle").asString())
                        .isEqualTo(secretData.path("ca.crt").asString());
            }
        }
    }

    @Test
    void anIncompleteSecretIsReplacedByAFreshPair(@TempDir Path copy) throws IOException {
        String withoutKey = """
                {"apiVersion": "v1", "kind": "Secret",
                 "metadata": {"name": "dapr-guard-tls", "namespace": "dapr-guard"},
                 "data": {"ca.crt": "%s", "tls.crt": "%s"}}
                """.formatted(secretData.path("ca.crt").asString(), secretData.path("tls.crt").asString());
        Manifests upgraded = chart().chartDir(chartAsUpgradeFinding(withoutKey, copy)).render();

        JsonNode data = upgraded.get("Secret", "dapr-guard-tls").path("data");
        assertThat(data.path("ca.crt").asString()).isNotEqualTo(secretData.path("ca.crt").asString());
        assertThat(data.path("tls.key").asString()).isNotEmpty();
        X509Certificate ca = Pem.certificate(data.path("ca.crt").asString());
        X509Certificate serving = Pem.certificate(data.path("tls.crt").asString());
        assertThatCode(() -> serving.verify(ca.getPublicKey())).doesNotThrowAnyException();
        assertThat(upgraded.only("ValidatingWebhookConfiguration").path("webhooks").get(0).path("clientConfig")
                .path("caBundle").asString()).isEqualTo(data.path("ca.crt").asString());
    }

    @Test
    void anInstallGeneratesANewCaEveryTimeBecauseThereIsNothingToReuse() {
        String other = chart().render().get("Secret", "dapr-guard-tls").path("data").path("ca.crt").asString();
        assertThat(other).isNotEqualTo(secretData.path("ca.crt").asString());
    }

    /**
     * A copy of the chart in which the render behaves like an upgrade whose {@code lookup} finds {@code secretJson}:
     * {@code helm template} cannot look anything up, so the two expressions are replaced, nothing else.
     */
    private static Path chartAsUpgradeFinding(String secretJson, Path copy) throws IOException {
        Path chart = ChartRenderer.copyChart(copy);
        Files.writeString(chart.resolve("existing-secret.json"), secretJson, StandardCharsets.UTF_8);
        Path webhooks = chart.resolve("templates/webhooks.yaml");
        String template = Files.readString(webhooks);
        String upgradeCheck = "{{- if .Release.IsUpgrade }}";
        String lookup = "lookup \"v1\" \"Secret\" .Release.Namespace $secretName";
        assertThat(template).as("the template still looks the Secret up on upgrade").contains(upgradeCheck, lookup);
        template = template.replace(upgradeCheck, "{{- if true }}")
                .replace(lookup, "(.Files.Get \"existing-secret.json\" | fromJson)");
        Files.writeString(webhooks, template, StandardCharsets.UTF_8);
        return chart;
    }

    private static void assertValidFor(X509Certificate certificate, Duration validity) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant expected = Instant.now().plus(validity);
        assertThat(Duration.between(expected, notAfter).abs()).isLessThan(Duration.ofDays(1));
        assertThat(certificate.getNotBefore().toInstant()).isBefore(Instant.now().plusSeconds(60));
        assertThat(Duration.between(certificate.getNotBefore().toInstant(), notAfter).toDays())
                .isCloseTo(validity.toDays(), within(1L));
    }
}

package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.daprguard.fixtures.NativeCases;
import io.daprguard.nativepolicy.NativeExport;
import io.daprguard.policy.Policy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code export native} on a real kube-apiserver, with no dapr-guard webhook registered:
 * {@code ./mvnw verify -Pe2e -De2e.kubeconfig=PATH [-De2e.context=NAME]} (as {@link KubeconfigEndToEndIT}; the two
 * suites run one after the other and never at once). Needs Kubernetes 1.30+; the MutatingAdmissionPolicy needs 1.36
 * (below, the export has none and the sidecar rules are left out, as {@code export native --kube-version} writes).
 *
 * <p>The default policy's export is created as written, with one change: each binding also selects only this run's
 * namespaces (label {@value RealClusterSuite#RUN_LABEL}), so nothing else in the cluster is judged. Every fixture
 * object of one Pod, workload, Component or Configuration is then created with a server-side dry run, in an enforced
 * namespace and in one labelled {@code daprguard.io/mode=audit}, and must get what the webhook gives it (computed in
 * this JVM by the same engine, after its own mutation), for every rule with a native form: the same annotations after
 * mutation, a denial exactly when the webhook denies, with its messages, and otherwise the same warnings. The
 * kube-apiserver type-checks the expressions against the real schemas and enforces its cost limits; a policy it
 * refuses fails {@code @BeforeAll}.
 */
@EnabledIf("io.daprguard.e2e.KubeconfigEndToEndIT#requested")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NativePoliciesIT {

    private static final Duration CLUSTER = Duration.ofMinutes(2);
    private static final String RUN = "native-" + Long.toString(System.nanoTime() % 1_000_000L, 36);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: [rule] ...", one per failed validation. */
    private static final Pattern DENIED = Pattern.compile("denied request: (\\[[a-z-]+\\] .*?)(?=(, |\\n)?"
            + "ValidatingAdmissionPolicy '|$)", Pattern.DOTALL);
    /** "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': [rule] ...". */
    private static final Pattern WARNED = Pattern.compile("^Validation failed for ValidatingAdmissionPolicy '[^']*'"
            + " with binding '[^']*': (.*)$", Pattern.DOTALL);

    private final ApiWarnings warnings = new ApiWarnings();
    private final List<HasMetadata> created = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> installedCrds = new ArrayList<>();
    private KubernetesClient client;
    private String enforced;
    private String audited;

    @BeforeAll
    void applyTheExport() throws Exception {
        String yaml = KubeconfigEndToEndIT.kubeconfigYaml();
        client = warnings.client(Config.fromKubeconfig(yaml));
        VersionInfo version = client.getKubernetesVersion();
        int minor = Integer.parseInt(version.getMinor().replaceAll("[^0-9].*", ""));
        Assumptions.assumeTrue(Integer.parseInt(version.getMajor()) > 1 || minor >= 30,
                "ValidatingAdmissionPolicy v1 needs Kubernetes 1.30+; this cluster is " + version.getGitVersion());
        installCrds();
        enforced = namespace("enforce", Map.of());
        audited = namespace("audit", Map.of("daprguard.io/mode", "audit"));

        NativeExport.Result export = NativeExport.export(Policy.standard(),
                new NativeExport.Options(Set.of("kube-system"), minor >= 36, false));
        for (ObjectNode object : export.objects()) {
            if (object.path("kind").asString().endsWith("Binding")) {
                ObjectNode selector = (ObjectNode) object.path("spec").path("matchResources").path("namespaceSelector");
                selector.withArray("matchExpressions").addObject().put("key", RealClusterSuite.RUN_LABEL)
                        .put("operator", "In").putArray("values").add(RUN);
            }
            HasMetadata resource = client.getKubernetesSerialization().unmarshal(object.toString(),
                    GenericKubernetesResource.class);
            created.add(client.resource(resource).create());
        }
        // policies take effect a moment after they are created: wait for a Configuration the default policy denies
        await().atMost(CLUSTER).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            KubernetesClientException denied = denied(() -> client.genericKubernetesResources(CONFIGURATIONS)
                    .inNamespace(enforced).resource(mtlsOff()).dryRun().create());
            assertThat(ApiWarnings.statusMessage(denied)).contains("[config-mtls]");
        });
    }

    @AfterAll
    void deleteEverything() {
        if (client == null) {
            return;
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            client.resource(created.get(i)).delete();
        }
        namespaces.forEach(name -> client.namespaces().withName(name).delete());
        installedCrds.forEach(name -> client.apiextensions().v1().customResourceDefinitions().withName(name).delete());
        client.close();
    }

    @TestFactory
    Stream<DynamicTest> everyFixtureGetsWhatTheWebhookGivesIt() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (NativeCases.Case fixture : NativeCases.cases()) {
            for (boolean audit : List.of(false, true)) {
                tests.add(DynamicTest.dynamicTest(fixture.name() + (audit ? " (audit)" : ""),
                        () -> compare(fixture, audit)));
            }
        }
        return tests.stream();
    }

    private void compare(NativeCases.Case fixture, boolean audit) {
        String namespace = audit ? audited : enforced;
        ObjectNode object = fixture.object().deepCopy();
        ObjectNode metadata = (ObjectNode) object.path("metadata");
        metadata.put("namespace", namespace);
        if (!metadata.has("name")) {
            metadata.put("name", "fixture-" + Integer.toString(Math.abs(fixture.name().hashCode()), 36));
        }
        metadata.remove("generateName");
        metadata.remove("ownerReferences");
        NativeCases.Expected expected = NativeCases.expected(object, audit);
        HasMetadata resource = client.getKubernetesSerialization().unmarshal(object.toString(),
                GenericKubernetesResource.class);
        warnings.clear();
        HasMetadata result;
        try {
            result = client.resource(resource).dryRun().create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403 && e.getCode() != 422 && e.getCode() != 400) {
                throw e;
            }
            Set<String> denials = new TreeSet<>();
            Matcher matcher = DENIED.matcher(ApiWarnings.statusMessage(e));
            while (matcher.find()) {
                denials.add(matcher.group(1).trim());
            }
            if (denials.isEmpty()) {
                // refused by Kubernetes itself (its own validation): the webhook is never asked then either
                return;
            }
            assertThat(expected.denials()).as("the webhook denies too (apiserver: %s)", ApiWarnings.statusMessage(e))
                    .isNotEmpty();
            assertThat(NativeCases.asNative(denials, expected.denials())).as("the webhook's denials")
                    .containsAll(denials);
            return;
        }
        assertThat(expected.denials()).as("the webhook admits too").isEmpty();
        Set<String> warned = new TreeSet<>();
        for (ApiWarnings.Received received : warnings.received()) {
            for (String text : received.warnings()) {
                Matcher matcher = WARNED.matcher(text);
                if (matcher.matches()) {
                    warned.add(matcher.group(1));
                }
            }
        }
        assertThat(warned).as("native warnings").isEqualTo(NativeCases.asNative(warned, expected.warnings()));
        JsonNode after = JSON.readTree(client.getKubernetesSerialization().asJson(result));
        String path = NativeExport.annotationsPath(object.path("kind").asString());
        assertThat(after.at(path)).as("annotations after the native mutation").isEqualTo(expected.mutated().at(path));
    }

    private static final io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext CONFIGURATIONS =
            new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("dapr.io")
                    .withVersion("v1alpha1").withPlural("configurations").withKind("Configuration").withNamespaced(true)
                    .build();

    private static GenericKubernetesResource mtlsOff() {
        GenericKubernetesResource configuration = new GenericKubernetesResource();
        configuration.setApiVersion("dapr.io/v1alpha1");
        configuration.setKind("Configuration");
        configuration.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("probe").build());
        configuration.setAdditionalProperty("spec", Map.of("mtls", Map.of("enabled", false)));
        return configuration;
    }

    private String namespace(String base, Map<String, String> labels) {
        String name = RUN + "-" + base;
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(RealClusterSuite.RUN_LABEL, RUN);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(all)
                .endMetadata().build()).create();
        namespaces.add(name);
        await().atMost(CLUSTER).until(() -> client.serviceAccounts().inNamespace(name).withName("default").get() != null);
        return name;
    }

    private void installCrds() {
        installedCrds.addAll(E2eObjects.installMissingCrds(client, CLUSTER));
    }

    private static KubernetesClientException denied(Runnable request) {
        try {
            request.run();
        } catch (KubernetesClientException ex) {
            return ex;
        }
        throw new AssertionError("expected the request to be denied, but it was admitted");
    }
}

package io.daprguard.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** The objects the real-cluster suite sends to the cluster, as fabric8's typed model. */
final class E2eObjects {

    /** Small and pullable from the Kubernetes registry; pods only need to be created, never to run. */
    static final String IMAGE = "registry.k8s.io/pause:3.10";

    /** What /mutate adds to a Dapr pod with no sidecar settings (the README's patch, in enforce mode). */
    static final Map<String, String> SIDECAR_DEFAULTS = defaults();

    static final Path ORDERS_DEPLOYMENT = Path.of("examples", "orders-deployment.yaml");
    static final Path DAPR_CRDS = Path.of("src", "test", "resources", "e2e", "dapr-crds.yaml");

    /** dapr.io/v1alpha1 Component, for fabric8's generic client. */
    static final ResourceDefinitionContext COMPONENTS = new ResourceDefinitionContext.Builder()
            .withGroup("dapr.io").withVersion("v1alpha1").withKind("Component").withPlural("components")
            .withNamespaced(true).build();

    /** wgpolicyk8s.io/v1alpha2 PolicyReport, the audit's reports. */
    static final ResourceDefinitionContext POLICY_REPORTS = new ResourceDefinitionContext.Builder()
            .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind("PolicyReport").withPlural("policyreports")
            .withNamespaced(true).build();

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private E2eObjects() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("dapr.io/sidecar-cpu-request", "100m");
        defaults.put("dapr.io/sidecar-cpu-limit", "300m");
        defaults.put("dapr.io/sidecar-memory-request", "250Mi");
        defaults.put("dapr.io/sidecar-memory-limit", "1000Mi");
        defaults.put("dapr.io/env", "GOMEMLIMIT=900MiB");
        defaults.put("dapr.io/sidecar-seccomp-profile-type", "RuntimeDefault");
        return Map.copyOf(defaults);
    }

    /** The annotations of a Dapr app with no sidecar settings at all. */
    static Map<String, String> daprAnnotations(String appId) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("dapr.io/enabled", "true");
        annotations.put("dapr.io/app-id", appId);
        return annotations;
    }

    /**
     * One replica of a Dapr app with no sidecar settings (labels app={name}); its pods get the defaults. The suite
     * runs no Dapr injector, so the template carries what the injector would add: a {@link #standInDaprd()}.
     */
    static Deployment daprDeployment(String name) {
        return daprDeployment(name, daprPodSpec());
    }

    /**
     * The same Deployment without the stand-in daprd: on a cluster without Dapr's injector its pods are refused by
     * {@code sidecar-injected}.
     */
    static Deployment daprDeploymentWithoutDaprd(String name) {
        return daprDeployment(name, podSpec());
    }

    private static Deployment daprDeployment(String name, PodSpec spec) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
                .withNewSpec()
                    .withReplicas(1)
                    .withNewSelector().addToMatchLabels("app", name).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().addToLabels("app", name).withAnnotations(daprAnnotations(name)).endMetadata()
                        .withSpec(spec)
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** A bare Dapr pod with no sidecar settings, and the {@link #standInDaprd()}. */
    static Pod daprPod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", name).withAnnotations(daprAnnotations(name))
                .endMetadata()
                .withSpec(daprPodSpec())
                .build();
    }

    /**
     * Stands in for the Dapr injector, which this suite does not run: a container named {@code daprd} (the pause
     * image) as the injector and dapr-guard's mutation leave it: the guideline's resources, GOMEMLIMIT, the
     * RuntimeDefault seccomp profile and ALL capabilities dropped. With it, {@code sidecar-injected} admits the pod
     * and {@code injected-sidecar} finds nothing to add.
     */
    static Container standInDaprd() {
        return new ContainerBuilder().withName("daprd").withImage(IMAGE)
                .withNewResources()
                    .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("250Mi"))
                    .addToLimits("cpu", new Quantity("300m")).addToLimits("memory", new Quantity("1000Mi"))
                .endResources()
                .addNewEnv().withName("GOMEMLIMIT").withValue("900MiB").endEnv()
                .withNewSecurityContext()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .withNewCapabilities().addToDrop("ALL").endCapabilities()
                .endSecurityContext()
                .build();
    }

    private static PodSpec daprPodSpec() {
        return new PodSpecBuilder(podSpec()).addToContainers(standInDaprd()).build();
    }

    /** A pod without any Dapr annotation: the chart's matchConditions keep it from dapr-guard. */
    static Pod plainPod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
                .withSpec(podSpec())
                .build();
    }

    private static PodSpec podSpec() {
        return new PodSpecBuilder()
                .withAutomountServiceAccountToken(false)
                .addNewContainer().withName("app").withImage(IMAGE).endContainer()
                .build();
    }

    /**
     * examples/orders-deployment.yaml, the README's walkthrough: {@code 1000MB} and {@code GOMEMLIMIT=900Mi}, denied
     * by [sidecar-resources] and [sidecar-gomemlimit] in enforce mode.
     */
    static Deployment ordersDeployment() {
        try {
            return SERIALIZATION.unmarshal(Files.readString(ORDERS_DEPLOYMENT), Deployment.class);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A Redis state store with a plaintext {@code redisPassword}: denied by [component-secrets]. */
    static GenericKubernetesResource plaintextSecretComponent(String name) {
        GenericKubernetesResource component = new GenericKubernetesResourceBuilder()
                .withApiVersion("dapr.io/v1alpha1")
                .withKind("Component")
                .withNewMetadata().withName(name).endMetadata()
                .build();
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "state.redis");
        spec.put("version", "v1");
        spec.put("metadata", List.of(
                Map.of("name", "redisHost", "value", "redis-master:6379"),
                Map.of("name", "redisPassword", "value", "hunter2")));
        component.setAdditionalProperty("spec", spec);
        component.setAdditionalProperty("scopes", List.of(name));
        return component;
    }

    /** The Component, Configuration and PolicyReport CRDs (src/test/resources/e2e/dapr-crds.yaml). */
    static List<CustomResourceDefinition> crds() {
        List<CustomResourceDefinition> crds = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class)
                .readValues(Files.readString(DAPR_CRDS))) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document != null && document.isObject() && !document.isEmpty()) {
                    crds.add(SERIALIZATION.unmarshal(document.toString(), CustomResourceDefinition.class));
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return crds;
    }

    /**
     * Creates each of {@link #crds()} the cluster lacks and waits until it is established.
     *
     * @return the names of the CRDs created (to delete afterwards)
     */
    static List<String> installMissingCrds(io.fabric8.kubernetes.client.KubernetesClient client,
            java.time.Duration timeout) {
        List<String> installed = new ArrayList<>();
        for (CustomResourceDefinition crd : crds()) {
            String name = crd.getMetadata().getName();
            if (client.apiextensions().v1().customResourceDefinitions().withName(name).get() != null) {
                continue;
            }
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            installed.add(name);
            client.apiextensions().v1().customResourceDefinitions().withName(name)
                    .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions()
                            .stream().anyMatch(k -> "Established".equals(k.getType()) && "True".equals(k.getStatus())),
                            timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
        return installed;
    }
}

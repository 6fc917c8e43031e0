package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.daprguard.cluster.ClusterAuditService;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The real-cluster suite: dapr-guard against a real kube-apiserver, the webhook configurations exactly as the chart
 * renders them (only pointed at this JVM by URL), and the server running here on a random HTTPS port, with its
 * cluster audit on. {@link K3sEndToEndIT} runs it on k3s in a container; {@link KubeconfigEndToEndIT} on an existing
 * cluster named by a kubeconfig. Everything the suite creates is deleted afterwards: namespaces (prefixed with a run
 * id), the two webhook configurations, the Lease, and the CRDs it had to install.
 *
 * <p>The Spring context starts first (PER_CLASS: the test instance, and so the context, exists before
 * {@code @BeforeAll}), then the subclass makes the cluster reachable and says where the cluster reaches the server.
 * The server generated its CA and certificate at start-up with that host name among its SANs
 * ({@code dapr-guard.tls.dns-names}); the webhooks' caBundle is that {@code ca.crt}. The server's audit reads the
 * kubeconfig file {@link #kubeconfigFile()} (written by the subclass once the cluster runs; until then it retries) and
 * audits only the namespaces of this run (label {@value #RUN_LABEL}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
abstract class RealClusterSuite {

    /** Cluster-side changes (pods of a new ReplicaSet, a webhook configuration taking effect, a namespace label). */
    static final Duration CLUSTER = Duration.ofMinutes(2);
    static final Duration POLL = Duration.ofMillis(500);

    /** Labels every namespace of a run; the server's audit looks at no other namespace. */
    static final String RUN_LABEL = "e2e.dapr-guard.io/run";

    /** This JVM's run: namespace names start with it, so runs against a shared cluster never collide. */
    static final String RUN = "e2e-" + Long.toString(System.nanoTime() % 1_000_000L, 36);

    private static Path certs;
    private static Path kubeconfig;

    /**
     * The server's settings: certificates for {@code webhookHost}, and the audit on, reading {@link #kubeconfigFile()}
     * every minute from the start, in this run's namespaces only.
     */
    static void serverProperties(DynamicPropertyRegistry registry, String webhookHost) {
        registry.add("dapr-guard.tls.dir", () -> certs().toString());
        registry.add("dapr-guard.tls.dns-names", () -> webhookHost);
        registry.add("dapr-guard.metrics.namespace-label", () -> "true");
        registry.add("dapr-guard.audit.enabled", () -> "true");
        registry.add("dapr-guard.audit.interval", () -> "1m");
        registry.add("dapr-guard.audit.initial-delay", () -> "0s");
        registry.add("dapr-guard.audit.kubeconfig", () -> kubeconfigFile().toString());
        registry.add("dapr-guard.audit.lease-namespace", () -> WebhookConfigurations.RELEASE_NAMESPACE);
        registry.add("dapr-guard.audit.namespace-selector", () -> RUN_LABEL + "=" + RUN);
        registry.add("dapr-guard.audit.exclude-namespaces", () -> "kube-system," + WebhookConfigurations.RELEASE_NAMESPACE);
    }

    /**
     * Made when the context is built, so a skipped class leaves nothing behind. Not a {@code @TempDir}: in PER_CLASS
     * the context is built before JUnit fills static {@code @TempDir} fields. Deleted when the JVM exits, after the
     * context (and its certificate reload poller) is long closed.
     */
    static synchronized Path certs() {
        if (certs == null) {
            certs = tempDirectory("dapr-guard-e2e-certs");
        }
        return certs;
    }

    /** Where the server's audit finds the cluster: a kubeconfig file the subclass fills. */
    static synchronized Path kubeconfigFile() {
        if (kubeconfig == null) {
            kubeconfig = tempDirectory("dapr-guard-e2e-kubeconfig").resolve("config");
        }
        return kubeconfig;
    }

    private static Path tempDirectory(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
            return dir;
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
        catch (IOException ex) {
            // a temp dir left behind
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    private final ApiWarnings warnings = new ApiWarnings();
    private final List<String> createdNamespaces = new ArrayList<>();
    private final List<String> installedCrds = new ArrayList<>();
    /** Pods created in namespaces that existed before the run (the release namespace). */
    private final List<Pod> createdPods = new ArrayList<>();
    private KubernetesClient client;
    private String mutatingName;
    private String validatingName;

    /**
     * Makes the cluster reachable and writes its kubeconfig to {@link #kubeconfigFile()}.
     *
     * @return the kubeconfig's YAML
     */
    abstract String startCluster(int port) throws IOException;

    /** Where the cluster sends reviews: the admission port of this JVM. */
    abstract String webhookBaseUrl(int port);

    /** The Kubernetes version the chart is rendered for. */
    abstract String kubeVersion();

    /** The apiserver's log lines about dapr-guard, when the subclass can read them. */
    String apiServerLog() {
        return "(not available)";
    }

    /** Stops what {@link #startCluster} started. */
    void stopCluster() {
    }

    @BeforeAll
    void startClusterAndRegisterTheChartsWebhooks() throws IOException {
        String kubeconfigYaml = startCluster(port);
        client = warnings.client(Config.fromKubeconfig(kubeconfigYaml));

        if (client.namespaces().withName(WebhookConfigurations.RELEASE_NAMESPACE).get() == null) {
            createNamespace(WebhookConfigurations.RELEASE_NAMESPACE, Map.of());
        }
        installCrds();

        byte[] ca = Files.readAllBytes(certs().resolve("ca.crt"));
        String baseUrl = webhookBaseUrl(port);
        List<ObjectNode> rendered = WebhookConfigurations.render(kubeVersion());
        MutatingWebhookConfiguration mutating = client.getKubernetesSerialization().unmarshal(
                WebhookConfigurations.pointedAt(rendered.get(0), baseUrl, ca).toString(),
                MutatingWebhookConfiguration.class);
        ValidatingWebhookConfiguration validating = client.getKubernetesSerialization().unmarshal(
                WebhookConfigurations.pointedAt(rendered.get(1), baseUrl, ca).toString(),
                ValidatingWebhookConfiguration.class);
        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(mutating).create();
        mutatingName = mutating.getMetadata().getName();
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(validating).create();
        validatingName = validating.getMetadata().getName();

        awaitWebhooksServing();
    }

    /** Deletes everything the suite created, the webhook configurations first, so nothing is left to block. */
    @AfterAll
    void cleanUpAndStopCluster() {
        try {
            if (client != null) {
                if (validatingName != null) {
                    client.admissionRegistration().v1().validatingWebhookConfigurations().withName(validatingName)
                            .delete();
                }
                if (mutatingName != null) {
                    client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(mutatingName)
                            .delete();
                }
                client.leases().inNamespace(WebhookConfigurations.RELEASE_NAMESPACE)
                        .withName(ClusterAuditService.LEASE).delete();
                for (Pod pod : createdPods) {
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                            .withGracePeriod(0).delete();
                }
                for (String namespace : createdNamespaces) {
                    client.namespaces().withName(namespace).delete();
                }
                for (String crd : installedCrds) {
                    client.apiextensions().v1().customResourceDefinitions().withName(crd).delete();
                }
                client.close();
            }
        }
        finally {
            stopCluster();
        }
    }

    /** 1. The ReplicaSet controller's pods are mutated: the defaults are on every pod, not on the template. */
    @Test
    void podsOfADaprDeploymentGetTheSidecarDefaults() {
        String namespace = createNamespace("defaults", Map.of());
        Deployment created = client.apps().deployments().inNamespace(namespace)
                .resource(E2eObjects.daprDeployment("hello")).create();
        assertThat(created.getSpec().getTemplate().getMetadata().getAnnotations())
                .as("the template itself is left alone (policy.mutateTemplates is off by default)")
                .isEqualTo(E2eObjects.daprAnnotations("hello"));

        await().atMost(CLUSTER).pollInterval(POLL).untilAsserted(() -> {
            List<Pod> pods = client.pods().inNamespace(namespace).withLabel("app", "hello").list().getItems();
            assertThat(pods).as("pods created by the ReplicaSet controller").isNotEmpty();
            for (Pod pod : pods) {
                assertThat(pod.getMetadata().getAnnotations()).as("annotations of pod %s", pod.getMetadata().getName())
                        .containsAllEntriesOf(E2eObjects.SIDECAR_DEFAULTS)
                        .containsAllEntriesOf(E2eObjects.daprAnnotations("hello"));
            }
        });
    }

    /** 2. Enforce: what must be denied is denied, and the apiserver's error names the rules. */
    @Test
    void deniedManifestsNameTheirRules() {
        String namespace = createNamespace("enforce", Map.of());

        KubernetesClientException deployment = denied(() -> client.apps().deployments().inNamespace(namespace)
                .resource(E2eObjects.ordersDeployment()).create());
        assertThat(deployment.getCode()).isEqualTo(403);
        assertThat(message(deployment))
                .contains("admission webhook \"validate.dapr-guard.io\" denied the request")
                .contains("[sidecar-resources] dapr.io/sidecar-memory-limit \"1000MB\" is not a Kubernetes quantity")
                .contains("[sidecar-gomemlimit] GOMEMLIMIT=\"900Mi\" in dapr.io/env is not valid Go syntax");
        assertThat(client.apps().deployments().inNamespace(namespace).withName("orders").get()).isNull();

        KubernetesClientException component = denied(() -> client.genericKubernetesResources(E2eObjects.COMPONENTS)
                .inNamespace(namespace).resource(E2eObjects.plaintextSecretComponent("statestore")).create());
        assertThat(component.getCode()).isEqualTo(403);
        assertThat(message(component))
                .contains("admission webhook \"validate.dapr-guard.io\" denied the request")
                .contains("[component-secrets]")
                .contains("\"redisPassword\" has a plaintext value");
        assertThat(client.genericKubernetesResources(E2eObjects.COMPONENTS).inNamespace(namespace)
                .withName("statestore").get()).isNull();
    }

    /** 3. Audit: the same manifest is admitted unchanged, and the client gets the findings as warnings. */
    @Test
    void auditNamespaceWarnsAndNeitherDeniesNorChanges() {
        String namespace = createNamespace("audit", Map.of());
        client.namespaces().withName(namespace).edit(ns -> new NamespaceBuilder(ns)
                .editMetadata().addToLabels("daprguard.io/mode", "audit").endMetadata().build());
        Deployment orders = E2eObjects.ordersDeployment();
        Map<String, String> annotations = Map.copyOf(orders.getSpec().getTemplate().getMetadata().getAnnotations());

        // The apiserver matches namespaceSelectors against its namespace cache: wait until it has seen the label.
        await().atMost(CLUSTER).pollInterval(POLL).untilAsserted(() -> {
            try {
                client.apps().deployments().inNamespace(namespace).resource(orders).dryRun().create();
            }
            catch (KubernetesClientException ex) {
                throw new AssertionError("still denied: " + message(ex), ex);
            }
        });

        warnings.clear();
        Deployment created = client.apps().deployments().inNamespace(namespace).resource(orders).create();
        assertThat(created.getSpec().getTemplate().getMetadata().getAnnotations()).isEqualTo(annotations);

        String path = "/apis/apps/v1/namespaces/" + namespace + "/deployments";
        // The interceptor sees the headers as they arrive, possibly just after create() returned.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(warnings.warnings("POST", path))
                        .anySatisfy(w -> assertThat(w).startsWith(
                                "[sidecar-resources] would deny: dapr.io/sidecar-memory-limit \"1000MB\""))
                        .anySatisfy(w -> assertThat(w).startsWith(
                                "[sidecar-gomemlimit] would deny: GOMEMLIMIT=\"900Mi\"")));

        Deployment stored = client.apps().deployments().inNamespace(namespace).withName("orders").get();
        assertThat(stored).as("not denied").isNotNull();
        assertThat(stored.getSpec().getTemplate().getMetadata().getAnnotations()).as("not changed")
                .isEqualTo(annotations);
        await().atMost(CLUSTER).pollInterval(POLL).untilAsserted(() -> {
            List<Pod> pods = client.pods().inNamespace(namespace).withLabel("app", "orders").list().getItems();
            assertThat(pods).as("pods of the audited Deployment").isNotEmpty();
            for (Pod pod : pods) {
                assertThat(pod.getMetadata().getAnnotations()).as("annotations of pod %s", pod.getMetadata().getName())
                        .containsAllEntriesOf(annotations)
                        .doesNotContainKeys("dapr.io/sidecar-cpu-request", "dapr.io/sidecar-seccomp-profile-type");
            }
        });
    }

    /** 4. A server-side dry run gets the decision a real request gets, and creates nothing. */
    @Test
    void serverSideDryRunGetsTheSameDecisionAndCreatesNothing() {
        String namespace = createNamespace("dry-run", Map.of());
        double dryRunDenials = AdmissionCounter.total(registry,
                "namespace", namespace, "dry_run", "true", "result", "denied");

        KubernetesClientException dryRun = denied(() -> client.apps().deployments().inNamespace(namespace)
                .resource(E2eObjects.ordersDeployment()).dryRun().create());
        assertThat(dryRun.getCode()).isEqualTo(403);
        assertThat(message(dryRun)).contains("[sidecar-resources]").contains("[sidecar-gomemlimit]");
        assertThat(client.apps().deployments().inNamespace(namespace).list().getItems()).as("created").isEmpty();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(AdmissionCounter.total(registry,
                "namespace", namespace, "dry_run", "true", "result", "denied"))
                .as("reviews the server answered as dry runs and denied").isEqualTo(dryRunDenials + 1));

        KubernetesClientException real = denied(() -> client.apps().deployments().inNamespace(namespace)
                .resource(E2eObjects.ordersDeployment()).create());
        assertThat(dryRun.getCode()).isEqualTo(real.getCode());
        assertThat(message(dryRun)).as("the same decision").isEqualTo(message(real));

        KubernetesClientException component = denied(() -> client.genericKubernetesResources(E2eObjects.COMPONENTS)
                .inNamespace(namespace).resource(E2eObjects.plaintextSecretComponent("statestore")).dryRun()
                .create());
        assertThat(message(component)).contains("[component-secrets]");

        Pod mutated = client.pods().inNamespace(namespace).resource(E2eObjects.daprPod("dry")).dryRun().create();
        assertThat(mutated.getMetadata().getAnnotations()).as("a dry run is mutated like a real request")
                .containsAllEntriesOf(E2eObjects.SIDECAR_DEFAULTS);
        assertThat(client.pods().inNamespace(namespace).list().getItems()).as("created").isEmpty();
        assertThat(client.genericKubernetesResources(E2eObjects.COMPONENTS).inNamespace(namespace).list().getItems())
                .as("created").isEmpty();
    }

    /**
     * 6. The audit: pods that run without dapr-guard's defaults (created while their namespace was off) are reported
     * through their Deployment within an interval, in the namespace's PolicyReport and in the metrics; after the
     * workload is restarted (its new pods get the defaults) the next run clears them.
     */
    @Test
    void podsCreatedBeforeDaprGuardAreAuditedAndARestartClearsThem() {
        String namespace = createNamespace("before", Map.of("daprguard.io/mode", "off"));
        client.apps().deployments().inNamespace(namespace).resource(E2eObjects.daprDeployment("hello")).create();
        await().atMost(CLUSTER).pollInterval(POLL).untilAsserted(() -> {
            List<Pod> pods = client.pods().inNamespace(namespace).withLabel("app", "hello").list().getItems();
            assertThat(pods).as("pods created while dapr-guard left the namespace alone").isNotEmpty();
            pods.forEach(pod -> assertThat(pod.getMetadata().getAnnotations())
                    .doesNotContainKeys(E2eObjects.SIDECAR_DEFAULTS.keySet().toArray(String[]::new)));
        });

        client.namespaces().withName(namespace).edit(ns -> new NamespaceBuilder(ns)
                .editMetadata().removeFromLabels("daprguard.io/mode").endMetadata().build());
        Duration run = CLUSTER.plus(Duration.ofMinutes(2));
        await().atMost(run).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(reportResults(namespace, "sidecar-resources"))
                        .as("the PolicyReport dapr-guard in %s", namespace).isNotEmpty()
                        .allSatisfy(result -> {
                            assertThat(result.path("result").asString()).isEqualTo("fail");
                            assertThat(result.path("resources").path(0).path("kind").asString())
                                    .isEqualTo("Deployment");
                            assertThat(result.path("message").asString()).contains("running pod")
                                    .contains("kubectl rollout restart deployment/hello -n " + namespace);
                        }));
        assertThat(registry.get("daprguard.audit.findings").tag("rule", "sidecar-resources").tag("level", "deny")
                .gauge().value()).isPositive();

        client.apps().deployments().inNamespace(namespace).withName("hello").rolling().restart();
        await().atMost(CLUSTER).pollInterval(POLL).untilAsserted(() -> {
            List<Pod> pods = client.pods().inNamespace(namespace).withLabel("app", "hello").list().getItems();
            assertThat(pods).isNotEmpty().allSatisfy(pod -> assertThat(pod.getMetadata().getAnnotations())
                    .containsAllEntriesOf(E2eObjects.SIDECAR_DEFAULTS));
        });
        await().atMost(run).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(reportResults(namespace, "sidecar-resources")).as("cleared by the next run").isEmpty());
    }

    /**
     * 7. No Dapr injector runs in this cluster: a Deployment whose pods lack daprd gets no pod, each creation refused by
     * {@code sidecar-injected} (the ReplicaSet says why, and retries); once its template carries daprd (the stand-in
     * for the injector), its pods are created.
     */
    @Test
    void podsWithoutDaprdAreRefusedUntilDaprdIsThere() {
        String namespace = createNamespace("no-injector", Map.of());
        client.apps().deployments().inNamespace(namespace)
                .resource(E2eObjects.daprDeploymentWithoutDaprd("lonely")).create();

        await().atMost(CLUSTER).pollInterval(POLL).untilAsserted(() -> {
            List<ReplicaSet> sets = client.apps().replicaSets().inNamespace(namespace).withLabel("app", "lonely")
                    .list().getItems();
            assertThat(sets).as("the Deployment's ReplicaSet").singleElement()
                    .satisfies(set -> assertThat(set.getStatus().getConditions()).as("its conditions")
                            .anySatisfy(condition -> {
                                assertThat(condition.getType()).isEqualTo("ReplicaFailure");
                                assertThat(condition.getMessage())
                                        .contains("admission webhook \"validate.dapr-guard.io\" denied the request")
                                        .contains("[sidecar-injected] the Dapr injector did not add daprd: the pod "
                                                + "would run without Dapr.")
                                        .contains("Controllers retry.");
                            }));
        });
        assertThat(client.pods().inNamespace(namespace).withLabel("app", "lonely").list().getItems())
                .as("pods created without daprd").isEmpty();

        client.apps().deployments().inNamespace(namespace).withName("lonely").edit(deployment -> {
            deployment.getSpec().getTemplate().getSpec().getContainers().add(E2eObjects.standInDaprd());
            return deployment;
        });
        await().atMost(CLUSTER).pollInterval(POLL).untilAsserted(() ->
                assertThat(client.pods().inNamespace(namespace).withLabel("app", "lonely").list().getItems())
                        .as("pods once the template has daprd").isNotEmpty()
                        .allSatisfy(pod -> assertThat(pod.getSpec().getContainers())
                                .extracting(container -> container.getName()).contains("daprd")));
    }

    /** The results of one rule in the namespace's PolicyReport (none when there is no report). */
    private List<JsonNode> reportResults(String namespace, String rule) {
        GenericKubernetesResource report = client.genericKubernetesResources(E2eObjects.POLICY_REPORTS)
                .inNamespace(namespace).withName("dapr-guard").get();
        if (report == null) {
            return List.of();
        }
        JsonNode json = JsonMapper.builder().build().readTree(client.getKubernetesSerialization().asJson(report));
        List<JsonNode> results = new ArrayList<>();
        json.path("results").forEach(result -> {
            if (rule.equals(result.path("rule").asString())) {
                results.add(result);
            }
        });
        return results;
    }

    /** 5a. dapr-guard's own namespace is never sent to dapr-guard, so it can never block its own recovery. */
    @Test
    void releaseNamespaceIsNotReviewed() {
        // named after the run, so that a pod a failed earlier run left there cannot collide with it
        assertNotReviewed(WebhookConfigurations.RELEASE_NAMESPACE, E2eObjects.daprPod(RUN + "-in-release-namespace"));
    }

    /** 5b. A namespace labelled daprguard.io/mode=off is never sent to dapr-guard. */
    @Test
    void modeOffNamespaceIsNotReviewed() {
        String namespace = createNamespace("legacy", Map.of("daprguard.io/mode", "off"));
        assertNotReviewed(namespace, E2eObjects.daprPod("legacy"));
    }

    /** 5c. The chart's matchConditions keep pods without Dapr away from dapr-guard, even where it enforces. */
    @Test
    void podWithoutDaprIsNotReviewed() {
        String namespace = createNamespace("plain", Map.of());
        assertNotReviewed(namespace, E2eObjects.plainPod("plain"));
    }

    private void assertNotReviewed(String namespace, Pod pod) {
        awaitNoReviewsInFlight();
        double before = AdmissionCounter.total(registry);
        double beforeHere = AdmissionCounter.total(registry, "namespace", namespace);

        // Admission is synchronous: once create() returns, every webhook call for this pod has been made (the server
        // counts a review as it answers it; two quiet seconds leave room for that).
        Pod created = client.pods().inNamespace(namespace).resource(pod).create();
        if (!createdNamespaces.contains(namespace)) {
            createdPods.add(created); // in a namespace the suite did not create: deleted one by one at the end
        }

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(AdmissionCounter.total(registry)).as("daprguard_admission_requests_total, all series")
                    .isEqualTo(before);
            assertThat(AdmissionCounter.total(registry, "namespace", namespace))
                    .as("daprguard_admission_requests_total{namespace=\"%s\"}", namespace).isEqualTo(beforeHere);
        });
        Map<String, String> sent = pod.getMetadata().getAnnotations() == null ? Map.of()
                : pod.getMetadata().getAnnotations();
        Pod stored = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).get();
        for (Pod admitted : List.of(created, stored)) {
            Map<String, String> annotations = admitted.getMetadata().getAnnotations() == null ? Map.of()
                    : admitted.getMetadata().getAnnotations();
            assertThat(annotations).as("created without the sidecar defaults").isEqualTo(sent);
        }
    }

    /**
     * Waits until no review has been answered for a few seconds, so that a comparison of the request counter is not
     * disturbed by the controllers' follow-ups to earlier tests (a new Deployment's revision annotation, its
     * ReplicaSet's pods).
     */
    private void awaitNoReviewsInFlight() {
        AtomicReference<Double> last = new AtomicReference<>(Double.NaN);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(3)).until(() -> {
            double now = AdmissionCounter.total(registry);
            return now == last.getAndSet(now);
        });
    }

    /**
     * Creates a namespace of this run ({@link #RUN} + "-" + name, labelled {@value #RUN_LABEL}; the release namespace
     * keeps its name) and waits for its default ServiceAccount, without which no pod is admitted.
     */
    private String createNamespace(String base, Map<String, String> labels) {
        String name = WebhookConfigurations.RELEASE_NAMESPACE.equals(base) ? base : RUN + "-" + base;
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(RUN_LABEL, RUN);
        client.namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withName(name).withLabels(all).endMetadata().build()).create();
        createdNamespaces.add(name);
        await().atMost(CLUSTER).pollInterval(POLL).until(() ->
                client.serviceAccounts().inNamespace(name).withName("default").get() != null);
        return name;
    }

    /** Dapr's CRDs and the PolicyReport CRD, each only where the cluster lacks it (and then deleted afterwards). */
    private void installCrds() {
        installedCrds.addAll(E2eObjects.installMissingCrds(client, CLUSTER));
        await().atMost(CLUSTER).pollInterval(POLL).ignoreExceptionsInstanceOf(KubernetesClientException.class)
                .until(() -> client.genericKubernetesResources(E2eObjects.COMPONENTS).inNamespace("default").list()
                        != null);
    }

    /**
     * A webhook configuration takes effect once the apiserver's informer has it: wait until a dry run shows both
     * webhooks answering, and say why not (with the apiserver's log about dapr-guard) when they never do.
     */
    private void awaitWebhooksServing() {
        String namespace = createNamespace("e2e-probe", Map.of());
        try {
            await().atMost(CLUSTER).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Pod probe;
                try {
                    probe = client.pods().inNamespace(namespace).resource(E2eObjects.daprPod("probe")).dryRun()
                            .create();
                }
                catch (KubernetesClientException ex) {
                    throw new AssertionError("dry run of a Dapr pod failed: " + message(ex), ex);
                }
                assertThat(probe.getMetadata().getAnnotations()).as("the mutating webhook's defaults")
                        .containsAllEntriesOf(E2eObjects.SIDECAR_DEFAULTS);
                KubernetesClientException denied = denied(() -> client.apps().deployments().inNamespace(namespace)
                        .resource(E2eObjects.ordersDeployment()).dryRun().create());
                assertThat(message(denied)).contains("validate.dapr-guard.io").contains("[sidecar-resources]");
            });
        }
        catch (ConditionTimeoutException ex) {
            throw new AssertionError("the webhooks at " + webhookBaseUrl(port) + " never answered the cluster: "
                    + ex.getMessage() + "\napiserver log lines about dapr-guard:\n" + apiServerLog(), ex);
        }
    }

    private static KubernetesClientException denied(Runnable request) {
        try {
            request.run();
        }
        catch (KubernetesClientException ex) {
            return ex;
        }
        throw new AssertionError("expected the request to be denied, but it was admitted");
    }

    private static String message(KubernetesClientException ex) {
        return ApiWarnings.statusMessage(ex);
    }
}

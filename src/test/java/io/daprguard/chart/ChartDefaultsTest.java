package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.NAMESPACE;
import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The chart with its default values, on Kubernetes 1.30: the Deployment and everything around it. */
class ChartDefaultsTest {

    private static Manifests manifests;

    @BeforeAll
    static void render() {
        manifests = chart().render();
    }

    @Test
    void rendersExactlyTheDefaultObjects() {
        assertThat(manifests.kinds()).containsExactlyInAnyOrder(
                "Deployment", "Service", "ServiceAccount", "ConfigMap", "Secret", "PodDisruptionBudget",
                "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ClusterRole", "ClusterRoleBinding",
                "Role", "RoleBinding");
        assertThat(manifests.ofKind("ConfigMap")).hasSize(1);
    }

    /** The audit reads exactly the kinds it judges, never Secrets, writes only its reports, and holds a Lease. */
    @Test
    void auditRbacReadsTheAuditedKindsAndNeverSecrets() {
        JsonNode role = manifests.get("ClusterRole", "dapr-guard-audit");
        List<String> rules = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            rules.add(rule.path("apiGroups") + " " + rule.path("resources") + " " + rule.path("verbs"));
        }
        assertThat(rules).containsExactly(
                "[\"\"] [\"namespaces\",\"pods\"] [\"get\",\"list\"]",
                "[\"\"] [\"nodes\"] [\"get\",\"list\"]",
                "[\"apps\"] [\"deployments\",\"statefulsets\",\"daemonsets\",\"replicasets\"] [\"get\",\"list\"]",
                "[\"batch\"] [\"jobs\",\"cronjobs\"] [\"get\",\"list\"]",
                "[\"dapr.io\"] [\"components\",\"configurations\"] [\"get\",\"list\"]",
                "[\"wgpolicyk8s.io\"] [\"policyreports\"] [\"get\",\"list\",\"create\",\"update\",\"delete\"]",
                "[\"openreports.io\"] [\"reports\"] [\"get\",\"list\",\"create\",\"update\",\"delete\"]");
        assertThat(role.toString()).doesNotContain("secrets", "\"*\"");
        JsonNode binding = manifests.get("ClusterRoleBinding", "dapr-guard-audit");
        assertThat(binding.path("roleRef").path("name").asString()).isEqualTo("dapr-guard-audit");
        assertThat(binding.path("subjects").path(0).path("name").asString()).isEqualTo("dapr-guard");
        assertThat(binding.path("subjects").path(0).path("namespace").asString()).isEqualTo(NAMESPACE);

        JsonNode lease = manifests.get("Role", "dapr-guard-audit-lease");
        assertThat(lease.path("metadata").path("namespace").asString()).isEqualTo(NAMESPACE);
        assertThat(lease.path("rules").toString()).isEqualTo("[{\"apiGroups\":[\"coordination.k8s.io\"],"
                + "\"resources\":[\"leases\"],\"verbs\":[\"get\",\"create\",\"update\"]}]");
        assertThat(manifests.get("RoleBinding", "dapr-guard-audit-lease").path("subjects").path(0).path("name")
                .asString()).isEqualTo("dapr-guard");
    }

    @Test
    void everyObjectCarriesTheStandardLabels() {
        for (JsonNode document : manifests.all()) {
            JsonNode labels = document.path("metadata").path("labels");
            assertThat(labels.path("app.kubernetes.io/name").asString()).as(Manifests.kind(document))
                    .isEqualTo("dapr-guard");
            assertThat(labels.path("app.kubernetes.io/instance").asString()).isEqualTo("dapr-guard");
            assertThat(labels.path("app.kubernetes.io/version").asString()).isEqualTo("0.1.0");
            assertThat(labels.path("app.kubernetes.io/managed-by").asString()).isEqualTo("Helm");
            assertThat(labels.path("helm.sh/chart").asString()).isEqualTo("dapr-guard-0.1.0");
        }
    }

    @Test
    void namespacedObjectsAreInTheReleaseNamespace() {
        for (JsonNode document : manifests.all()) {
            String kind = Manifests.kind(document);
            if (kind.endsWith("WebhookConfiguration") || kind.startsWith("ClusterRole")) {
                assertThat(document.path("metadata").has("namespace")).as(kind + " is cluster-scoped").isFalse();
            }
            else {
                assertThat(document.path("metadata").path("namespace").asString()).as(kind).isEqualTo(NAMESPACE);
            }
        }
    }

    @Test
    void threeReplicasRolledOneAtATimeWithoutLosingOne() {
        JsonNode spec = manifests.only("Deployment").path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(3);
        assertThat(spec.path("strategy").path("type").asString()).isEqualTo("RollingUpdate");
        assertThat(spec.path("strategy").path("rollingUpdate").path("maxUnavailable").asInt()).isZero();
        assertThat(spec.path("strategy").path("rollingUpdate").path("maxSurge").asInt()).isEqualTo(1);
    }

    @Test
    void podDisruptionBudgetKeepsTwoOfThree() {
        JsonNode pdb = manifests.only("PodDisruptionBudget");
        assertThat(pdb.path("spec").path("minAvailable").asInt()).isEqualTo(2);
        assertThat(pdb.path("spec").has("maxUnavailable")).isFalse();
        assertThat(LabelSelectors.matches(pdb.path("spec").path("selector"), podLabels())).isTrue();
        assertThat(pdb.path("spec").path("unhealthyPodEvictionPolicy").asString()).isEqualTo("AlwaysAllow");
        assertThat(chart().kubeVersion("1.26.0").render().only("PodDisruptionBudget").path("spec")
                .has("unhealthyPodEvictionPolicy")).as("field added in 1.27").isFalse();
    }

    @Test
    void replicasAreSpreadOverNodes() {
        JsonNode constraints = manifests.podSpec().path("topologySpreadConstraints");
        assertThat(constraints).hasSize(1);
        JsonNode constraint = constraints.get(0);
        assertThat(constraint.path("topologyKey").asString()).isEqualTo("kubernetes.io/hostname");
        assertThat(constraint.path("maxSkew").asInt()).isEqualTo(1);
        assertThat(constraint.path("whenUnsatisfiable").asString()).isEqualTo("ScheduleAnyway");
        assertThat(LabelSelectors.matches(constraint.path("labelSelector"), podLabels())).isTrue();
        assertThat(manifests.podSpec().has("affinity")).isFalse();
        assertThat(manifests.podSpec().has("nodeSelector")).isFalse();
        assertThat(manifests.podSpec().has("tolerations")).isFalse();
        assertThat(manifests.podSpec().has("priorityClassName")).isFalse();
    }

    @Test
    void selectorsMatchThePodLabels() {
        Map<String, String> podLabels = podLabels();
        JsonNode deployment = manifests.only("Deployment");
        assertThat(LabelSelectors.matches(deployment.path("spec").path("selector"), podLabels)).isTrue();
        JsonNode serviceSelector = manifests.only("Service").path("spec").path("selector");
        assertThat(podLabels).containsAllEntriesOf(LabelSelectors.labels(serviceSelector));
        assertThat(LabelSelectors.labels(serviceSelector)).containsOnlyKeys(
                "app.kubernetes.io/name", "app.kubernetes.io/instance");
    }

    @Test
    void serviceExposesHttpsAndMetrics() {
        JsonNode service = manifests.only("Service");
        assertThat(service.path("spec").path("type").asString()).isEqualTo("ClusterIP");
        JsonNode ports = service.path("spec").path("ports");
        assertThat(ports).hasSize(2);
        JsonNode https = port(ports, "https");
        assertThat(https.path("port").asInt()).isEqualTo(443);
        assertThat(containerPort(https.path("targetPort"))).isEqualTo(8443);
        JsonNode metrics = port(ports, "metrics");
        assertThat(metrics.path("port").asInt()).isEqualTo(9090);
        assertThat(containerPort(metrics.path("targetPort"))).isEqualTo(9090);
    }

    @Test
    void containerRunsTheDefaultImageOnBothPorts() {
        JsonNode container = manifests.container();
        assertThat(manifests.podSpec().path("containers")).hasSize(1);
        assertThat(container.path("image").asString()).isEqualTo("ghcr.io/dapr-guard/dapr-guard:0.1.0");
        assertThat(container.path("imagePullPolicy").asString()).isEqualTo("IfNotPresent");
        assertThat(container.path("ports")).extracting(port -> port.path("containerPort").asInt())
                .containsExactlyInAnyOrder(8443, 9090);
    }

    @Test
    void probesUseTheManagementPort() {
        JsonNode container = manifests.container();
        assertThat(probe(container, "livenessProbe")).isEqualTo("9090 /healthz");
        assertThat(probe(container, "startupProbe")).isEqualTo("9090 /healthz");
        assertThat(probe(container, "readinessProbe")).isEqualTo("9090 /readyz");
    }

    @Test
    void certificatesConfigurationAndTmpAreMounted() {
        JsonNode container = manifests.container();
        JsonNode podSpec = manifests.podSpec();
        assertThat(mount(container, "/etc/dapr-guard/tls").path("readOnly").asBoolean()).isTrue();
        assertThat(volume(podSpec, mount(container, "/etc/dapr-guard/tls")).path("secret").path("secretName")
                .asString()).isEqualTo("dapr-guard-tls");
        assertThat(mount(container, "/etc/dapr-guard/config").path("readOnly").asBoolean()).isTrue();
        assertThat(volume(podSpec, mount(container, "/etc/dapr-guard/config")).path("configMap").path("name")
                .asString()).isEqualTo(manifests.only("ConfigMap").path("metadata").path("name").asString());
        JsonNode tmp = volume(podSpec, mount(container, "/tmp"));
        assertThat(tmp.path("emptyDir").path("sizeLimit").asString()).isEqualTo("64Mi");
        assertThat(env(container, "DAPR_GUARD_TLS_DIR")).isEqualTo("/etc/dapr-guard/tls");
        assertThat(env(container, "DAPR_GUARD_TLS_GENERATE")).isEqualTo("false");
        assertThat(env(container, "SPRING_CONFIG_ADDITIONAL_LOCATION"))
                .isEqualTo("optional:file:/etc/dapr-guard/config/");
    }

    @Test
    void jvmIsSizedToTheContainer() throws IOException {
        String options = env(manifests.container(), "JAVA_TOOL_OPTIONS");
        assertThat(options).isEqualTo("-XX:MaxRAMPercentage=31 -XX:MinRAMPercentage=31 -XX:InitialRAMPercentage=31"
                + " -XX:+UseParallelGC -XX:NewRatio=1 -XX:+ExitOnOutOfMemoryError -XX:TrimNativeHeapInterval=5000"
                + " -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:SweeperThreshold=50"
                + " -XX:MaxDirectMemorySize=64m -Xss512k"
                + " -XX:CompileCommand=quiet -XX:CompileCommand=MemLimit,*.*,12m~stop"
                + " -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0"
                + " -XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly -Djava.io.tmpdir=/tmp"
                + " -Dspring.aot.enabled=true");
        // The chart replaces the image's JAVA_TOOL_OPTIONS: by default it must be the very same list.
        Matcher image = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(image.find()).as("Dockerfile sets JAVA_TOOL_OPTIONS").isTrue();
        assertThat(options).isEqualTo(image.group(1));
    }

    @Test
    void resourcesHaveRequestsAndAMemoryLimit() {
        JsonNode resources = manifests.container().path("resources");
        assertThat(resources.path("requests").path("cpu").asString()).isEqualTo("100m");
        assertThat(resources.path("requests").path("memory").asString()).isEqualTo("256Mi");
        assertThat(resources.path("limits").path("memory").asString()).isEqualTo("256Mi");
        assertThat(resources.path("limits").has("cpu")).as("no CPU limit: throttling adds admission latency")
                .isFalse();
    }

    @Test
    void shutdownGraceCoversTheDrainPeriod() {
        assertThat(manifests.podSpec().path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
        assertThat(applicationYaml().path("dapr-guard").path("shutdown").path("drain-period").asString())
                .isEqualTo("5s");
    }

    @Test
    void podPassesTheRestrictedPodSecurityStandard() {
        assertThat(RestrictedProfile.violations(manifests.podSpec())).isEmpty();
        JsonNode podContext = manifests.podSpec().path("securityContext");
        assertThat(podContext.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(podContext.path("runAsUser").asInt()).isEqualTo(65532);
        assertThat(podContext.path("runAsGroup").asInt()).isEqualTo(65532);
        assertThat(podContext.path("seccompProfile").path("type").asString()).isEqualTo("RuntimeDefault");
        JsonNode context = manifests.container().path("securityContext");
        assertThat(context.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(context.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(context.path("capabilities").path("drop")).extracting(JsonNode::asString).containsExactly("ALL");
        assertThat(context.path("capabilities").has("add")).isFalse();
    }

    @Test
    void restrictedCheckCatchesWhatItShould() {
        JsonNode bad = ChartRenderer.parseYaml("""
                hostNetwork: true
                securityContext: {runAsUser: 0, seccompProfile: {type: Unconfined}}
                volumes: [{name: host, hostPath: {path: /}}]
                containers:
                  - name: app
                    ports: [{containerPort: 80, hostPort: 80}]
                    securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}
                """);
        assertThat(RestrictedProfile.violations(bad)).contains(
                "hostNetwork is true", "volume host has type hostPath", "pod runAsUser is 0",
                "pod seccomp profile is Unconfined", "container app is privileged",
                "container app does not set allowPrivilegeEscalation: false",
                "container app does not run as non-root (runAsNonRoot)",
                "container app does not drop ALL capabilities", "container app adds capability SYS_ADMIN",
                "container app uses hostPort 80");
    }

    /** The account never mounts a token by itself; the pod does, for the cluster audit only (audit.enabled). */
    @Test
    void serviceAccountTokenIsMountedForTheAuditOnly() {
        JsonNode account = manifests.only("ServiceAccount");
        assertThat(account.path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(manifests.podSpec().path("serviceAccountName").asString())
                .isEqualTo(account.path("metadata").path("name").asString());
        assertThat(manifests.podSpec().path("automountServiceAccountToken").asBoolean(false)).isTrue();
    }

    @Test
    void configMapHoldsOnlyModeDrainAndAuditByDefault() {
        JsonNode guard = applicationYaml().path("dapr-guard");
        assertThat(guard.path("mode").asString()).isEqualTo("enforce");
        assertThat(guard.propertyNames()).containsExactlyInAnyOrder("mode", "shutdown", "audit");
        JsonNode audit = guard.path("audit");
        assertThat(audit.path("enabled").asBoolean()).isTrue();
        assertThat(audit.path("interval").asString()).isEqualTo("10m");
        assertThat(audit.path("page-size").asInt()).isEqualTo(500);
        assertThat(audit.path("qps").asInt()).isEqualTo(20);
        assertThat(audit.path("max-results-per-report").asInt()).isEqualTo(1000);
        assertThat(audit.path("lease-namespace").asString()).isEqualTo(NAMESPACE);
        assertThat(audit.path("exclude-namespaces").toString())
                .as("the same namespaces the webhook configurations exclude")
                .isEqualTo("[\"kube-system\",\"" + NAMESPACE + "\"]");
        assertThat(applicationYaml().propertyNames()).containsExactly("dapr-guard");
    }

    @Test
    void podTemplateCarriesTheChecksumOfTheConfiguration() {
        String applicationYaml = manifests.only("ConfigMap").path("data").path("application.yaml").asString();
        JsonNode annotations = manifests.only("Deployment").path("spec").path("template").path("metadata")
                .path("annotations");
        assertThat(annotations.path("checksum/config").asString()).isEqualTo(sha256(applicationYaml.strip()));
    }

    @Test
    void aPolicyChangeChangesTheChecksum() {
        Manifests changed = chart().set("policy.rules.log-level", "deny").render();
        String before = manifests.only("Deployment").path("spec").path("template").path("metadata")
                .path("annotations").path("checksum/config").asString();
        String after = changed.only("Deployment").path("spec").path("template").path("metadata")
                .path("annotations").path("checksum/config").asString();
        assertThat(after).isNotEqualTo(before);
        String applicationYaml = changed.only("ConfigMap").path("data").path("application.yaml").asString();
        assertThat(after).isEqualTo(sha256(applicationYaml.strip()));
    }

    @Test
    void podsAreAnnotatedForPrometheus() {
        JsonNode annotations = manifests.only("Deployment").path("spec").path("template").path("metadata")
                .path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asString()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asString()).isEqualTo("9090");
        assertThat(annotations.path("prometheus.io/path").asString()).isEqualTo("/metrics");
    }

    @Test
    void withoutPodAnnotationsForPrometheusOnlyTheChecksumRemains() {
        JsonNode annotations = chart().set("metrics.podAnnotations", false).render().only("Deployment")
                .path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.propertyNames()).containsExactly("checksum/config");
    }

    @Test
    void imageDigestReplacesTheTag() {
        String digest = "sha256:" + "ab".repeat(32);
        Manifests rendered = chart().set("image.digest", digest).set("image.tag", "9.9.9").render();
        assertThat(rendered.container().path("image").asString())
                .isEqualTo("ghcr.io/dapr-guard/dapr-guard@" + digest);
        assertThat(chart().set("image.tag", "0.2.0").render().container().path("image").asString())
                .isEqualTo("ghcr.io/dapr-guard/dapr-guard:0.2.0");
    }

    @Test
    void fullNameIsTruncatedTo63Characters() {
        String longRelease = "a-very-long-release-name-that-goes-on-and-on-for-ever";
        Manifests rendered = chart().release(longRelease, NAMESPACE).render();
        String name = rendered.only("Deployment").path("metadata").path("name").asString();
        assertThat(name).hasSizeLessThanOrEqualTo(63).doesNotEndWith("-").startsWith(longRelease);
        assertThat(rendered.only("Service").path("metadata").path("name").asString()).isEqualTo(name);
    }

    @Test
    void fullNameCombinesReleaseAndChartName() {
        Manifests rendered = chart().release("guard", "security").render();
        assertThat(rendered.only("Deployment").path("metadata").path("name").asString()).isEqualTo("guard-dapr-guard");
        assertThat(manifests.only("Deployment").path("metadata").path("name").asString()).isEqualTo("dapr-guard");
    }

    private static JsonNode applicationYaml() {
        return ChartRenderer.parseYaml(
                manifests.only("ConfigMap").path("data").path("application.yaml").asString());
    }

    private static Map<String, String> podLabels() {
        return LabelSelectors.labels(
                manifests.only("Deployment").path("spec").path("template").path("metadata").path("labels"));
    }

    private static JsonNode port(JsonNode ports, String name) {
        for (JsonNode port : ports) {
            if (name.equals(port.path("name").asString())) {
                return port;
            }
        }
        throw new AssertionError("no port " + name);
    }

    /** A Service targetPort (a number or a container port name) as the container port number. */
    private static int containerPort(JsonNode targetPort) {
        if (targetPort.isNumber()) {
            return targetPort.asInt();
        }
        for (JsonNode port : manifests.container().path("ports")) {
            if (targetPort.asString().equals(port.path("name").asString())) {
                return port.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + targetPort.asString());
    }

    private static String probe(JsonNode container, String probe) {
        JsonNode httpGet = container.path(probe).path("httpGet");
        return containerPort(httpGet.path("port")) + " " + httpGet.path("path").asString();
    }

    private static JsonNode mount(JsonNode container, String path) {
        List<String> paths = new ArrayList<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            if (path.equals(mount.path("mountPath").asString())) {
                return mount;
            }
            paths.add(mount.path("mountPath").asString());
        }
        throw new AssertionError("nothing mounted at " + path + "; mounts: " + paths);
    }

    private static JsonNode volume(JsonNode podSpec, JsonNode mount) {
        for (JsonNode volume : podSpec.path("volumes")) {
            if (mount.path("name").asString().equals(volume.path("name").asString())) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + mount.path("name").asString());
    }

    static String env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (name.equals(variable.path("name").asString())) {
                return variable.path("value").asString();
            }
        }
        throw new AssertionError("no env " + name);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

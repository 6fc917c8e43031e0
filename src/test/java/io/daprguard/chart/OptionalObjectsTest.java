package io.daprguard.chart;

import static io.daprguard.chart.ChartDefaultsTest.env;
import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Everything optional switched on (everything.yaml), and the edge cases of the PodDisruptionBudget. */
class OptionalObjectsTest {

    private static Manifests manifests;

    @BeforeAll
    static void render() {
        manifests = chart().values("everything.yaml").render();
    }

    @Test
    void optionalObjectsAreOffByDefault() {
        assertThat(chart().render().kinds())
                .doesNotContain("ServiceMonitor", "PrometheusRule", "NetworkPolicy", "Issuer", "Certificate");
    }

    @Test
    void serviceMonitorScrapesTheMetricsPort() {
        JsonNode monitor = manifests.only("ServiceMonitor");
        assertThat(monitor.path("metadata").path("labels").path("release").asString()).isEqualTo("prometheus");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertThat(endpoint.path("port").asString()).isEqualTo("metrics");
        assertThat(endpoint.path("path").asString()).isEqualTo("/metrics");
        assertThat(endpoint.path("scheme").asString()).isEqualTo("http");
        assertThat(endpoint.path("interval").asString()).isEqualTo("15s");
        assertThat(endpoint.path("scrapeTimeout").asString()).isEqualTo("5s");
        assertThat(LabelSelectors.matches(monitor.path("spec").path("selector"),
                LabelSelectors.labels(manifests.only("Service").path("metadata").path("labels")))).isTrue();
    }

    @Test
    void prometheusRuleAlertsOnWhatMatters() {
        JsonNode rule = manifests.only("PrometheusRule");
        assertThat(rule.path("metadata").path("labels").path("release").asString()).isEqualTo("prometheus");
        List<String> expressions = new ArrayList<>();
        List<String> alerts = new ArrayList<>();
        for (JsonNode group : rule.path("spec").path("groups")) {
            for (JsonNode alert : group.path("rules")) {
                alerts.add(alert.path("alert").asString());
                expressions.add(alert.path("expr").asString().replaceAll("\\s+", " ").trim());
                assertThat(alert.path("for").asString()).as(alert.path("alert").asString()).isNotEmpty();
                assertThat(alert.path("labels").path("severity").asString()).isIn("warning", "critical");
                assertThat(alert.path("annotations").path("summary").asString()).isNotEmpty();
            }
        }
        assertThat(alerts).containsExactly("DaprGuardAdmissionErrors", "DaprGuardAdmissionLatencyHigh",
                "DaprGuardCertificateExpiringSoon", "DaprGuardCertificateReloadFailing", "DaprGuardNoReadyReplicas",
                "DaprGuardAuditStale");
        assertThat(expressions.get(0)).contains("daprguard_admission_requests_total{result=\"error\"}");
        assertThat(expressions.get(1)).isEqualTo("histogram_quantile(0.99, sum by (le) "
                + "(rate(daprguard_admission_duration_seconds_bucket[5m]))) > 0.1");
        assertThat(expressions.get(2)).isEqualTo("daprguard_certificate_expiry_timestamp_seconds - time() < 14*86400");
        assertThat(expressions.get(3))
                .isEqualTo("increase(daprguard_certificate_reloads_total{result=\"failure\"}[30m]) > 0");
        assertThat(expressions.get(4)).isEqualTo("kube_deployment_status_replicas_available"
                + "{namespace=\"dapr-guard\", deployment=\"dapr-guard\"} == 0");
        assertThat(expressions.get(5)).as("3 intervals of 10m").isEqualTo("time() - max("
                + "daprguard_audit_last_success_timestamp_seconds{namespace=\"dapr-guard\"}) > 1800");
        JsonNode reload = rule.path("spec").path("groups").get(0).path("rules").get(3);
        assertThat(reload.path("for").asString()).as("persistent, not a single blip").isEqualTo("30m");
        assertThat(rule.path("spec").path("groups").get(0).path("rules").get(2).path("annotations")
                .path("description").asString()).contains("{{ $labels.certificate }}");
    }

    @Test
    void grafanaDashboardIsPickedUpBySidecar() {
        JsonNode configMap = manifests.get("ConfigMap", "dapr-guard-dashboard");
        JsonNode metadata = configMap.path("metadata");
        assertThat(metadata.path("labels").path("grafana_dashboard").asString()).isEqualTo("1");
        assertThat(metadata.path("labels").path("team").asString()).isEqualTo("platform");
        assertThat(metadata.path("annotations").path("grafana_folder").asString()).isEqualTo("Dapr");
        JsonNode dashboard = JsonMapper.builder().build()
                .readTree(configMap.path("data").path("dapr-guard.json").asString());
        List<String> titles = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asString());
            panel.path("targets").forEach(target -> queries.add(target.path("expr").asString()));
        }
        assertThat(titles).contains("Admission requests by result", "Denials and violations by rule",
                "Admission latency p50 / p99", "Certificate expiry");
        assertThat(String.join("\n", queries))
                .contains("daprguard_admission_requests_total")
                .contains("daprguard_rule_results_total{outcome=\"violation\"}")
                .contains("histogram_quantile(0.5,")
                .contains("histogram_quantile(0.99,")
                .contains("daprguard_certificate_expiry_timestamp_seconds");
        assertThat(titles).contains("Right-sizing", "daprd memory requested: now and recommended",
                "daprd CPU requested: now and recommended", "Workloads with a recommendation, OOM-killed daprd",
                "Usage source up");
        assertThat(String.join("\n", queries))
                .contains("daprguard_rightsizing_memory_request_bytes")
                .contains("daprguard_rightsizing_cpu_request_cores")
                .contains("daprguard_rightsizing_workloads")
                .contains("daprguard_rightsizing_oom_killed_pods")
                .contains("daprguard_rightsizing_source_up");
    }

    @Test
    void networkPolicyAdmitsOnlyTheTwoPorts() {
        JsonNode policy = manifests.only("NetworkPolicy");
        assertThat(policy.path("spec").path("policyTypes")).extracting(JsonNode::asString).containsExactly("Ingress");
        assertThat(LabelSelectors.matches(policy.path("spec").path("podSelector"), LabelSelectors.labels(
                manifests.only("Deployment").path("spec").path("template").path("metadata").path("labels"))))
                .isTrue();
        List<Integer> ports = new ArrayList<>();
        for (JsonNode rule : policy.path("spec").path("ingress")) {
            rule.path("ports").forEach(port -> ports.add(port.path("port").asInt()));
        }
        assertThat(ports).containsExactly(8443, 9090);
        JsonNode ingress = policy.path("spec").path("ingress");
        assertThat(ingress.get(0).path("from").get(0).path("ipBlock").path("cidr").asString()).isEqualTo("10.0.0.0/16");
        assertThat(ingress.get(1).path("from").get(0).path("namespaceSelector").path("matchLabels")
                .path("kubernetes.io/metadata.name").asString()).isEqualTo("monitoring");
    }

    @Test
    void networkPolicyWithoutPeersAdmitsFromAnywhereButStillOnlyTwoPorts() {
        JsonNode policy = chart().set("networkPolicy.enabled", true).render().only("NetworkPolicy");
        for (JsonNode rule : policy.path("spec").path("ingress")) {
            assertThat(rule.has("from")).isFalse();
            assertThat(rule.path("ports")).hasSize(1);
        }
    }

    @Test
    void podSettingsAreWiredThrough() {
        JsonNode podSpec = manifests.podSpec();
        assertThat(podSpec.path("priorityClassName").asString()).isEqualTo("system-cluster-critical");
        assertThat(podSpec.path("imagePullSecrets").get(0).path("name").asString()).isEqualTo("regcred");
        assertThat(podSpec.path("nodeSelector").path("kubernetes.io/arch").asString()).isEqualTo("amd64");
        assertThat(podSpec.path("tolerations").get(0).path("key").asString())
                .isEqualTo("node-role.kubernetes.io/control-plane");
        assertThat(podSpec.path("affinity").path("nodeAffinity").has("requiredDuringSchedulingIgnoredDuringExecution"))
                .isTrue();
        assertThat(podSpec.path("topologySpreadConstraints")).extracting(c -> c.path("topologyKey").asString())
                .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        assertThat(podSpec.path("terminationGracePeriodSeconds").asInt()).isEqualTo(45);
        assertThat(manifests.container().path("image").asString()).isEqualTo(
                "ghcr.io/dapr-guard/dapr-guard@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(manifests.container().path("resources").path("limits").path("cpu").asString()).isEqualTo("1");
        JsonNode template = manifests.only("Deployment").path("spec").path("template").path("metadata");
        assertThat(template.path("labels").path("example.com/tier").asString()).isEqualTo("control-plane");
        assertThat(template.path("annotations").path("example.com/team").asString()).isEqualTo("platform");
        assertThat(template.path("annotations").has("prometheus.io/scrape")).isFalse();
        assertThat(manifests.only("Deployment").path("spec").path("strategy").path("rollingUpdate").path("maxSurge")
                .asString()).isEqualTo("25%");
        assertThat(env(manifests.container(), "JAVA_TOOL_OPTIONS"))
                .startsWith("-XX:MaxRAMPercentage=60 -XX:MinRAMPercentage=60 -XX:InitialRAMPercentage=60 ")
                .endsWith(" -Djava.io.tmpdir=/tmp -Dspring.aot.enabled=true -XX:ActiveProcessorCount=2");
        assertThat(RestrictedProfile.violations(podSpec)).isEmpty();
    }

    @Test
    void clientCaIsMountedAndConfigured() {
        JsonNode mount = null;
        for (JsonNode candidate : manifests.container().path("volumeMounts")) {
            if ("/etc/dapr-guard/client-ca".equals(candidate.path("mountPath").asString())) {
                mount = candidate;
            }
        }
        assertThat(mount).isNotNull();
        assertThat(mount.path("readOnly").asBoolean()).isTrue();
        boolean volumeFound = false;
        for (JsonNode volume : manifests.podSpec().path("volumes")) {
            if (mount.path("name").asString().equals(volume.path("name").asString())) {
                assertThat(volume.path("configMap").path("name").asString()).isEqualTo("apiserver-client-ca");
                volumeFound = true;
            }
        }
        assertThat(volumeFound).isTrue();
        assertThat(applicationYaml().path("dapr-guard").path("tls").path("client-ca-file").asString())
                .isEqualTo("/etc/dapr-guard/client-ca/client-ca.pem");
    }

    @Test
    void rightSizingReachesTheServerWithItsTokenAndCaMounted() {
        JsonNode rightsizing = applicationYaml().path("dapr-guard").path("rightsizing");
        JsonNode prometheus = rightsizing.path("prometheus");
        assertThat(prometheus.path("url").asString()).isEqualTo("https://prometheus.monitoring.svc:9090");
        assertThat(prometheus.path("bearer-token-file").asString()).isEqualTo("/etc/dapr-guard/prometheus-token/token");
        assertThat(prometheus.path("ca-file").asString()).isEqualTo("/etc/dapr-guard/prometheus-ca/ca.crt");
        assertThat(prometheus.path("timeout").asString()).isEqualTo("20s");
        assertThat(rightsizing.path("window").asString()).isEqualTo("14d");
        assertThat(rightsizing.path("apply").asString()).isEqualTo("defaults");
        JsonNode role = manifests.get("Role", "dapr-guard-audit-lease");
        assertThat(role.path("rules").toString()).contains("{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
                + "\"resourceNames\":[\"dapr-guard-rightsizing\"],\"verbs\":[\"get\",\"update\"]}");
        assertThat(chart().render().get("Role", "dapr-guard-audit-lease").path("rules").toString())
                .doesNotContain("configmaps");
        assertThat(rightsizing.path("oom-factor").asDouble()).isEqualTo(2.0);
        assertThat(rightsizing.path("min-samples").asInt()).isEqualTo(500);
        assertThat(rightsizing.path("min-history").asString()).isEqualTo("12h");
        List<String> mounts = new ArrayList<>();
        manifests.container().path("volumeMounts").forEach(m -> mounts.add(m.path("name").asString() + " "
                + m.path("mountPath").asString() + " " + m.path("readOnly").asBoolean()));
        assertThat(mounts).contains("prometheus-token /etc/dapr-guard/prometheus-token true",
                "prometheus-ca /etc/dapr-guard/prometheus-ca true");
        List<String> volumes = new ArrayList<>();
        manifests.podSpec().path("volumes").forEach(v -> volumes.add(v.path("name").asString() + " "
                + v.path("secret").path("secretName").asString("") + v.path("configMap").path("name").asString("")));
        assertThat(volumes).contains("prometheus-token prometheus-reader", "prometheus-ca prometheus-ca");
        assertThat(chart().render().only("ConfigMap").toString()).doesNotContain("rightsizing");
    }

    @Test
    void rightSizingFromMetricsServerReadsPodMetricsAndKeepsItsHistoryInTheReleaseNamespace() throws Exception {
        Manifests rendered = chart().set("rightsizing.metricsServer", true).set("rightsizing.minSamples", 144).render();
        JsonNode guard = new tools.jackson.dataformat.yaml.YAMLMapper().readTree(rendered.get("ConfigMap", "dapr-guard")
                .path("data").path("application.yaml").asString()).path("dapr-guard");
        assertThat(guard.path("rightsizing").path("metrics-server").asBoolean()).isTrue();
        assertThat(guard.path("rightsizing").path("half-life").asString()).isEqualTo("24h");
        assertThat(guard.path("rightsizing").path("min-samples").asInt()).isEqualTo(144);
        assertThat(rendered.get("ClusterRole", "dapr-guard-audit").path("rules").toString())
                .contains("{\"apiGroups\":[\"metrics.k8s.io\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"list\"]}");
        assertThat(rendered.get("Role", "dapr-guard-audit-lease").path("rules").toString())
                .contains("\"resourceNames\":[\"dapr-guard-rightsizing-history\"]");
        assertThat(chart().render().get("ClusterRole", "dapr-guard-audit").path("rules").toString())
                .doesNotContain("metrics.k8s.io");
    }

    @Test
    void everyPolicyKeyReachesTheServerUnderItsPropertyName() {
        JsonNode guard = applicationYaml().path("dapr-guard");
        assertThat(guard.path("mode").asString()).isEqualTo("enforce");
        assertThat(guard.path("rules").path("log-level").asString()).isEqualTo("deny");
        assertThat(guard.path("rules").path("api-token").asString()).isEqualTo("off");
        assertThat(guard.path("rules").path("app-token").asString()).isEqualTo("warn");
        assertThat(guard.path("skippable")).extracting(JsonNode::asString).containsExactly("api-token", "app-token");
        assertThat(guard.path("skip").path("max-duration").asString()).isEqualTo("30d");
        assertThat(guard.path("skip").path("require-reason").asBoolean()).isTrue();
        assertThat(guard.path("mutate-templates").asBoolean()).isTrue();
        assertThat(guard.path("validate-fail-open").isBoolean()).isTrue();
        assertThat(guard.path("validate-fail-open").asBoolean()).isFalse();
        JsonNode sidecar = guard.path("sidecar");
        assertThat(sidecar.path("cpu-request").asString()).isEqualTo("200m");
        assertThat(sidecar.path("cpu-limit").asString()).isEqualTo("1");
        assertThat(sidecar.path("memory-request").asString()).isEqualTo("512Mi");
        assertThat(sidecar.path("memory-limit").asString()).isEqualTo("1Gi");
        assertThat(sidecar.path("gomemlimit-percent").asInt()).isEqualTo(85);
        assertThat(guard.path("max-request-size").asString()).isEqualTo("4MB");
        assertThat(guard.path("limits").path("max-concurrent-reviews").asInt()).isEqualTo(32);
        assertThat(guard.path("limits").path("max-wait").asString()).isEqualTo("100ms");
        assertThat(guard.path("limits").path("worker-threads").asInt()).isEqualTo(8);
        assertThat(guard.path("metrics").path("namespace-label").asBoolean()).isTrue();
        assertThat(guard.path("shutdown").path("drain-period").asString()).isEqualTo("10s");
        assertThat(guard.path("tls").path("reload-interval").asString()).isEqualTo("30s");
        JsonNode logging = applicationYaml().path("logging");
        assertThat(logging.path("structured").path("format").path("console").asString()).isEqualTo("ecs");
        assertThat(logging.path("level").path("daprguard.audit").asString()).isEqualTo("off");
    }

    @Test
    void podDisruptionBudgetFollowsTheReplicas() {
        assertThat(pdb(chart().render()).path("minAvailable").asInt()).isEqualTo(2);
        assertThat(pdb(manifests).path("minAvailable").asInt()).as("4 replicas, minAvailable 3").isEqualTo(3);
        assertThat(pdb(chart().set("replicaCount", 5).render()).path("minAvailable").asInt()).isEqualTo(2);
        JsonNode two = pdb(chart().set("replicaCount", 2).render());
        assertThat(two.path("minAvailable").asInt()).as("capped below the replicas").isEqualTo(1);
        JsonNode one = pdb(chart().set("replicaCount", 1).render());
        assertThat(one.has("minAvailable")).isFalse();
        assertThat(one.path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(chart().set("podDisruptionBudget.enabled", false).render().ofKind("PodDisruptionBudget"))
                .isEmpty();
    }

    @Test
    void noServiceAccountIsCreatedWhenAnExistingOneIsNamed() {
        Manifests rendered = chart().set("serviceAccount.create", false).set("serviceAccount.name", "guard-sa")
                .render();
        assertThat(rendered.ofKind("ServiceAccount")).isEmpty();
        assertThat(rendered.podSpec().path("serviceAccountName").asString()).isEqualTo("guard-sa");
        assertThat(rendered.get("ClusterRoleBinding", "dapr-guard-audit").path("subjects").path(0).path("name")
                .asString()).as("the audit's RBAC goes to the named account").isEqualTo("guard-sa");
    }

    @Test
    void withoutTheAuditThereIsNoRbacNoTokenAndNoAuditAlert() {
        Manifests rendered = chart().set("audit.enabled", false).set("metrics.prometheusRule.enabled", true)
                .render();
        assertThat(rendered.kinds()).doesNotContain("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");
        assertThat(rendered.podSpec().path("automountServiceAccountToken").asBoolean(true)).isFalse();
        assertThat(rendered.only("PrometheusRule").toString()).doesNotContain("DaprGuardAuditStale");
        assertThat(ChartRenderer.parseYaml(rendered.only("ConfigMap").path("data").path("application.yaml")
                .asString()).path("dapr-guard").path("audit").path("enabled").asBoolean(true)).isFalse();
    }

    @Test
    void auditValuesReachTheServerAndABadIntervalFailsTheRender() {
        Manifests rendered = chart().set("audit.interval", "2h").set("audit.pageSize", 100).set("audit.qps", 5)
                .set("audit.maxResultsPerReport", 50).set("webhook.excludeNamespaces[0]", "legacy").render();
        JsonNode audit = ChartRenderer.parseYaml(rendered.only("ConfigMap").path("data").path("application.yaml")
                .asString()).path("dapr-guard").path("audit");
        assertThat(audit.path("interval").asString()).isEqualTo("2h");
        assertThat(audit.path("page-size").asInt()).isEqualTo(100);
        assertThat(audit.path("qps").asInt()).isEqualTo(5);
        assertThat(audit.path("max-results-per-report").asInt()).isEqualTo(50);
        assertThat(audit.path("exclude-namespaces").toString()).isEqualTo("[\"kube-system\",\"dapr-guard\",\"legacy\"]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chart().set("audit.interval", "30s").render())
                .hasMessageContaining("audit.interval must be between 1m and 24h, was 30s");
    }

    @Test
    void aGracePeriodShorterThanTheDrainFails() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> chart()
                        .set("shutdown.drainPeriodSeconds", 25).set("terminationGracePeriodSeconds", 30).render())
                .hasMessageContaining("terminationGracePeriodSeconds (30) must be at least "
                        + "shutdown.drainPeriodSeconds + 10 (35)");
    }

    private static JsonNode pdb(Manifests rendered) {
        return rendered.only("PodDisruptionBudget").path("spec");
    }

    private static JsonNode applicationYaml() {
        return ChartRenderer.parseYaml(
                manifests.get("ConfigMap", "dapr-guard").path("data").path("application.yaml").asString());
    }
}

package io.daprguard.cluster;

import static io.daprguard.cluster.ClusterObjects.deployment;
import static io.daprguard.cluster.ClusterObjects.namespace;
import static io.daprguard.cluster.ClusterObjects.oldPod;
import static io.daprguard.cluster.ClusterObjects.replicaSet;
import static io.daprguard.cluster.ClusterObjects.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import io.daprguard.rules.SidecarDefaults;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterAuditTest {

    private static ClusterAudit audit(Mode mode) {
        Policy policy = Policy.of(mode, Map.of(), null, SidecarDefaults.GUIDELINE, false);
        return new ClusterAudit(policy, new NamespaceModes(Set.of("kube-system"), mode));
    }

    private static List<AuditFinding> of(AuditResult result, String rule) {
        return result.findings().stream().filter(finding -> finding.rule().equals(rule)).toList();
    }

    @Test
    void podsOfADeploymentAreOneFindingOnTheDeploymentThatSaysHowManyAndToRestart() {
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null)).add(deployment("shop", "orders"))
                .add(replicaSet("shop", "orders-5d9f", "orders"))
                .add(oldPod("shop", "orders-5d9f-a", "orders-5d9f", "Running"))
                .add(oldPod("shop", "orders-5d9f-b", "orders-5d9f", "Running"))
                .add(oldPod("shop", "orders-5d9f-c", "orders-5d9f", "Pending"))
                .add(oldPod("shop", "orders-5d9f-old", "orders-5d9f", "Succeeded"));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.failure()).isNull();
        List<AuditFinding> resources = of(result, "sidecar-resources");
        assertThat(resources).as("the template passes after mutation; the three live pods lack the four annotations: "
                + "one finding per annotation, on the Deployment, not one per pod").hasSize(4);
        assertThat(resources).allSatisfy(finding -> {
            assertThat(finding.subject()).isEqualTo(new ObjectRef("apps/v1", "Deployment", "shop", "orders"));
            assertThat(finding.level()).isEqualTo(AuditFinding.Level.DENY);
            assertThat(finding.message()).endsWith("(3 of 3 running pods; a running pod keeps what it was created "
                    + "with: restart the workload (kubectl rollout restart deployment/orders -n shop))");
        });
        assertThat(resources.get(0).message()).startsWith("dapr.io/sidecar-cpu-request is not set");
        assertThat(result.subjects()).containsExactly(new ObjectRef("apps/v1", "Deployment", "shop", "orders"));
        assertThat(result.objects()).containsEntry("Pod", 4).containsEntry("ReplicaSet", 1)
                .containsEntry("Deployment", 1);
    }

    @Test
    void excludedAndOffNamespacesAreNotAuditedAndAuditNamespacesWarn() {
        FakeCluster cluster = new FakeCluster().add(namespace("kube-system", null)).add(namespace("quiet", "off"))
                .add(namespace("trial", "audit"))
                .add(oldPod("kube-system", "a", "rs", "Running")).add(oldPod("quiet", "b", "rs", "Running"))
                .add(oldPod("trial", "c", "rs", "Running"));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.namespaces()).containsExactly("trial");
        assertThat(result.findings()).isNotEmpty().allSatisfy(finding -> {
            assertThat(finding.subject().namespace()).isEqualTo("trial");
            assertThat(finding.level()).isEqualTo(AuditFinding.Level.WARN);
        });
        assertThat(of(result, "sidecar-resources").get(0).message()).startsWith("would deny: ");
        assertThat(result.objects()).containsEntry("Pod", 1);
    }

    @Test
    void globalAuditModeReportsDenialsAsWarnings() {
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null))
                .add(oldPod("shop", "c", "rs", "Running"));

        AuditResult result = audit(Mode.AUDIT).run(cluster, null);

        assertThat(result.findings()).isNotEmpty()
                .allSatisfy(finding -> assertThat(finding.level()).isEqualTo(AuditFinding.Level.WARN));
    }

    @Test
    void aForbiddenListMakesTheRunIncompleteButTheRestIsStillRead() {
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null)).add(deployment("shop", "orders"))
                .failing(ApiKind.POD, new ClusterException("list pods: forbidden (403): RBAC does not allow it", 403,
                        null));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.complete()).isFalse();
        assertThat(result.failure()).isEqualTo("list pods: forbidden (403): RBAC does not allow it");
        assertThat(cluster.listed).contains(ApiKind.COMPONENT, ApiKind.CONFIGURATION);
        assertThat(result.subjects()).contains(new ObjectRef("apps/v1", "Deployment", "shop", "orders"));
    }

    /** Dapr's placement, three replicas on one node. */
    private static FakeCluster placementOnOneNode() {
        FakeCluster cluster = new FakeCluster().add(namespace("dapr-system", null)).add(yaml("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: dapr-placement-server, namespace: dapr-system, labels: {app.kubernetes.io/part-of: dapr}}
                spec: {replicas: 3, template: {spec: {containers: [{name: placement, image: ghcr.io/dapr/placement}]}}}
                """));
        for (int i = 0; i < 3; i++) {
            cluster.add(yaml("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: dapr-placement-server-%d
                      namespace: dapr-system
                      ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: dapr-placement-server, controller: true}]
                    spec: {nodeName: node-a, containers: [{name: placement, image: ghcr.io/dapr/placement}]}
                    status: {phase: Running}
                    """.formatted(i)));
        }
        return cluster;
    }

    @Test
    void forbiddenNodesFailTheRunAndGiveNoSpreadFinding() {
        FakeCluster cluster = placementOnOneNode()
                .failing(ApiKind.NODE, new ClusterException("list nodes: forbidden (403): RBAC does not allow it", 403,
                        null));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.failure()).isEqualTo("list nodes: forbidden (403): RBAC does not allow it");
        assertThat(of(result, "control-plane-spread")).isEmpty();
        assertThat(cluster.listed).contains(ApiKind.NODE, ApiKind.COMPONENT, ApiKind.CONFIGURATION);
    }

    @Test
    void aNodeThatDoesNotParseFailsTheRunAndGivesNoSpreadFinding() {
        FakeCluster cluster = placementOnOneNode().add(yaml("""
                apiVersion: v1
                kind: Node
                metadata: {name: node-a}
                spec: {unschedulable: "no"}
                """));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.failure()).startsWith("Node node-a must be ");
        assertThat(of(result, "control-plane-spread")).isEmpty();
    }

    @Test
    void nodesAreReadOnlyWhereAControlPlaneIsAudited() {
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null)).add(deployment("shop", "orders"));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.failure()).isNull();
        assertThat(cluster.listed).doesNotContain(ApiKind.NODE);
        FakeCluster withControlPlane = placementOnOneNode().add(yaml("""
                {apiVersion: v1, kind: Node, metadata: {name: node-a}, status: {conditions: [{type: Ready, status: "True"}]}}
                """));
        AuditResult audited = audit(Mode.ENFORCE).run(withControlPlane, null);
        assertThat(withControlPlane.listed).contains(ApiKind.NODE);
        assertThat(audited.objects()).containsEntry("Node", 1);
        assertThat(of(audited, "control-plane-spread")).extracting(AuditFinding::message).hasSize(2)
                .allMatch(message -> message.contains("node-a"));

        FakeCluster ruleOff = placementOnOneNode();
        Policy off = Policy.of(Mode.ENFORCE, Map.of("control-plane-spread", Action.OFF), null,
                SidecarDefaults.GUIDELINE, false);
        new ClusterAudit(off, new NamespaceModes(Set.of("kube-system"), Mode.ENFORCE)).run(ruleOff, null);
        assertThat(ruleOff.listed).as("the rule is off: nodes are not read").doesNotContain(ApiKind.NODE);
    }

    @Test
    void anUnreachableApiServerStopsTheRunAtOnce() {
        FakeCluster cluster = new FakeCluster()
                .failing(ApiKind.NAMESPACE, new ClusterException("list namespaces: cannot reach", 0, null));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.failure()).isEqualTo("list namespaces: cannot reach");
        assertThat(cluster.listed).containsExactly(ApiKind.NAMESPACE);
    }

    @Test
    void anObjectThatDoesNotParseFailsTheRunAndTheOthersAreStillJudged() {
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null)).add(deployment("shop", "orders"))
                .add(yaml("""
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata: {name: broken, namespace: shop}
                        spec: {template: {metadata: {annotations: {dapr.io/enabled: "true"}}, spec: {containers: 7}}}
                        """));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, null);

        assertThat(result.failure()).startsWith("Deployment shop/broken: ");
        assertThat(result.subjects()).contains(new ObjectRef("apps/v1", "Deployment", "shop", "orders"));
    }

    @Test
    void oneNamespaceOnlyReadsThatNamespace() {
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null)).add(namespace("other", null))
                .add(deployment("shop", "orders")).add(deployment("other", "orders"))
                .add(deployment("other", "orders-copy"));

        AuditResult result = audit(Mode.ENFORCE).run(cluster, "shop");

        assertThat(result.namespaces()).containsExactly("shop");
        assertThat(result.subjects()).containsExactly(new ObjectRef("apps/v1", "Deployment", "shop", "orders"));
    }

    /** A Deployment whose pod template carries the given extra annotations (YAML flow entries). */
    private static tools.jackson.databind.JsonNode deploymentWith(String name, String annotations) {
        return yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %1$s, namespace: shop}
                spec:
                  selector: {matchLabels: {app: %1$s}}
                  template:
                    metadata:
                      labels: {app: %1$s}
                      annotations: {dapr.io/enabled: "true", dapr.io/app-id: %1$s, %2$s}
                    spec:
                      containers: [{name: app, image: "acme/%1$s:1"}]
                """.formatted(name, annotations));
    }

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-06T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void crossObjectFindingsHonourTheExceptionsOfTheObjectTheyAreReportedOn() {
        Policy policy = Policy.of(Mode.ENFORCE, Map.of(), Set.of("config-exists", "scopes-known-apps"),
                SidecarDefaults.GUIDELINE, false);
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null))
                .add(deploymentWith("orders", "dapr.io/config: tracng, daprguard.io/skip: config-exists, "
                        + "daprguard.io/skip-until: 2026-12-31, daprguard.io/skip-reason: CHG-42 config lands Friday"))
                .add(deploymentWith("cart", "dapr.io/config: tracng"))
                .add(deploymentWith("billing", "dapr.io/config: tracng, daprguard.io/skip: config-exists, "
                        + "daprguard.io/skip-until: 2027-12-31, daprguard.io/skip-reason: too far"))
                .add(yaml("""
                        apiVersion: dapr.io/v1alpha1
                        kind: Component
                        metadata:
                          name: pubsub
                          namespace: shop
                          annotations: {daprguard.io/skip: scopes-known-apps, daprguard.io/skip-until: 2026-12-01,
                                        daprguard.io/skip-reason: payments moves in}
                        spec: {type: pubsub.redis, version: v1, metadata: [{name: redisHost, value: "redis:6379"}]}
                        scopes: [orders, payments]
                        """));

        AuditResult result = new ClusterAudit(policy, new NamespaceModes(Set.of(), Mode.ENFORCE), NOW)
                .run(cluster, null);

        assertThat(of(result, "config-exists")).extracting(finding -> finding.subject().name())
                .as("orders has a valid exception; billing's ends beyond the 90-day maximum, so it is refused")
                .containsExactlyInAnyOrder("cart", "billing");
        assertThat(of(result, "config-exists")).allSatisfy(finding -> assertThat(finding.message())
                .doesNotContain("expired"));
        assertThat(of(result, "scopes-known-apps")).singleElement().satisfies(finding -> {
            assertThat(finding.subject()).isEqualTo(new ObjectRef("dapr.io/v1alpha1", "Component", "shop", "pubsub"));
            assertThat(finding.message()).contains("payments")
                    .endsWith(" (the daprguard.io/skip exception expired on 2026-12-01)");
        });
    }

    @Test
    void anExceptionForARuleThatIsNotSkippableLeavesTheFindingInPlace() {
        FakeCluster cluster = new FakeCluster().add(namespace("shop", null))
                .add(deploymentWith("orders", "daprguard.io/skip: app-id-unique, daprguard.io/skip-until: 2026-12-31,"
                        + " daprguard.io/skip-reason: twin"))
                .add(yaml("""
                        apiVersion: apps/v1
                        kind: StatefulSet
                        metadata: {name: orders-db, namespace: shop}
                        spec:
                          template:
                            metadata: {annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders}}
                            spec: {containers: [{name: app, image: "acme/db:1"}]}
                        """));

        AuditResult result = new ClusterAudit(Policy.standard(), new NamespaceModes(Set.of(), Mode.ENFORCE), NOW)
                .run(cluster, null);

        assertThat(of(result, "app-id-unique")).as("app-id-unique is deny-level, so not skippable by default")
                .extracting(finding -> finding.subject().name()).containsExactlyInAnyOrder("orders", "orders-db");
    }

    @Test
    void imageVersions() {
        assertThat(ClusterAudit.imageVersion("ghcr.io/dapr/daprd:1.14.4")).isEqualTo("1.14.4");
        assertThat(ClusterAudit.imageVersion("localhost:5000/daprd:1.15.0-rc.1@sha256:abc")).isEqualTo("1.15.0-rc.1");
        assertThat(ClusterAudit.imageVersion("localhost:5000/daprd")).isNull();
        assertThat(ClusterAudit.imageVersion("daprd@sha256:abc")).isNull();
    }
}

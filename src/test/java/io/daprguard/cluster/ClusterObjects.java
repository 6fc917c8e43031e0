package io.daprguard.cluster;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Objects as a cluster holds them, for the audit's tests. */
public final class ClusterObjects {

    private ClusterObjects() {}

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    public static JsonNode yaml(String text) {
        return YAML.readTree(text);
    }

    public static JsonNode namespace(String name, String mode) {
        return yaml("{apiVersion: v1, kind: Namespace, metadata: {name: " + name
                + (mode == null ? "" : ", labels: {daprguard.io/mode: " + mode + "}") + "}}");
    }

    /** A Deployment whose template lacks every sidecar default: mutation adds them, so /validate admits it. */
    public static JsonNode deployment(String namespace, String name) {
        return yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %2$s, namespace: %1$s}
                spec:
                  selector: {matchLabels: {app: %2$s}}
                  template:
                    metadata:
                      labels: {app: %2$s}
                      annotations: {dapr.io/enabled: "true", dapr.io/app-id: %2$s}
                    spec:
                      containers: [{name: app, image: "acme/%2$s:1"}]
                """.formatted(namespace, name));
    }

    public static JsonNode replicaSet(String namespace, String name, String deployment) {
        return yaml("""
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: %2$s
                  namespace: %1$s
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: %3$s, controller: true, uid: u1}]
                spec:
                  template: {spec: {containers: [{name: app, image: x}]}}
                """.formatted(namespace, name, deployment));
    }

    /** A running pod created before dapr-guard: no sidecar annotations, a daprd without resources. */
    public static JsonNode oldPod(String namespace, String name, String replicaSet, String phase) {
        return yaml("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %2$s
                  namespace: %1$s
                  annotations: {dapr.io/enabled: "true", dapr.io/app-id: orders}
                  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: %3$s, controller: true, uid: u2}]
                spec:
                  containers:
                  - {name: app, image: "acme/orders:1"}
                  - {name: daprd, image: "ghcr.io/dapr/daprd:1.14.4"}
                status: {phase: %4$s}
                """.formatted(namespace, name, replicaSet, phase));
    }
}

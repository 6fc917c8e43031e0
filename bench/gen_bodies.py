#!/usr/bin/env python3
"""Writes the AdmissionReview bodies of the benchmark into a directory (default: bench/bodies).

Every body is shaped as the kube-apiserver sends it: a CREATE review of a Pod (or a Deployment) in namespace
"shop", the pod as the ReplicaSet controller made it (generateName, ownerReferences, pod-template-hash, the
DefaultTolerationSeconds tolerations, the defaults the apiserver fills in before admission).

  pod-typical            /mutate   2-3 KB Dapr pod with some sidecar settings; dapr-guard adds the rest (patched)
  pod-typical-admitted   /validate the same pod as the validating webhook sees it: after dapr-guard's mutation
                                   and after the Dapr injector added daprd (allowed)
  pod-defaults           /mutate   a Dapr pod with nothing but enabled + app-id: every default is added (patched)
  pod-denied             /validate sidecar-memory-limit 1000MB and GOMEMLIMIT=900Mi (denied, code 403)
  pod-nondapr            both      no Dapr annotations: allowed at once, not reviewed
  pod-10k, pod-100k, pod-1m        large pods (many containers, env vars, annotations), still valid and
                                   Dapr-enabled; /mutate adds the missing sidecar defaults (patched)
  pod-10k-admitted, pod-100k-admitted, pod-1m-admitted
                         /validate the large pods as admitted (complete annotations + injected daprd; allowed)
  deployment-typical     (JMH)     a Deployment whose template is the typical pod (mutate: not patched, since
                                   mutate-templates is off; validate: allowed)

Deterministic: the same files every time. Usage: gen_bodies.py [OUTDIR]
"""
import copy
import json
import os
import sys

NAMESPACE = "shop"
APP = "orders"
HASH = "7d9f8b6c5d"


def review(uid, obj, group="", version="v1", kind="Pod", resource="pods",
           user="system:serviceaccount:kube-system:replicaset-controller"):
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": group, "version": version, "kind": kind},
            "resource": {"group": group, "version": version, "resource": resource},
            "requestKind": {"group": group, "version": version, "kind": kind},
            "requestResource": {"group": group, "version": version, "resource": resource},
            "namespace": NAMESPACE,
            "operation": "CREATE",
            "userInfo": {
                "username": user,
                "uid": "3c2d5a1e-9f4b-4e7d-8a6c-1b0e2f3d4c5a",
                "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
            },
            "object": obj,
            "oldObject": None,
            "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        },
    }


def app_container(name=APP, image="ghcr.io/example/orders:1.4.2", port=8080, extra_env=0):
    env = [
        {"name": "SPRING_PROFILES_ACTIVE", "value": "production"},
        {"name": "SERVER_PORT", "value": str(port)},
        {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
        {"name": "POD_NAMESPACE",
         "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "orders-db", "key": "password"}}},
    ]
    for i in range(extra_env):
        env.append({"name": f"FEATURE_FLAG_{i:05d}", "value": f"orders.feature.{i}.enabled=true;rollout=25"})
    return {
        "name": name,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": port, "protocol": "TCP"}],
        "env": env,
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "livenessProbe": {
            "httpGet": {"path": "/actuator/health/liveness", "port": port, "scheme": "HTTP"},
            "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 1,
            "successThreshold": 1, "failureThreshold": 3,
        },
        "readinessProbe": {
            "httpGet": {"path": "/actuator/health/readiness", "port": port, "scheme": "HTTP"},
            "periodSeconds": 5, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3,
        },
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/orders", "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
        "securityContext": {
            "allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }


def daprd_container():
    """The daprd container as the Dapr injector adds it, after dapr-guard's annotations were applied."""
    return {
        "name": "daprd",
        "image": "ghcr.io/dapr/daprd:1.16.2",
        "imagePullPolicy": "IfNotPresent",
        "args": ["/daprd", "--dapr-http-port=3500", "--dapr-grpc-port=50001", "--dapr-internal-grpc-port=50002",
                 "--dapr-listen-addresses=[::1],127.0.0.1", "--dapr-public-port=3501", "--app-port=8080",
                 "--app-id=orders", "--control-plane-address=dapr-api.dapr-system.svc.cluster.local:443",
                 "--app-protocol=http", "--placement-host-address=dapr-placement-server.dapr-system.svc:50005",
                 "--log-level=info", "--enable-metrics=true", "--metrics-port=9090", "--mode=kubernetes",
                 "--sentry-address=dapr-sentry.dapr-system.svc.cluster.local:443", "--enable-mtls"],
        "ports": [
            {"name": "dapr-http", "containerPort": 3500, "protocol": "TCP"},
            {"name": "dapr-grpc", "containerPort": 50001, "protocol": "TCP"},
            {"name": "dapr-internal", "containerPort": 50002, "protocol": "TCP"},
            {"name": "dapr-metrics", "containerPort": 9090, "protocol": "TCP"},
        ],
        "env": [
            {"name": "NAMESPACE", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}},
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
            {"name": "DAPR_CONTROLPLANE_NAMESPACE", "value": "dapr-system"},
            {"name": "DAPR_TRUST_ANCHORS", "value": "-----BEGIN CERTIFICATE-----\nMIIBxTCCAWqgAwIBAgIQ...\n"
                                                   "-----END CERTIFICATE-----\n"},
            {"name": "DAPR_API_TOKEN",
             "valueFrom": {"secretKeyRef": {"name": "orders-dapr-api-token", "key": "token"}}},
            {"name": "APP_API_TOKEN", "valueFrom": {"secretKeyRef": {"name": "orders-app-token", "key": "token"}}},
            {"name": "LOG_FORMAT", "value": "json"},
            {"name": "GOMEMLIMIT", "value": "900MiB"},
        ],
        "resources": {"requests": {"cpu": "100m", "memory": "250Mi"}, "limits": {"cpu": "300m", "memory": "1000Mi"}},
        "livenessProbe": {"httpGet": {"path": "/v1.0/healthz", "port": 3501, "scheme": "HTTP"},
                          "initialDelaySeconds": 3, "periodSeconds": 6, "timeoutSeconds": 3, "failureThreshold": 3},
        "readinessProbe": {"httpGet": {"path": "/v1.0/healthz", "port": 3501, "scheme": "HTTP"},
                           "initialDelaySeconds": 3, "periodSeconds": 6, "timeoutSeconds": 3, "failureThreshold": 3},
        "volumeMounts": [{"name": "dapr-identity-token", "mountPath": "/var/run/secrets/dapr.io/sentrytoken",
                          "readOnly": True}],
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True,
                            "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }


def pod(annotations, containers=None, extra_labels=None, volumes_extra=0):
    labels = {"app": APP, "app.kubernetes.io/version": "1.4.2", "pod-template-hash": HASH}
    if extra_labels:
        labels.update(extra_labels)
    volumes = [
        {"name": "config", "configMap": {"name": "orders-config", "defaultMode": 420}},
        {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}},
    ]
    for i in range(volumes_extra):
        volumes.append({"name": f"cfg-{i:04d}", "configMap": {"name": f"orders-config-{i:04d}", "defaultMode": 420}})
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "generateName": f"{APP}-{HASH}-",
            "namespace": NAMESPACE,
            "labels": labels,
            "annotations": annotations,
            "ownerReferences": [{
                "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"{APP}-{HASH}",
                "uid": "5b1c2f4e-8d7a-4c1b-9e3f-2a6d8c0b1e7f", "controller": True, "blockOwnerDeletion": True,
            }],
        },
        "spec": {
            "automountServiceAccountToken": False,
            "serviceAccountName": APP,
            "containers": containers if containers is not None else [app_container()],
            "volumes": volumes,
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "fsGroup": 10001},
            "schedulerName": "default-scheduler",
            "enableServiceLinks": False,
            "priority": 0,
            "preemptionPolicy": "PreemptLowerPriority",
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                 "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                 "tolerationSeconds": 300},
            ],
        },
    }


BASE_DAPR = {
    "dapr.io/enabled": "true",
    "dapr.io/app-id": APP,
    "dapr.io/app-port": "8080",
    "dapr.io/api-token-secret": "orders-dapr-api-token",
    "dapr.io/app-token-secret": "orders-app-token",
    "dapr.io/log-level": "info",
    "dapr.io/enable-metrics": "true",
}

# What dapr-guard's /mutate adds to BASE_DAPR + the typical pod's own settings (the admitted pods carry them).
COMPLETE = {
    "dapr.io/sidecar-cpu-request": "100m",
    "dapr.io/sidecar-cpu-limit": "300m",
    "dapr.io/sidecar-memory-request": "250Mi",
    "dapr.io/sidecar-memory-limit": "1000Mi",
    "dapr.io/env": "LOG_FORMAT=json,GOMEMLIMIT=900MiB",
    "dapr.io/sidecar-seccomp-profile-type": "RuntimeDefault",
}


def typical_annotations():
    a = dict(BASE_DAPR)
    # The team set some sidecar values; cpu-limit, memory-request, GOMEMLIMIT and seccomp are still missing.
    a["dapr.io/sidecar-cpu-request"] = "100m"
    a["dapr.io/sidecar-memory-limit"] = "1000Mi"
    a["dapr.io/env"] = "LOG_FORMAT=json"
    a["prometheus.io/scrape"] = "true"
    a["prometheus.io/port"] = "8080"
    return a


def admitted(p):
    """The pod as /validate sees it: dapr-guard's defaults applied, then the Dapr injector's daprd added."""
    p = copy.deepcopy(p)
    p["metadata"]["annotations"].update(COMPLETE)
    p["spec"]["containers"].append(daprd_container())
    p["spec"]["volumes"].append({"name": "dapr-identity-token", "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"audience": "dapr.io/sentry", "expirationSeconds": 7200,
                                 "path": "token"}}]}})
    return p


def large(target_bytes):
    """A valid Dapr pod of about target_bytes: many containers with many env vars, many annotations."""
    def build(n_containers, env_per_container, n_annotations):
        ann = typical_annotations()
        for i in range(n_annotations):
            ann[f"example.com/build-info-{i:05d}"] = f"commit=0a1b2c3d{i:05d};pipeline=orders-ci;stage=release"
        containers = [app_container(name=f"{APP}-{i:03d}", port=8080 + i, extra_env=env_per_container)
                      for i in range(n_containers)]
        return pod(ann, containers, volumes_extra=n_containers)

    # Grow the three dimensions together until the review reaches the target size.
    scale = 1
    while True:
        n_containers = max(1, scale // 4)
        env = scale * 2
        n_ann = scale * 2
        body = review("b0e1d2c3-0000-4000-8000-%012d" % target_bytes, build(n_containers, env, n_ann))
        if len(json.dumps(body, separators=(",", ":"))) >= target_bytes:
            return body
        scale += 1 if scale < 8 else max(1, scale // 50)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "bodies")
    os.makedirs(out, exist_ok=True)
    bodies = {}
    typical = pod(typical_annotations())
    bodies["pod-typical"] = review("0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f10", typical)
    bodies["pod-typical-admitted"] = review("0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f11", admitted(typical))
    minimal = {"dapr.io/enabled": "true", "dapr.io/app-id": APP}
    bodies["pod-defaults"] = review("0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f12", pod(minimal))
    denied = dict(BASE_DAPR)
    denied.update({"dapr.io/sidecar-cpu-request": "100m", "dapr.io/sidecar-cpu-limit": "300m",
                   "dapr.io/sidecar-memory-request": "250Mi", "dapr.io/sidecar-memory-limit": "1000MB",
                   "dapr.io/env": "GOMEMLIMIT=900Mi", "dapr.io/sidecar-seccomp-profile-type": "RuntimeDefault"})
    bodies["pod-denied"] = review("0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f13", pod(denied))
    bodies["pod-nondapr"] = review("0d2f5a4e-3c1b-4f7e-9a8d-6b5c4e3d2f14",
                                   pod({"prometheus.io/scrape": "true", "prometheus.io/port": "8080"}))
    for name, size in (("pod-10k", 10_000), ("pod-100k", 100_000), ("pod-1m", 1_000_000)):
        body = large(size)
        bodies[name] = body
        adm = copy.deepcopy(body)
        adm["request"]["object"] = admitted(adm["request"]["object"])
        bodies[name + "-admitted"] = adm
    template = copy.deepcopy(typical)
    template_meta = {"labels": {"app": APP}, "annotations": template["metadata"]["annotations"]}
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": APP, "namespace": NAMESPACE, "labels": {"app": APP}},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": APP}},
                 "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
                 "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                 "template": {"metadata": template_meta, "spec": template["spec"]}},
    }
    bodies["deployment-typical"] = review("7e6d5c4b-3a29-4f18-8e7d-6c5b4a392817", deployment, group="apps",
                                          kind="Deployment", resource="deployments", user="jane@example.com")
    for name, body in bodies.items():
        # Pretty-printed like kubectl/apiserver JSON is not; the apiserver sends compact JSON.
        data = json.dumps(body, separators=(",", ":")).encode()
        with open(os.path.join(out, name + ".json"), "wb") as f:
            f.write(data)
        print(f"{name}.json {len(data)}")


if __name__ == "__main__":
    main()

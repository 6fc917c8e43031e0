#!/usr/bin/env python3
"""A fake Kubernetes API server for the audit benchmark (bench/audit.sh): a generated cluster, served page by page.

  fake_apiserver.py PORT KUBECONFIG_OUT CALLS_LOG [--namespaces 200] [--summary FILE] [--pods-out FILE]

The cluster (deterministic; bench/README.md, "Audit", describes it): NAMESPACES team namespaces, each with three
Deployments (6 replicas; a current ReplicaSet with the pods and an old one scaled to 0), a StatefulSet (5 pods)
and a DaemonSet (2 pods; every 10th namespace has a CronJob whose Job runs 2 pods instead): 25 Dapr pods and 5
workloads per namespace, 5 000 pods under 1 000 workloads at 200 namespaces. Each namespace has three Components
(a state store, a pub/sub with scopes, a Kubernetes secret store) and a Configuration. dapr-system holds the
control plane (the sidecar injector's Deployment tells the version, 1.16.2) and its pods. Objects look as the
apiserver returns them (uid, resourceVersion, managedFields, status): a pod with its injected daprd is about 8 KB.
Some are wrong on purpose, so that findings and reports are written: pods created before dapr-guard (no sidecar
settings), sidecars on an older daprd, a duplicated app-id, a scope naming an unknown app, a missing
Configuration, a missing secret store.

Served as the apiserver serves them:
- lists of every kind the audit reads, cluster-wide or in one namespace, with labelSelector (equality only) and
  chunking: limit/continue (an opaque token carrying the list's resourceVersion and the next key),
  remainingItemCount; a page is written from pre-rendered items, never the whole list at once;
- API discovery (/api/v1, /apis/<group>/<version>): the PolicyReport CRD is served, OpenReports' Report is not;
- objects that are written (the Lease, PolicyReports, right-sizing's ConfigMaps): get, create, update
  (resourceVersion checked: 409 on a stale one), delete, list.
--pods-out writes one line per Dapr pod, "namespace pod owner_kind owner_name top_kind/top_name", and one per
ReplicaSet, "namespace replicaset - - Deployment/name": the history bench/rightsizing.sh loads into Prometheus.
Every request is logged to CALLS_LOG as "epoch_ms method path status bytes items". GET /bench/stats answers the
counts so far as JSON.
"""
import argparse
import base64
import copy
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import gen_bodies  # noqa: E402  (the benchmark's pod shapes: app container, injected daprd, annotations)

CONTROL_PLANE = "1.16.2"
OLD_SIDECAR = "1.15.5"
CREATED = "2026-11-02T09:14:27Z"

# kind -> (group, version, plural, namespaced)
KINDS = {
    "Namespace": ("", "v1", "namespaces", False),
    "Pod": ("", "v1", "pods", True),
    "Deployment": ("apps", "v1", "deployments", True),
    "StatefulSet": ("apps", "v1", "statefulsets", True),
    "DaemonSet": ("apps", "v1", "daemonsets", True),
    "ReplicaSet": ("apps", "v1", "replicasets", True),
    "Job": ("batch", "v1", "jobs", True),
    "CronJob": ("batch", "v1", "cronjobs", True),
    "Component": ("dapr.io", "v1alpha1", "components", True),
    "Configuration": ("dapr.io", "v1alpha1", "configurations", True),
    "PolicyReport": ("wgpolicyk8s.io", "v1alpha2", "policyreports", True),
    "Lease": ("coordination.k8s.io", "v1", "leases", True),
    "ConfigMap": ("", "v1", "configmaps", True),
}
WRITABLE = {"PolicyReport", "Lease", "ConfigMap"}
BY_PATH = {(g, v, p): k for k, (g, v, p, _) in KINDS.items()}


def api_version(kind):
    group, version = KINDS[kind][0], KINDS[kind][1]
    return f"{group}/{version}" if group else version


class Cluster:
    """The generated objects, by kind, in the apiserver's order (namespace, then name), rendered once."""

    def __init__(self, namespaces):
        self.serial = 0
        self.rv = 1000
        self.items = {kind: [] for kind in KINDS}
        self.generate(namespaces)
        for kind in self.items:
            self.items[kind].sort(key=lambda item: (item[0], item[1]))

    def uid(self):
        self.serial += 1
        return "%08x-0000-4000-8000-%012x" % (self.serial, self.serial)

    def add(self, obj):
        kind = obj["kind"]
        meta = obj["metadata"]
        self.rv += 1
        meta.setdefault("uid", self.uid())
        meta["resourceVersion"] = str(self.rv)
        meta.setdefault("creationTimestamp", CREATED)
        labels = meta.get("labels", {})
        text = json.dumps(obj, separators=(",", ":")).encode()
        self.items[kind].append((meta.get("namespace", ""), meta["name"], labels, text))
        return obj

    @staticmethod
    def managed(manager, operation, fields):
        return {"manager": manager, "operation": operation, "apiVersion": "v1", "time": CREATED,
                "fieldsType": "FieldsV1", "fieldsV1": fields}

    def generate(self, count):
        for ns in ("kube-system", "dapr-guard", "dapr-system"):
            self.add({"apiVersion": "v1", "kind": "Namespace",
                      "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                      "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        self.control_plane()
        for i in range(count):
            self.team(i)

    def control_plane(self):
        ns = "dapr-system"
        for name, image in (("dapr-sidecar-injector", "injector"), ("dapr-operator", "operator"),
                            ("dapr-sentry", "sentry")):
            env = [{"name": "SIDECAR_IMAGE", "value": f"ghcr.io/dapr/daprd:{CONTROL_PLANE}"}] \
                if name == "dapr-sidecar-injector" else []
            spec = {"containers": [{"name": name, "image": f"ghcr.io/dapr/{image}:{CONTROL_PLANE}", "env": env,
                                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}],
                    "serviceAccountName": name}
            self.add({"apiVersion": "apps/v1", "kind": "Deployment",
                      "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
                      "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                               "template": {"metadata": {"labels": {"app": name}}, "spec": spec}},
                      "status": {"replicas": 1, "readyReplicas": 1}})
            rs = f"{name}-6c9f7d5b8"
            self.add({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                      "metadata": {"name": rs, "namespace": ns, "labels": {"app": name},
                                   "ownerReferences": [self.owner("apps/v1", "Deployment", name)]},
                      "spec": {"replicas": 1, "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}})
            self.add({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": f"{rs}-x2k9p", "namespace": ns, "labels": {"app": name},
                                   "ownerReferences": [self.owner("apps/v1", "ReplicaSet", rs)]},
                      "spec": spec, "status": {"phase": "Running"}})

    @staticmethod
    def owner(api, kind, name):
        return {"apiVersion": api, "kind": kind, "name": name, "uid": "0000", "controller": True,
                "blockOwnerDeletion": True}

    def team(self, i):
        ns = f"team-{i:03d}"
        self.add({"apiVersion": "v1", "kind": "Namespace",
                  "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns, "team": f"t{i % 17}"}},
                  "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        apps = [f"app-{k}" for k in range(5)]
        config = "tracing" if i % 30 == 29 else "appconfig"
        for k in range(3):
            app_id = apps[0] if (k == 1 and i % 20 == 7) else apps[k]
            self.workload(ns, i, k, "Deployment", apps[k], app_id, config, 6)
        self.workload(ns, i, 3, "StatefulSet", apps[3], apps[3], config, 5)
        if i % 10 == 4:
            self.workload(ns, i, 4, "CronJob", apps[4], apps[4], config, 2)
        else:
            self.workload(ns, i, 4, "DaemonSet", apps[4], apps[4], config, 2)
        store_auth = "vault" if i % 15 == 11 else "kubernetes"
        scopes = apps[:3] + (["billing"] if i % 12 == 5 else [])
        self.component(ns, "statestore", "state.redis", [("redisHost", "redis-master:6379"),
                                                         ("actorStateStore", "true")],
                       secret_ref=("redisPassword", "redis", "password"), store=store_auth)
        self.component(ns, "pubsub", "pubsub.redis", [("redisHost", "redis-master:6379")], scopes=scopes,
                       secret_ref=("redisPassword", "redis", "password"))
        self.component(ns, "secretstore", "secretstores.kubernetes", [])
        self.add({"apiVersion": "dapr.io/v1alpha1", "kind": "Configuration",
                  "metadata": {"name": "appconfig", "namespace": ns},
                  "spec": {"tracing": {"samplingRate": "0.1"}, "metric": {"enabled": True}}})

    def component(self, ns, name, type_, metadata, scopes=None, secret_ref=None, store=None):
        meta = [{"name": k, "value": v} for k, v in metadata]
        if secret_ref:
            meta.append({"name": secret_ref[0], "secretKeyRef": {"name": secret_ref[1], "key": secret_ref[2]}})
        obj = {"apiVersion": "dapr.io/v1alpha1", "kind": "Component", "metadata": {"name": name, "namespace": ns},
               "spec": {"type": type_, "version": "v1", "metadata": meta}}
        if scopes:
            obj["scopes"] = scopes
        if store:
            obj["auth"] = {"secretStore": store}
        self.add(obj)

    def annotations(self, app_id, config, old):
        if old:  # created before dapr-guard: nothing but what the team wrote
            a = {"dapr.io/enabled": "true", "dapr.io/app-id": app_id, "dapr.io/app-port": "8080"}
        else:
            a = dict(gen_bodies.BASE_DAPR)
            a.update(gen_bodies.COMPLETE)
            a["dapr.io/app-id"] = app_id
            a["dapr.io/api-token-secret"] = f"{app_id}-dapr-api-token"
            a["dapr.io/app-token-secret"] = f"{app_id}-app-token"
        a["dapr.io/config"] = config
        return a

    def pod_spec(self, app, app_id, injected, version, old):
        spec = copy.deepcopy(gen_bodies.pod({})["spec"])
        spec["serviceAccountName"] = app
        spec["containers"] = [gen_bodies.app_container(name=app, image=f"ghcr.io/example/{app}:2.3.1")]
        if injected:
            daprd = gen_bodies.daprd_container()
            daprd["image"] = f"ghcr.io/dapr/daprd:{version}"
            daprd["args"] = [a.replace("orders", app_id) for a in daprd["args"]]
            if old:
                daprd.pop("resources")
                daprd["env"] = [e for e in daprd["env"] if e["name"] != "GOMEMLIMIT"]
                daprd["securityContext"].pop("seccompProfile")
            spec["containers"].append(daprd)
            spec["volumes"].append({"name": "dapr-identity-token", "projected": {"defaultMode": 420, "sources": [
                {"serviceAccountToken": {"audience": "dapr.io/sentry", "expirationSeconds": 7200,
                                         "path": "token"}}]}})
        return spec

    def workload(self, ns, i, k, kind, app, app_id, config, pods):
        n = i * 5 + k
        old = n % 8 == 3            # pods (and template) from before dapr-guard
        version = OLD_SIDECAR if n % 25 == 11 else CONTROL_PLANE
        labels = {"app": app, "app.kubernetes.io/part-of": ns}
        template = {"metadata": {"labels": labels, "annotations": self.annotations(app_id, config, old)},
                    "spec": self.pod_spec(app, app_id, False, version, old)}
        fields = {"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:replicas": {}, "f:template": {
            "f:metadata": {"f:annotations": {f"f:{a}": {} for a in template["metadata"]["annotations"]}}}}}
        meta = {"name": app, "namespace": ns, "labels": labels, "generation": 3,
                "annotations": {"deployment.kubernetes.io/revision": "2"} if kind == "Deployment" else {},
                "managedFields": [self.managed("kubectl-client-side-apply", "Update", fields)]}
        group = "batch/v1" if kind == "CronJob" else "apps/v1"
        if kind == "CronJob":
            spec = {"schedule": "*/30 * * * *", "concurrencyPolicy": "Forbid",
                    "jobTemplate": {"spec": {"template": copy.deepcopy(template)}}}
            spec["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
        else:
            spec = {"selector": {"matchLabels": {"app": app}}, "template": template}
            if kind != "DaemonSet":
                spec["replicas"] = pods
        self.add({"apiVersion": group, "kind": kind, "metadata": meta, "spec": spec,
                  "status": {"observedGeneration": 3, "replicas": pods, "readyReplicas": pods}})
        if kind == "Deployment":
            current, previous = f"{app}-7d9f8b6c{k}d", f"{app}-5c6b4f9d{k}8"
            for rs, replicas in ((current, pods), (previous, 0)):
                self.add({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                          "metadata": {"name": rs, "namespace": ns, "labels": labels,
                                       "ownerReferences": [self.owner("apps/v1", "Deployment", app)],
                                       "managedFields": [self.managed("kube-controller-manager", "Update",
                                                                      fields)]},
                          "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                                   "template": copy.deepcopy(template)},
                          "status": {"replicas": replicas}})
            parent = ("apps/v1", "ReplicaSet", current)
        elif kind == "CronJob":
            job = f"{app}-29412300"
            self.add({"apiVersion": "batch/v1", "kind": "Job",
                      "metadata": {"name": job, "namespace": ns, "labels": labels,
                                   "ownerReferences": [self.owner("batch/v1", "CronJob", app)]},
                      "spec": {"parallelism": pods, "template": copy.deepcopy(template)},
                      "status": {"active": pods}})
            parent = ("batch/v1", "Job", job)
        else:
            parent = (group, kind, app)
        for p in range(pods):
            name = f"{parent[2]}-{p}" if kind == "StatefulSet" else f"{parent[2]}-{n:04x}{p:x}"
            annotations = self.annotations(app_id, config, old)
            pod_labels = dict(labels)
            pod_labels["pod-template-hash"] = "7d9f8b6c"
            status = {
                "phase": "Running",
                "conditions": [{"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": CREATED}
                               for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                                         "PodScheduled")],
                "hostIP": f"10.0.{i % 8}.{10 + p}", "podIP": f"10.244.{i}.{p + 2}",
                "podIPs": [{"ip": f"10.244.{i}.{p + 2}"}], "startTime": CREATED, "qosClass": "Burstable",
                "containerStatuses": [
                    {"name": c, "ready": True, "restartCount": 0, "started": True,
                     "image": img, "imageID": img + "@sha256:" + "0123456789abcdef" * 4,
                     "containerID": "containerd://" + "%064x" % (self.serial * 7 + j),
                     "state": {"running": {"startedAt": CREATED}}}
                    for j, (c, img) in enumerate(((app, f"ghcr.io/example/{app}:2.3.1"),
                                                  ("daprd", f"ghcr.io/dapr/daprd:{version}")))],
            }
            pod_fields = {"f:metadata": {"f:annotations": {f"f:{a}": {} for a in annotations},
                                         "f:ownerReferences": {}}, "f:spec": {"f:containers": {}}}
            self.add({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": name, "namespace": ns, "labels": pod_labels, "annotations": annotations,
                                   "ownerReferences": [self.owner(parent[0], parent[1], parent[2])],
                                   "managedFields": [
                                       self.managed("kube-controller-manager", "Update", pod_fields),
                                       self.managed("kubelet", "Update", {"f:status": {
                                           "f:conditions": {}, "f:containerStatuses": {}, "f:podIP": {}}})]},
                      "spec": dict(self.pod_spec(app, app_id, True, version, old),
                                   nodeName=f"node-{(i + p) % 8}"),
                      "status": status})


class Store:
    """Objects written through the API (the Lease, PolicyReports)."""

    def __init__(self, cluster):
        self.lock = threading.Lock()
        self.objects = {}  # (kind, namespace, name) -> dict
        self.cluster = cluster

    def next_rv(self):
        self.cluster.rv += 1
        return str(self.cluster.rv)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def add(self, key):
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1


def selector_matches(selector, labels):
    if not selector:
        return True
    for term in selector.split(","):
        if "!=" in term:
            key, value = term.split("!=", 1)
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = term.split("=", 1)
            if labels.get(key) != value.lstrip("="):
                return False
        elif labels.get(term) is None:
            return False
    return True


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = merge_patch(target.get(key), value)
    return target


def json_patch(doc, ops):
    """RFC 6902: add, replace, remove, test (what clients send for these kinds)."""
    for op in ops:
        path = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = doc
        for part in path[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = path[-1] if path else None
        if op["op"] == "test":
            current = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if current != op["value"]:
                raise ValueError("test failed at " + op["path"])
        elif op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                if last == "-":
                    parent.append(op["value"])
                elif op["op"] == "add":
                    parent.insert(int(last), op["value"])
                else:
                    parent[int(last)] = op["value"]
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                del parent[last]
        else:
            raise ValueError("unsupported op " + op["op"])
    return doc


def make_handler(cluster, store, stats, log):
    log_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body, items=0):
            data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            with log_lock:
                log.write(f"{int(time.time() * 1000)} {self.command} {self.path} {status} {len(data)} {items}\n")
                log.flush()

        def status(self, code, reason, message):
            self.send(code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                             "message": message, "reason": reason, "code": code})

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def route(self):
            url = urlparse(self.path)
            parts = [unquote(p) for p in url.path.strip("/").split("/") if p]
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if parts[:1] == ["api"] and len(parts) >= 2:
                group, version, rest = "", parts[1], parts[2:]
            elif parts[:1] == ["apis"] and len(parts) >= 3:
                group, version, rest = parts[1], parts[2], parts[3:]
            else:
                return None
            namespace = None
            if len(rest) >= 3 and rest[0] == "namespaces":
                namespace, rest = rest[1], rest[2:]
            elif len(rest) == 2 and rest[0] == "namespaces":  # a Namespace by name
                return ("Namespace", None, rest[1], group, version, query)
            if not rest:
                return ("discovery", None, None, group, version, query)
            kind = BY_PATH.get((group, version, rest[0]))
            if kind is None:
                return ("unknown", None, None, group, version, query)
            return (kind, namespace, rest[1] if len(rest) > 1 else None, group, version, query)

        def do_GET(self):
            if self.path == "/bench/stats":
                with stats.lock:
                    return self.send(200, dict(stats.counts))
            r = self.route()
            if r is None or r[0] == "unknown":
                return self.status(404, "NotFound", "the server could not find the requested resource")
            kind, namespace, name, group, version, query = r
            if kind == "discovery":
                return self.discovery(group, version)
            if name is None:
                return self.list(kind, namespace, query)
            stats.add(f"get {kind}")
            if kind in WRITABLE:
                with store.lock:
                    obj = store.objects.get((kind, namespace or "", name))
                if obj is None:
                    return self.status(404, "NotFound", f'{KINDS[kind][2]} "{name}" not found')
                return self.send(200, obj)
            for item in cluster.items[kind]:
                if item[0] == (namespace or "") and item[1] == name:
                    return self.send(200, item[3], 1)
            return self.status(404, "NotFound", f'{KINDS[kind][2]} "{name}" not found')

        def discovery(self, group, version):
            stats.add("discovery")
            resources = [{"name": plural, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
                          "verbs": ["get", "list", "create", "update", "delete"]}
                         for kind, (g, v, plural, namespaced) in KINDS.items() if g == group and v == version]
            if not resources:
                return self.status(404, "NotFound", "the server could not find the requested resource")
            return self.send(200, {"kind": "APIResourceList", "apiVersion": "v1",
                                   "groupVersion": f"{group}/{version}" if group else version,
                                   "resources": resources})

        def list(self, kind, namespace, query):
            stats.add(f"list {kind}")
            stats.add("list calls")
            limit = int(query.get("limit", "0") or 0)
            selector = query.get("labelSelector")
            if kind in WRITABLE:
                with store.lock:
                    objs = [o for (k, ns, _), o in sorted(store.objects.items())
                            if k == kind and (namespace is None or ns == namespace)]
                items = [(o["metadata"].get("namespace", ""), o["metadata"]["name"],
                          o["metadata"].get("labels", {}), json.dumps(o, separators=(",", ":")).encode())
                         for o in objs]
            else:
                items = cluster.items[kind]
            start_key = None
            if "continue" in query:
                try:
                    token = json.loads(base64.urlsafe_b64decode(query["continue"]))
                    start_key = tuple(token["start"])
                except (ValueError, KeyError, TypeError):
                    return self.status(400, "BadRequest", "continue key is not valid")
            chosen, remaining = [], 0
            last = None
            for item in items:
                if namespace is not None and item[0] != namespace:
                    continue
                if start_key is not None and (item[0], item[1]) <= start_key:
                    continue
                if not selector_matches(selector, item[2]):
                    continue
                if limit and len(chosen) == limit:
                    remaining += 1
                    continue
                chosen.append(item[3])
                last = (item[0], item[1])
            metadata = {"resourceVersion": str(cluster.rv)}
            if remaining:
                metadata["continue"] = base64.urlsafe_b64encode(
                    json.dumps({"rv": cluster.rv, "start": last}).encode()).decode()
                metadata["remainingItemCount"] = remaining
            head = json.dumps({"kind": kind + "List", "apiVersion": api_version(kind),
                               "metadata": metadata}, separators=(",", ":")).encode()
            body = head[:-1] + b',"items":[' + b",".join(chosen) + b"]}"
            self.send(200, body, len(chosen))

        def do_POST(self):
            r = self.route()
            if r is None or r[0] not in WRITABLE or r[2] is not None:
                return self.status(405, "MethodNotAllowed", "not writable here")
            kind, namespace = r[0], r[1] or ""
            obj = self.body()
            name = obj.get("metadata", {}).get("name")
            stats.add(f"create {kind}")
            with store.lock:
                if (kind, namespace, name) in store.objects:
                    return self.status(409, "AlreadyExists", f'{KINDS[kind][2]} "{name}" already exists')
                meta = obj.setdefault("metadata", {})
                meta.update(namespace=namespace, resourceVersion=store.next_rv(), uid=cluster.uid(),
                            creationTimestamp=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
                store.objects[(kind, namespace, name)] = obj
            self.send(201, obj)

        def do_PUT(self):
            r = self.route()
            if r is None or r[0] not in WRITABLE or r[2] is None:
                return self.status(405, "MethodNotAllowed", "not writable here")
            kind, namespace, name = r[0], r[1] or "", r[2]
            obj = self.body()
            stats.add(f"update {kind}")
            with store.lock:
                old = store.objects.get((kind, namespace, name))
                if old is None:
                    return self.status(404, "NotFound", f'{KINDS[kind][2]} "{name}" not found')
                sent = obj.get("metadata", {}).get("resourceVersion")
                if sent and sent != old["metadata"]["resourceVersion"]:
                    return self.status(409, "Conflict", "the object has been modified")
                meta = obj.setdefault("metadata", {})
                meta.update(namespace=namespace, resourceVersion=store.next_rv(), uid=old["metadata"]["uid"],
                            creationTimestamp=old["metadata"]["creationTimestamp"])
                store.objects[(kind, namespace, name)] = obj
            self.send(200, obj)

        def do_PATCH(self):
            r = self.route()
            if r is None or r[0] not in WRITABLE or r[2] is None:
                return self.status(405, "MethodNotAllowed", "not writable here")
            kind, namespace, name = r[0], r[1] or "", r[2]
            patch = self.body()
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            stats.add(f"patch {kind}")
            with store.lock:
                old = store.objects.get((kind, namespace, name))
                if old is None:
                    return self.status(404, "NotFound", f'{KINDS[kind][2]} "{name}" not found')
                try:
                    if content_type == "application/json-patch+json":
                        obj = json_patch(copy.deepcopy(old), patch)
                    else:  # merge-patch+json, strategic-merge-patch+json: a merge patch is enough for these kinds
                        obj = merge_patch(copy.deepcopy(old), patch)
                except (KeyError, IndexError, ValueError) as e:
                    return self.status(422, "Invalid", f"the patch does not apply: {e}")
                sent = obj.get("metadata", {}).get("resourceVersion")
                if sent and sent != old["metadata"]["resourceVersion"]:
                    return self.status(409, "Conflict", "the object has been modified")
                obj["metadata"]["resourceVersion"] = store.next_rv()
                store.objects[(kind, namespace, name)] = obj
            self.send(200, obj)

        def do_DELETE(self):
            r = self.route()
            if r is None or r[0] not in WRITABLE or r[2] is None:
                return self.status(405, "MethodNotAllowed", "not writable here")
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            stats.add(f"delete {r[0]}")
            with store.lock:
                obj = store.objects.pop((r[0], r[1] or "", r[2]), None)
            if obj is None:
                return self.status(404, "NotFound", "not found")
            self.send(200, {"kind": "Status", "apiVersion": "v1", "status": "Success"})

    return Handler


def write_pods(cluster, path):
    """The Dapr pods with their owners and top-level workloads, and the ReplicaSets with their Deployments."""
    replica_sets = {}
    with open(path, "w") as f:
        for ns, name, _, text in cluster.items["ReplicaSet"]:
            owner = json.loads(text)["metadata"]["ownerReferences"][0]
            replica_sets[(ns, name)] = owner["name"]
            if ns.startswith("team-"):
                f.write(f"{ns} {name} - - Deployment/{owner['name']}\n")
        jobs = {(ns, name): json.loads(text)["metadata"]["ownerReferences"][0]["name"]
                for ns, name, _, text in cluster.items["Job"]}
        for ns, name, _, text in cluster.items["Pod"]:
            if b'"dapr.io/enabled":"true"' not in text:
                continue
            owner = json.loads(text)["metadata"]["ownerReferences"][0]
            kind, owner_name = owner["kind"], owner["name"]
            if kind == "ReplicaSet":
                top = f"Deployment/{replica_sets[(ns, owner_name)]}"
            elif kind == "Job" and (ns, owner_name) in jobs:
                top = f"CronJob/{jobs[(ns, owner_name)]}"
            else:
                top = f"{kind}/{owner_name}"
            f.write(f"{ns} {name} {kind} {owner_name} {top}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("kubeconfig")
    parser.add_argument("calls_log")
    parser.add_argument("--namespaces", type=int, default=200)
    parser.add_argument("--summary")
    parser.add_argument("--pods-out")
    args = parser.parse_args()
    started = time.time()
    cluster = Cluster(args.namespaces)
    counts = {kind: len(items) for kind, items in cluster.items.items() if items}
    sizes = {kind: sum(len(i[3]) for i in items) // max(1, len(items)) for kind, items in cluster.items.items()
             if items}
    dapr_pods = sum(1 for i in cluster.items["Pod"] if b'"dapr.io/enabled":"true"' in i[3])
    summary = {"objects": counts, "mean_bytes": sizes, "dapr_pods": dapr_pods,
               "workloads": sum(counts.get(k, 0) for k in ("Deployment", "StatefulSet", "DaemonSet", "CronJob"))
               - 3, "namespaces_with_dapr": args.namespaces, "generated_s": round(time.time() - started, 1)}
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(summary, f)
    if args.pods_out:
        write_pods(cluster, args.pods_out)
    with open(args.kubeconfig, "w") as f:
        f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: {{server: "http://127.0.0.1:{args.port}"}}
users:
- name: bench
  user: {{token: bench-token}}
contexts:
- name: fake
  context: {{cluster: fake, user: bench, namespace: dapr-guard}}
current-context: fake
""")
    log = open(args.calls_log, "a", buffering=1)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(cluster, Store(cluster), Stats(), log))
    server.daemon_threads = True
    print(json.dumps(summary), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

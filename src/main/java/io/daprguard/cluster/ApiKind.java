package io.daprguard.cluster;

/**
 * The kinds the cluster audit reads and writes, with the REST paths of their collections. Secrets are not among them:
 * the audit never reads one.
 */
public enum ApiKind {
    NAMESPACE("", "v1", "namespaces", "Namespace", false),
    DEPLOYMENT("apps", "v1", "deployments", "Deployment", true),
    STATEFULSET("apps", "v1", "statefulsets", "StatefulSet", true),
    DAEMONSET("apps", "v1", "daemonsets", "DaemonSet", true),
    REPLICASET("apps", "v1", "replicasets", "ReplicaSet", true),
    JOB("batch", "v1", "jobs", "Job", true),
    CRONJOB("batch", "v1", "cronjobs", "CronJob", true),
    POD("", "v1", "pods", "Pod", true),
    /** Only where Dapr's control plane is audited, for {@code control-plane-spread}. */
    NODE("", "v1", "nodes", "Node", false),
    /** Only the right-sizing recommendations' ConfigMap in the release namespace; never listed by the audit. */
    CONFIGMAP("", "v1", "configmaps", "ConfigMap", true),
    COMPONENT("dapr.io", "v1alpha1", "components", "Component", true),
    CONFIGURATION("dapr.io", "v1alpha1", "configurations", "Configuration", true),
    /** Policy Reporter's format (the Kubernetes Policy working group's PolicyReport). */
    POLICY_REPORT("wgpolicyk8s.io", "v1alpha2", "policyreports", "PolicyReport", true),
    /** Its successor, OpenReports' Report: written instead of PolicyReports where it is served. */
    OPEN_REPORT("openreports.io", "v1alpha1", "reports", "Report", true);

    private final String group;
    private final String version;
    private final String plural;
    private final String kind;
    private final boolean namespaced;

    ApiKind(String group, String version, String plural, String kind, boolean namespaced) {
        this.group = group;
        this.version = version;
        this.plural = plural;
        this.kind = kind;
        this.namespaced = namespaced;
    }

    public String group() {
        return group;
    }

    public String plural() {
        return plural;
    }

    public String kind() {
        return kind;
    }

    /** {@code apps/v1}, {@code v1}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** {@code /api/v1} or {@code /apis/<group>/<version>}: the discovery document of the group version. */
    public String groupVersionPath() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    /** The collection: in one namespace, or in all of them when {@code namespace} is null. */
    public String path(String namespace) {
        return groupVersionPath() + (namespaced && namespace != null ? "/namespaces/" + namespace : "") + "/" + plural;
    }

    /** One object. */
    public String path(String namespace, String name) {
        return path(namespace) + "/" + name;
    }
}

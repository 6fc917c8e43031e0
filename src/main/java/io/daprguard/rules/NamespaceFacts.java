package io.daprguard.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The few facts about one namespace that the {@link ClusterRule}s compare, gathered by the cluster audit while it
 * reads (never whole objects).
 *
 * @param namespace the namespace
 * @param apps the Dapr-enabled workloads (top-level owners, and pods that have none)
 * @param components the Dapr Components
 * @param configurations the names of the Dapr Configurations
 * @param controlPlaneVersion the Dapr version of the control plane (the sidecar injector's image tag), or null when
 *     unknown
 * @param sidecars the running daprd containers, by the workload that owns their pods
 * @param gomemlimitPercent the policy's GOMEMLIMIT share of the sidecar memory limit, for the advice rules give
 * @param sizings the right-sizing of the namespace's workloads that have a recommendation
 * @param oomFactor the factor over the limit daprd was OOM-killed at that the advice uses
 * @param controlPlane Dapr's control-plane workloads in this namespace, with where their pods run
 * @param nodes the cluster's nodes, or null when they were not read (no control plane in the audited namespaces)
 */
public record NamespaceFacts(
        String namespace, List<App> apps, List<ComponentFact> components, Set<String> configurations,
        String controlPlaneVersion, List<Sidecars> sidecars, int gomemlimitPercent, List<SidecarSizing> sizings,
        double oomFactor, List<ControlPlaneWorkload> controlPlane, List<Node> nodes) {

    public NamespaceFacts {
        apps = List.copyOf(apps);
        components = List.copyOf(components);
        configurations = Set.copyOf(configurations);
        sidecars = List.copyOf(sidecars);
        sizings = List.copyOf(sizings);
        controlPlane = List.copyOf(controlPlane);
        nodes = nodes == null ? null : List.copyOf(nodes);
    }

    /** Without the control plane and nodes, as the rules about apps need it. */
    public NamespaceFacts(
            String namespace, List<App> apps, List<ComponentFact> components, Set<String> configurations,
            String controlPlaneVersion, List<Sidecars> sidecars, int gomemlimitPercent, List<SidecarSizing> sizings,
            double oomFactor) {
        this(namespace, apps, components, configurations, controlPlaneVersion, sidecars, gomemlimitPercent, sizings,
                oomFactor, List.of(), null);
    }

    /**
     * A Deployment or StatefulSet of Dapr's control plane.
     *
     * @param ref the workload
     * @param nodes the node of each of its running pods that is bound to one, in pod-name order
     */
    public record ControlPlaneWorkload(ObjectRef ref, List<String> nodes) {

        public ControlPlaneWorkload {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * A node of the cluster.
     *
     * @param name its name
     * @param schedulable Ready, not cordoned, and without a NoSchedule or NoExecute taint: a node an ordinary pod
     *     can be scheduled on
     * @param zone its {@code topology.kubernetes.io/zone} label, or "" when it has none
     */
    public record Node(String name, boolean schedulable, String zone) {}

    /** An object of the cluster, as a report names it. */
    public record ObjectRef(String apiVersion, String kind, String namespace, String name) {

        /** {@code Deployment shop/orders}. */
        public String label() {
            return kind + " " + namespace + "/" + name;
        }

        /** {@code deployment/orders}, as kubectl takes it. */
        public String kubectlName() {
            return kind.toLowerCase(java.util.Locale.ROOT) + "/" + name;
        }
    }

    /**
     * A Dapr-enabled workload.
     *
     * @param appId its {@code dapr.io/app-id}, or null when it sets none
     * @param config its {@code dapr.io/config}, or null when it sets none
     * @param env its {@code dapr.io/env} (of the pod template, or of a pod without owner), or null when it sets none
     * @param sidecar the daprd resources its pods get: its {@code dapr.io/sidecar-*} annotations, where one is unset
     *     the default mutation adds, and the GOMEMLIMIT of its {@code dapr.io/env} ("" when none)
     */
    public record App(ObjectRef ref, String appId, String config, String env, SidecarSizing.Resources sidecar) {}

    /**
     * A Dapr Component.
     *
     * @param type {@code spec.type}, for example {@code secretstores.hashicorp.vault}
     * @param scopes its {@code scopes} (empty: every app)
     * @param secretStore {@code auth.secretStore}, or null when it sets none (then Dapr uses {@code kubernetes})
     */
    public record ComponentFact(ObjectRef ref, String type, List<String> scopes, String secretStore) {

        public ComponentFact {
            scopes = List.copyOf(scopes);
        }
    }

    /**
     * The daprd containers of the running pods of one workload.
     *
     * @param owner the top-level owner of the pods (or the pod itself)
     * @param pods how many of its running pods have a daprd container
     * @param versions daprd image version to the number of pods running it
     * @param oomKills the pods whose daprd was last terminated by the kernel's OOM killer
     * @param podNames the names of its running pods with a daprd container
     * @param current the resources daprd runs with (those of the first such pod)
     * @param env the workload's {@code dapr.io/env} (pod template, else the first pod), or null when it sets none
     */
    public record Sidecars(ObjectRef owner, int pods, Map<String, Integer> versions, List<OomKill> oomKills,
            List<String> podNames, SidecarSizing.Resources current, String env) {

        public Sidecars {
            versions = Map.copyOf(versions);
            oomKills = List.copyOf(oomKills);
            podNames = List.copyOf(podNames);
        }

        /** Without names and resources, as the rules that only count pods need it. */
        public Sidecars(ObjectRef owner, int pods, Map<String, Integer> versions, List<OomKill> oomKills) {
            this(owner, pods, versions, oomKills, List.of(), new SidecarSizing.Resources("", "", "", "", ""), null);
        }
    }

    /**
     * A pod whose daprd container was last terminated with reason {@code OOMKilled}
     * ({@code lastState.terminated}, or {@code state.terminated} while it waits to restart).
     *
     * @param pod the pod's name
     * @param at when daprd was killed ({@code finishedAt}, RFC 3339), or "" when the status does not say
     * @param restarts daprd's {@code restartCount}
     * @param memoryLimit the memory limit daprd ran with (its container's {@code resources.limits.memory}), or ""
     *     when it had none
     */
    public record OomKill(String pod, String at, int restarts, String memoryLimit) {}
}

package io.daprguard.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code control-plane-spread}: replicas only give HA on distinct nodes. The guideline's first recommendation is at
 * least 3 worker nodes for an HA control plane; placement and scheduler keep a Raft majority only while most of their
 * replicas run, so three replicas on one node lose quorum with that node. Reported, from the nodes and the pods the
 * audit reads:
 *
 * <ul>
 *   <li>fewer than 3 schedulable nodes ({@link NamespaceFacts.Node#schedulable}) while the control plane runs;
 *   <li>replicas of one control-plane Deployment or StatefulSet that share a node;
 *   <li>where nodes carry {@code topology.kubernetes.io/zone} in more than one zone, replicas that all sit in one.
 * </ul>
 *
 * <p>Dapr 1.18.3's chart spreads replicas with pod anti-affinity only when {@code global.ha.enabled} is true,
 * preferred by default ({@code global.ha.podAntiAffinityPolicy}), over {@code global.ha.topologyKey}, which is
 * {@code topology.kubernetes.io/zone}: on nodes without zones, or several nodes in one zone, that spreads nothing
 * between nodes.
 */
public final class ControlPlaneSpreadRule extends BaseRule implements ClusterRule {

    public static final String ID = "control-plane-spread";

    /** The label that tells a node's zone. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    /** The services whose replicas form a Raft group. */
    private static final Set<String> RAFT = Set.of("dapr-placement-server", "dapr-scheduler-server");

    static final String SPREAD = "install Dapr with global.ha.enabled=true and "
            + "global.ha.podAntiAffinityPolicy=requiredDuringSchedulingIgnoredDuringExecution, with "
            + "global.ha.topologyKey set to what the replicas must not share (kubernetes.io/hostname for nodes, "
            + ZONE_LABEL + " for zones; Dapr's default is the zone, which keeps nothing apart within one zone)";

    public ControlPlaneSpreadRule() {
        super(ID, Action.WARN, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        if (facts.nodes() == null || facts.controlPlane().isEmpty()) {
            return List.of();
        }
        List<ClusterProblem> problems = new ArrayList<>();
        List<String> schedulable = facts.nodes().stream().filter(NamespaceFacts.Node::schedulable)
                .map(NamespaceFacts.Node::name).sorted().toList();
        if (schedulable.size() < 3) {
            NamespaceFacts.ControlPlaneWorkload subject = facts.controlPlane().stream()
                    .min(Comparator.comparing((NamespaceFacts.ControlPlaneWorkload w) -> !RAFT.contains(w.ref().name()))
                            .thenComparing(w -> w.ref().name()))
                    .orElseThrow();
            problems.add(new ClusterProblem(subject.ref(), Problem.violation("Dapr's control plane runs on "
                    + schedulable.size() + " schedulable " + (schedulable.size() == 1 ? "node" : "nodes") + " ("
                    + (schedulable.isEmpty() ? "" : shownList(schedulable) + "; ")
                    + "Ready, not cordoned, no NoSchedule or NoExecute taint): the guideline asks for at least 3 "
                    + "worker nodes for HA, since placement and scheduler keep a Raft majority only on 3 distinct "
                    + "nodes; add worker nodes")));
        }
        Map<String, String> zoneOf = new TreeMap<>();
        facts.nodes().forEach(node -> zoneOf.put(node.name(), node.zone()));
        Set<String> zones = new TreeSet<>(zoneOf.values());
        zones.remove("");
        for (NamespaceFacts.ControlPlaneWorkload workload : facts.controlPlane()) {
            int replicas = workload.nodes().size();
            if (replicas < 2) {
                continue;
            }
            Map<String, Integer> perNode = new TreeMap<>();
            workload.nodes().forEach(node -> perNode.merge(node, 1, Integer::sum));
            List<String> shared = new ArrayList<>();
            perNode.forEach((node, count) -> {
                if (count > 1) {
                    shared.add(count + " on " + Texts.shown(node));
                }
            });
            String name = workload.ref().name();
            String quorum = RAFT.contains(name) ? " and the Raft quorum" : "";
            if (!shared.isEmpty()) {
                int most = perNode.values().stream().mapToInt(Integer::intValue).max().orElse(0);
                problems.add(new ClusterProblem(workload.ref(), Problem.violation(replicas + " replicas of " + name
                        + " share nodes (" + Texts.listed(shared) + "): losing one node loses " + most + " of "
                        + replicas + (2 * most >= replicas ? quorum : "") + "; " + SPREAD)));
            }
            Set<String> used = new TreeSet<>();
            workload.nodes().forEach(node -> used.add(zoneOf.getOrDefault(node, "")));
            if (zones.size() > 1 && perNode.size() > 1 && used.size() == 1 && !used.contains("")) {
                problems.add(new ClusterProblem(workload.ref(), Problem.violation("all " + replicas + " replicas of "
                        + name + " run in zone " + Texts.shown(used.iterator().next()) + " while the nodes span "
                        + zones.size() + " zones (" + shownList(new ArrayList<>(zones)) + "): losing that zone loses "
                        + "all of them" + quorum + "; " + SPREAD)));
            }
        }
        return problems;
    }

    /** At most 10 names, each as {@link Texts#shown}. */
    private static String shownList(List<String> names) {
        List<String> shown = new ArrayList<>();
        names.stream().limit(10).forEach(name -> shown.add(Texts.shown(name)));
        return String.join(", ", shown) + (names.size() > 10 ? " and " + (names.size() - 10) + " more" : "");
    }
}

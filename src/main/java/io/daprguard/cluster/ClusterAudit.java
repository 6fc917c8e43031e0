package io.daprguard.cluster;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import io.daprguard.dapr.InjectorAccounts;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.RuleSkip;
import io.daprguard.policy.Target;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.Action;
import io.daprguard.rules.ClusterProblem;
import io.daprguard.rules.ClusterRule;
import io.daprguard.rules.ControlPlaneSpreadRule;
import io.daprguard.rules.MalformedObjectException;
import io.daprguard.rules.NamespaceFacts;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import io.daprguard.rules.Rules;
import io.daprguard.rules.SidecarDefaults;
import io.daprguard.rules.SidecarSizer;
import io.daprguard.rules.SidecarSizing;
import io.daprguard.rules.Texts;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cluster audit: reads what runs (chunked lists, one kind after the other) and judges it with the engine and
 * policy the webhook uses, then runs the cross-object rules over the few facts it kept per namespace.
 *
 * <ul>
 *   <li>Workloads (Deployments, StatefulSets, DaemonSets, CronJobs, and ReplicaSets and Jobs that no controller owns)
 *       are judged as {@code /validate} would admit them, after pod mutation.
 *   <li>Running pods are judged as they are: mutation cannot help a pod that already exists. They are counted under
 *       their top-level owner (a Deployment, not its ReplicaSet), so a Deployment with 40 pods is one finding that
 *       says how many of its pods are affected and that the workload needs a restart.
 *   <li>Namespaces the webhook would not review are not read further; in audit-mode namespaces a denial is reported
 *       as the warning it would be ({@code would deny: ...}).
 *   <li>A cross-object finding honours the exceptions of the object it is reported on ({@code daprguard.io/skip},
 *       {@code skip-until}, {@code skip-reason} on the workload's pod template or the workload, a bare pod, a
 *       Component), decided as a review decides them: a skippable rule is left out until the exception ends, then
 *       reported again with a note that it expired.
 * </ul>
 *
 * <p>A failed call does not stop the run unless the apiserver cannot be reached at all: everything else is still
 * read and judged, and the result says why it is incomplete.
 */
public final class ClusterAudit {

    /** The requesting user the engine sees. */
    static final String USER = "dapr-guard audit";

    /** Dapr's sidecar injector: its image tells the control plane's version. */
    static final String INJECTOR = "dapr-sidecar-injector";

    private static final Pattern PREFIXED = Pattern.compile("\\[([a-z0-9][a-z0-9-]*)] (.*)", Pattern.DOTALL);

    private final Policy policy;
    private final PolicyEngine engine;
    private final PolicyEngine podEngine;
    private final SidecarSizer sizer;
    private final NamespaceModes modes;

    public ClusterAudit(Policy policy, NamespaceModes modes) {
        this(policy, modes, Clock.systemUTC());
    }

    /** @param clock tells whether a {@code daprguard.io/skip-until} has passed */
    public ClusterAudit(Policy policy, NamespaceModes modes, Clock clock) {
        this(policy, modes, clock, SidecarSizer.NONE);
    }

    /**
     * @param clock tells whether a {@code daprguard.io/skip-until} has passed
     * @param sizer right-sizes the daprd containers of the audited workloads ({@code sidecar-right-size})
     */
    public ClusterAudit(Policy policy, NamespaceModes modes, Clock clock, SidecarSizer sizer) {
        this.policy = policy;
        this.engine = new PolicyEngine(policy, clock);
        this.podEngine = engine.forRunningPods();
        this.modes = modes;
        this.sizer = sizer;
    }

    /**
     * Runs once.
     *
     * @param reader the cluster
     * @param onlyNamespace one namespace, or null for every namespace
     */
    public AuditResult run(ClusterReader reader, String onlyNamespace) {
        Run run = new Run(reader, onlyNamespace);
        run.execute();
        return run.result();
    }

    /** The version in an image reference ({@code ghcr.io/dapr/daprd:1.14.4@sha256:...} is 1.14.4), or null. */
    static String imageVersion(String image) {
        if (image == null) {
            return null;
        }
        int at = image.indexOf('@');
        String name = at < 0 ? image : image.substring(0, at);
        int colon = name.lastIndexOf(':');
        return colon > name.lastIndexOf('/') && colon < name.length() - 1 ? name.substring(colon + 1) : null;
    }

    /** The pods of one owner: how many, what was found on them (line to count), and their daprd versions. */
    private static final class PodGroup {
        int pods;
        final Map<Line, Integer> lines = new LinkedHashMap<>();
        final Map<String, Integer> versions = new TreeMap<>();
        final List<NamespaceFacts.OomKill> oomKills = new ArrayList<>();
        final List<String> podNames = new ArrayList<>();
        SidecarSizing.Resources current;
        String env;
    }

    /** One engine finding: level, rule and message. */
    private record Line(AuditFinding.Level level, String rule, String message) {}

    /** The facts kept per namespace for the cross-object rules. */
    private static final class Facts {
        final List<NamespaceFacts.App> apps = new ArrayList<>();
        final List<NamespaceFacts.ComponentFact> components = new ArrayList<>();
        final Set<String> configurations = new TreeSet<>();
    }

    private final class Run {
        private final ClusterReader reader;
        private final String onlyNamespace;
        private final Map<String, Mode> audited = new LinkedHashMap<>();
        private final Map<String, Facts> facts = new HashMap<>();
        private final Map<String, ObjectRef> owned = new HashMap<>();
        private final Map<ObjectRef, PodGroup> pods = new LinkedHashMap<>();
        /** The skip annotations of the objects that have any: cross-object findings on them honour them. */
        private final Map<ObjectRef, List<Map<String, String>>> skips = new HashMap<>();
        private final List<AuditFinding> findings = new ArrayList<>();
        private final Set<ObjectRef> subjects = new LinkedHashSet<>();
        private final Map<String, Integer> objects = new TreeMap<>();
        private final List<String> failures = new ArrayList<>();
        private String controlPlaneVersion;
        /** Dapr's control-plane workloads in the audited namespaces: each pod's name and node. */
        private final Map<ObjectRef, TreeMap<String, String>> controlPlane = new LinkedHashMap<>();
        /** The cluster's nodes, read only when a control plane is audited; null when not read. */
        private List<NamespaceFacts.Node> nodes;
        private boolean unreachable;
        private final int callsBefore;

        Run(ClusterReader reader, String onlyNamespace) {
            this.reader = reader;
            this.onlyNamespace = onlyNamespace;
            this.callsBefore = reader instanceof KubeApi api ? api.calls() : 0;
        }

        void execute() {
            readNamespaces();
            if (onlyNamespace != null) {
                findControlPlaneElsewhere();
            }
            step(ApiKind.DEPLOYMENT, object -> workload(ApiKind.DEPLOYMENT, object));
            step(ApiKind.STATEFULSET, object -> workload(ApiKind.STATEFULSET, object));
            step(ApiKind.DAEMONSET, object -> workload(ApiKind.DAEMONSET, object));
            step(ApiKind.CRONJOB, object -> workload(ApiKind.CRONJOB, object));
            step(ApiKind.REPLICASET, object -> workload(ApiKind.REPLICASET, object));
            step(ApiKind.JOB, object -> workload(ApiKind.JOB, object));
            step(ApiKind.POD, this::pod);
            readNodes();
            step(ApiKind.COMPONENT, this::component);
            step(ApiKind.CONFIGURATION, this::configuration);
            reportPods();
            if (!audited.isEmpty()) {
                sizer.prepare(audited.keySet());
            }
            crossObjectRules();
        }

        AuditResult result() {
            int calls = reader instanceof KubeApi api ? api.calls() - callsBefore : 0;
            return new AuditResult(findings, new ArrayList<>(subjects), objects, audited.keySet(),
                    failures.isEmpty() ? null : String.join("; ", failures), calls);
        }

        private void readNamespaces() {
            if (onlyNamespace == null) {
                try {
                    reader.list(ApiKind.NAMESPACE, null, modes.selector(),
                            namespace -> admit(name(namespace), namespace));
                } catch (ClusterException e) {
                    fail(e);
                }
                return;
            }
            JsonNode namespace = null;
            try {
                namespace = reader.get(ApiKind.NAMESPACE.path(null, onlyNamespace));
            } catch (ClusterException e) {
                if (e.status() != 403) {
                    fail(e);
                }
                // May not read namespaces: judged as an unlabelled namespace.
            }
            admit(onlyNamespace, namespace);
        }

        private void admit(String name, JsonNode namespace) {
            Mode mode = modes.of(name, namespace);
            if (mode != null) {
                audited.put(name, mode);
            }
        }

        /** With {@code -n}, the injector lives in another namespace; reading it is optional. */
        private void findControlPlaneElsewhere() {
            try {
                reader.list(ApiKind.DEPLOYMENT, null, "app=" + INJECTOR, this::controlPlane);
            } catch (ClusterException e) {
                // Not allowed or not there: sidecar-version is not checked.
            }
        }

        private void step(ApiKind kind, Consumer<ObjectNode> each) {
            if (unreachable) {
                return;
            }
            try {
                reader.list(kind, onlyNamespace, null, each);
            } catch (ClusterException e) {
                fail(e);
            }
        }

        private void fail(ClusterException e) {
            failures.add(e.getMessage());
            unreachable |= e.unreachable();
        }

        private void controlPlane(ObjectNode deployment) {
            JsonNode metadata = deployment.path("metadata");
            if (!INJECTOR.equals(metadata.path("name").asString(""))
                    && !INJECTOR.equals(metadata.path("labels").path("app").asString(""))) {
                return;
            }
            for (JsonNode container : deployment.path("spec").path("template").path("spec").path("containers")) {
                String version = null;
                for (JsonNode env : container.path("env")) {
                    if ("SIDECAR_IMAGE".equals(env.path("name").asString(""))) {
                        version = imageVersion(env.path("value").asString(null));
                    }
                }
                version = version != null ? version : imageVersion(container.path("image").asString(null));
                if (version != null) {
                    controlPlaneVersion = version;
                    return;
                }
            }
        }

        private void workload(ApiKind kind, ObjectNode object) {
            if (kind == ApiKind.DEPLOYMENT) {
                controlPlane(object);
            }
            Mode mode = audited(kind.kind(), object);
            if (mode == null) {
                return;
            }
            String namespace = namespace(object);
            String name = name(object);
            if (kind == ApiKind.REPLICASET || kind == ApiKind.JOB) {
                ObjectRef owner = controller(object, namespace);
                if (owner != null) {
                    owned.put(kind.kind() + "/" + namespace + "/" + name, owner);
                    return;
                }
            }
            ObjectRef ref = new ObjectRef(kind.apiVersion(), kind.kind(), namespace, name);
            if ((kind == ApiKind.DEPLOYMENT || kind == ApiKind.STATEFULSET) && Target.isControlPlane(object)) {
                controlPlane.put(ref, new TreeMap<>());
            }
            Verdict verdict = judge(ref, kind, object, mode);
            String pointer = kind == ApiKind.CRONJOB ? "/spec/jobTemplate/spec/template" : "/spec/template";
            rememberSkips(ref, object.at(pointer + "/metadata/annotations"),
                    object.path("metadata").path("annotations"));
            if (verdict != null && verdict.reviewed()) {
                app(ref, object.at(pointer + "/metadata/annotations"));
            }
        }

        private void pod(ObjectNode object) {
            if (audited("Pod", object) == null) {
                return;
            }
            String namespace = namespace(object);
            String phase = object.path("status").path("phase").asString("");
            if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
                return;
            }
            ObjectRef controller = controller(object, namespace);
            ObjectRef owner = controller == null ? new ObjectRef("v1", "Pod", namespace, name(object))
                    : owned.getOrDefault(controller.kind() + "/" + namespace + "/" + controller.name(), controller);
            Map<String, String> placed = controlPlane.get(owner);
            String node = object.path("spec").path("nodeName").asString("");
            JsonNode deleted = object.path("metadata").path("deletionTimestamp");
            if (placed != null && !node.isEmpty() && (deleted.isMissingNode() || deleted.isNull())) {
                placed.put(name(object), node); // a terminating replica no longer counts
            }
            Verdict verdict;
            try {
                verdict = podEngine.review(request(ApiKind.POD, namespace, name(object), object,
                        creator(controller)), Webhook.VALIDATE, Mode.ENFORCE);
            } catch (MalformedObjectException e) {
                failures.add("Pod " + namespace + "/" + name(object) + ": " + e.getMessage());
                return;
            }
            if (!verdict.reviewed()) {
                return;
            }
            if (controller == null) {
                app(owner, object.path("metadata").path("annotations"));
                rememberSkips(owner, object.path("metadata").path("annotations"));
            }
            PodGroup group = pods.computeIfAbsent(owner, key -> new PodGroup());
            group.pods++;
            lines(verdict).forEach(line -> group.lines.merge(line, 1, Integer::sum));
            String version = daprdVersion(object.path("spec"));
            if (version != null) {
                group.versions.merge(version, 1, Integer::sum);
                group.podNames.add(name(object));
                if (group.current == null) {
                    group.current = daprdResources(object.path("spec"));
                    JsonNode env = object.path("metadata").path("annotations").path(DaprAnnotations.ENV);
                    group.env = env.isString() ? env.asString() : null;
                }
            }
            NamespaceFacts.OomKill oom = daprdOomKill(object);
            if (oom != null) {
                group.oomKills.add(oom);
            }
        }

        /** The nodes, for {@code control-plane-spread}: read only when it is on and a control plane is audited. */
        private void readNodes() {
            if (controlPlane.isEmpty() || unreachable || policy.action(ControlPlaneSpreadRule.ID) == Action.OFF) {
                return;
            }
            List<NamespaceFacts.Node> read = new ArrayList<>();
            try {
                reader.list(ApiKind.NODE, null, null, node -> read.add(node(node)));
            } catch (ClusterException e) {
                fail(e);
                return;
            } catch (MalformedObjectException e) {
                failures.add(e.getMessage());
                return;
            }
            objects.merge(ApiKind.NODE.kind(), read.size(), Integer::sum);
            nodes = read;
        }

        private void component(ObjectNode object) {
            ObjectRef ref = judgeResource(ApiKind.COMPONENT, object);
            if (ref == null) {
                return;
            }
            rememberSkips(ref, object.path("metadata").path("annotations"));
            List<String> scopes = new ArrayList<>();
            object.path("scopes").forEach(scope -> scopes.add(scope.asString("")));
            JsonNode store = object.path("auth").path("secretStore");
            facts(ref.namespace()).components.add(new NamespaceFacts.ComponentFact(ref,
                    object.path("spec").path("type").asString(null), scopes, store.isString() ? store.asString() : null));
        }

        private void configuration(ObjectNode object) {
            ObjectRef ref = judgeResource(ApiKind.CONFIGURATION, object);
            if (ref != null) {
                facts(ref.namespace()).configurations.add(ref.name());
            }
        }

        /** Counts and judges a Component or Configuration of an audited namespace: its reference, else null. */
        private ObjectRef judgeResource(ApiKind kind, ObjectNode object) {
            Mode mode = audited(kind.kind(), object);
            if (mode == null) {
                return null;
            }
            ObjectRef ref = new ObjectRef(kind.apiVersion(), kind.kind(), namespace(object), name(object));
            judge(ref, kind, object, mode);
            return ref;
        }

        /** Judges one object as the webhook would; its findings are added. Null when it could not be judged. */
        private Verdict judge(ObjectRef ref, ApiKind kind, ObjectNode object, Mode mode) {
            Verdict verdict;
            try {
                verdict = engine.review(request(kind, ref.namespace(), ref.name(), object), Webhook.VALIDATE,
                        Mode.ENFORCE);
            } catch (MalformedObjectException e) {
                failures.add(ref.label() + ": " + e.getMessage());
                return null;
            }
            if (verdict.reviewed()) {
                subjects.add(ref);
                lines(verdict).forEach(line -> add(ref, line.rule(), line.level(), line.message(), mode));
            }
            return verdict;
        }

        private void app(ObjectRef ref, JsonNode annotations) {
            if (!DaprAnnotations.isTrue(annotations.path(DaprAnnotations.ENABLED).asString(""))) {
                return;
            }
            JsonNode appId = annotations.path(DaprAnnotations.APP_ID);
            JsonNode config = annotations.path(DaprAnnotations.CONFIG);
            JsonNode env = annotations.path(DaprAnnotations.ENV);
            String envText = env.isString() ? env.asString() : null;
            SidecarDefaults d = policy.defaults();
            SidecarSizing.Resources sidecar = new SidecarSizing.Resources(
                    annotations.path(DaprAnnotations.SIDECAR_CPU_REQUEST).asString(d.cpuRequest().text()),
                    annotations.path(DaprAnnotations.SIDECAR_CPU_LIMIT).asString(d.cpuLimit().text()),
                    annotations.path(DaprAnnotations.SIDECAR_MEMORY_REQUEST).asString(d.memoryRequest().text()),
                    annotations.path(DaprAnnotations.SIDECAR_MEMORY_LIMIT).asString(d.memoryLimit().text()),
                    DaprEnv.parse(envText).lastValue("GOMEMLIMIT").orElse(""));
            facts(ref.namespace()).apps.add(new NamespaceFacts.App(ref, appId.isString() ? appId.asString() : null,
                    config.isString() ? config.asString() : null, envText, sidecar));
        }

        /** One finding per owner and line, saying how many of its pods have it and what to do. */
        private void reportPods() {
            pods.forEach((owner, group) -> {
                subjects.add(owner);
                Mode mode = audited.get(owner.namespace());
                group.lines.forEach((line, count) -> add(owner, line.rule(), line.level(),
                        line.message() + " (" + podCount(owner, count, group.pods) + ")", mode));
            });
        }

        private void crossObjectRules() {
            Map<String, List<NamespaceFacts.Sidecars>> sidecars = new HashMap<>();
            Map<ObjectRef, NamespaceFacts.App> templates = new HashMap<>();
            facts.values().forEach(f -> f.apps.forEach(app -> templates.put(app.ref(), app)));
            pods.forEach((owner, group) -> {
                if (!group.versions.isEmpty() || !group.oomKills.isEmpty()) {
                    sidecars.computeIfAbsent(owner.namespace(), ns -> new ArrayList<>())
                            .add(new NamespaceFacts.Sidecars(owner, group.pods, group.versions, group.oomKills,
                                    group.podNames, current(templates.get(owner), group),
                                    templates.containsKey(owner) ? templates.get(owner).env() : group.env));
                }
            });
            for (String namespace : audited.keySet()) {
                Facts found = facts.getOrDefault(namespace, new Facts());
                List<NamespaceFacts.Sidecars> running = sidecars.getOrDefault(namespace, List.of());
                List<NamespaceFacts.ControlPlaneWorkload> workloads = new ArrayList<>();
                controlPlane.forEach((ref, placed) -> {
                    if (ref.namespace().equals(namespace)) {
                        workloads.add(new NamespaceFacts.ControlPlaneWorkload(ref, new ArrayList<>(placed.values())));
                    }
                });
                NamespaceFacts namespaceFacts = new NamespaceFacts(namespace, found.apps, found.components,
                        found.configurations, controlPlaneVersion, running, policy.defaults().gomemlimitPercent(),
                        sizer.size(namespace, running), sizer.oomFactor(), workloads, nodes);
                for (ClusterRule rule : Rules.cluster()) {
                    Action action = policy.action(rule.id());
                    if (action == Action.OFF) {
                        continue;
                    }
                    for (ClusterProblem problem : rule.check(namespaceFacts)) {
                        RuleSkip skip = engine.skipOf(rule.id(), skips.getOrDefault(problem.subject(), List.of()));
                        if (skip.skipped()) {
                            continue;
                        }
                        boolean deny = action == Action.DENY && !problem.problem().advisory();
                        subjects.add(problem.subject());
                        add(problem.subject(), rule.id(), deny ? AuditFinding.Level.DENY : AuditFinding.Level.WARN,
                                problem.problem().message()
                                        + (skip.expiredOn() == null ? "" : PolicyEngine.expiredNote(skip.expiredOn())),
                                audited.get(namespace));
                    }
                }
            }
        }

        private void add(ObjectRef ref, String rule, AuditFinding.Level level, String message, Mode mode) {
            if (mode == Mode.AUDIT && level == AuditFinding.Level.DENY) {
                findings.add(new AuditFinding(ref, rule, AuditFinding.Level.WARN, "would deny: " + message));
            } else {
                findings.add(new AuditFinding(ref, rule, level, message));
            }
        }

        /** The mode of the object's namespace (the object is counted), or null when it is not audited. */
        private Mode audited(String kind, JsonNode object) {
            Mode mode = audited.get(namespace(object));
            if (mode != null) {
                objects.merge(kind, 1, Integer::sum);
            }
            return mode;
        }

        /**
         * Keeps an object's skip annotations when it has any (the pod template's first, then the workload's, as a
         * review reads them), for the cross-object findings reported on it.
         */
        private void rememberSkips(ObjectRef ref, JsonNode... annotations) {
            List<Map<String, String>> sources = new ArrayList<>();
            boolean asked = false;
            for (JsonNode node : annotations) {
                Map<String, String> map = new HashMap<>();
                for (String key : new String[] {PolicyEngine.SKIP_ANNOTATION, PolicyEngine.SKIP_UNTIL_ANNOTATION,
                        PolicyEngine.SKIP_REASON_ANNOTATION}) {
                    JsonNode value = node.path(key);
                    if (value.isString()) {
                        map.put(key, value.asString());
                    }
                }
                asked |= map.containsKey(PolicyEngine.SKIP_ANNOTATION);
                sources.add(map);
            }
            if (asked) {
                skips.put(ref, sources);
            }
        }

        private Facts facts(String namespace) {
            return facts.computeIfAbsent(namespace, ns -> new Facts());
        }
    }

    /** {@code 3 of 5 pods; ...restart it}: pods keep what they were created with. */
    static String podCount(ObjectRef owner, int count, int pods) {
        if ("Pod".equals(owner.kind())) {
            return "a running pod keeps what it was created with: re-create it";
        }
        String restart = switch (owner.kind()) {
            case "Deployment", "StatefulSet", "DaemonSet" -> "restart the workload (kubectl rollout restart "
                    + owner.kubectlName() + " -n " + owner.namespace() + ")";
            default -> "re-create its pods";
        };
        return count + " of " + pods + " running " + (pods == 1 ? "pod" : "pods")
                + "; a running pod keeps what it was created with: " + restart;
    }

    /**
     * One node as {@code control-plane-spread} sees it.
     *
     * @throws MalformedObjectException when a field it reads has the wrong JSON type
     */
    static NamespaceFacts.Node node(JsonNode node) {
        String name = node.path("metadata").path("name").asString("");
        JsonNode unschedulable = node.path("spec").path("unschedulable");
        JsonNode taints = node.path("spec").path("taints");
        JsonNode conditions = node.path("status").path("conditions");
        JsonNode zone = node.path("metadata").path("labels").path(ControlPlaneSpreadRule.ZONE_LABEL);
        if (name.isEmpty() || !(unschedulable.isMissingNode() || unschedulable.isNull() || unschedulable.isBoolean())
                || !(taints.isMissingNode() || taints.isNull() || taints.isArray())
                || !(conditions.isMissingNode() || conditions.isNull() || conditions.isArray())
                || !(zone.isMissingNode() || zone.isString())) {
            throw new MalformedObjectException("Node " + Texts.shown(name), "a node with a name, a boolean "
                    + "spec.unschedulable, arrays of taints and conditions and a string zone label");
        }
        boolean ready = false;
        for (JsonNode condition : conditions) {
            if ("Ready".equals(condition.path("type").asString(""))) {
                ready = "True".equals(condition.path("status").asString(""));
            }
        }
        boolean tainted = false;
        for (JsonNode taint : taints) {
            String effect = taint.path("effect").asString("");
            tainted |= "NoSchedule".equals(effect) || "NoExecute".equals(effect);
        }
        return new NamespaceFacts.Node(name, ready && !unschedulable.asBoolean(false) && !tainted,
                zone.asString(""));
    }

    /** The engine's lines as findings; engine notes without a rule id (a bad skip annotation) are left out. */
    private static List<Line> lines(Verdict verdict) {
        List<Line> lines = new ArrayList<>();
        if (verdict.decision() == Verdict.Decision.DENIED && verdict.message() != null) {
            for (String line : verdict.message().split("\n")) {
                parse(AuditFinding.Level.DENY, line, lines);
            }
        }
        verdict.warnings().forEach(line -> parse(AuditFinding.Level.WARN, line, lines));
        return lines;
    }

    private static void parse(AuditFinding.Level level, String text, List<Line> into) {
        Matcher matcher = PREFIXED.matcher(text);
        if (matcher.matches()) {
            into.add(new Line(level, matcher.group(1), matcher.group(2)));
        }
    }

    /** The pod spec's daprd container (in {@code containers}, or in {@code initContainers} as a native sidecar). */
    private static JsonNode daprd(JsonNode spec) {
        for (String list : new String[] {"containers", "initContainers"}) {
            for (JsonNode container : spec.path(list)) {
                if (DaprAnnotations.SIDECAR_CONTAINER_NAME.equals(container.path("name").asString(""))) {
                    return container;
                }
            }
        }
        return tools.jackson.databind.node.MissingNode.getInstance();
    }

    private static String daprdVersion(JsonNode spec) {
        JsonNode daprd = daprd(spec);
        return daprd.isMissingNode() ? null : imageVersion(daprd.path("image").asString(null));
    }

    /**
     * The pod's daprd OOM kill, from its container status (in {@code containerStatuses}, or in
     * {@code initContainerStatuses} for a native sidecar), or null when daprd's last termination was not one.
     */
    static NamespaceFacts.OomKill daprdOomKill(JsonNode pod) {
        for (String list : new String[] {"containerStatuses", "initContainerStatuses"}) {
            for (JsonNode status : pod.path("status").path(list)) {
                if (!DaprAnnotations.SIDECAR_CONTAINER_NAME.equals(status.path("name").asString(""))) {
                    continue;
                }
                JsonNode terminated = status.path("state").path("terminated");
                if (!"OOMKilled".equals(terminated.path("reason").asString(""))) {
                    terminated = status.path("lastState").path("terminated");
                }
                if (!"OOMKilled".equals(terminated.path("reason").asString(""))) {
                    return null;
                }
                return new NamespaceFacts.OomKill(name(pod), terminated.path("finishedAt").asString(""),
                        status.path("restartCount").asInt(0),
                        daprd(pod.path("spec")).path("resources").path("limits").path("memory").asString(""));
            }
        }
        return null;
    }

    /**
     * What a workload's pods get: the template's (or a bare pod's) annotations with the defaults mutation adds, which
     * is what a patch of the template changes; the first running pod's daprd when the workload is not known.
     */
    private static SidecarSizing.Resources current(NamespaceFacts.App template, PodGroup group) {
        if (template != null) {
            return template.sidecar();
        }
        return group.current == null ? new SidecarSizing.Resources("", "", "", "", "") : group.current;
    }

    /** The resources and GOMEMLIMIT of the pod's daprd container, each "" when unset. */
    static SidecarSizing.Resources daprdResources(JsonNode spec) {
        JsonNode daprd = daprd(spec);
        JsonNode resources = daprd.path("resources");
        String gomemlimit = "";
        for (JsonNode env : daprd.path("env")) {
            if ("GOMEMLIMIT".equals(env.path("name").asString(""))) {
                gomemlimit = env.path("value").asString("");
            }
        }
        return new SidecarSizing.Resources(resources.path("requests").path("cpu").asString(""),
                resources.path("limits").path("cpu").asString(""),
                resources.path("requests").path("memory").asString(""),
                resources.path("limits").path("memory").asString(""), gomemlimit);
    }

    private static ReviewRequest request(ApiKind kind, String namespace, String name, ObjectNode object) {
        return request(kind, namespace, name, object, USER);
    }

    private static ReviewRequest request(ApiKind kind, String namespace, String name, ObjectNode object, String user) {
        return new ReviewRequest("", kind.group(), kind.kind(), "CREATE", "", namespace, name, false, object, null,
                user, List.of());
    }

    /**
     * Who created a running pod, as far as its controller tells: the kube-controller-manager's controller of that
     * kind (the accounts Dapr's injector serves), else unknown (""), for a bare pod or one of another controller.
     */
    static String creator(ObjectRef controller) {
        if (controller == null) {
            return "";
        }
        String account = switch (controller.apiVersion() + " " + controller.kind()) {
            case "apps/v1 ReplicaSet" -> "replicaset-controller";
            case "v1 ReplicationController" -> "replication-controller";
            case "apps/v1 StatefulSet" -> "statefulset-controller";
            case "apps/v1 DaemonSet" -> "daemon-set-controller";
            case "batch/v1 Job" -> "job-controller";
            default -> null;
        };
        return account == null ? "" : InjectorAccounts.SERVICE_ACCOUNT + "kube-system:" + account;
    }

    /** The controlling owner, as a reference in the same namespace, or null. */
    private static ObjectRef controller(JsonNode object, String namespace) {
        for (JsonNode owner : object.path("metadata").path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)) {
                return new ObjectRef(owner.path("apiVersion").asString(""), owner.path("kind").asString(""),
                        namespace, owner.path("name").asString(""));
            }
        }
        return null;
    }

    private static String namespace(JsonNode object) {
        return object.path("metadata").path("namespace").asString("");
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asString("");
    }
}

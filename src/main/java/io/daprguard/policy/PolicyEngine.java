package io.daprguard.policy;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.rules.Action;
import io.daprguard.rules.EnabledValueRule;
import io.daprguard.rules.MalformedObjectException;
import io.daprguard.rules.PodView;
import io.daprguard.rules.ResourceView;
import io.daprguard.rules.Scope;
import io.daprguard.rules.SidecarDefaults;
import io.daprguard.rules.SidecarDefaultsSource;
import io.daprguard.rules.Problem;
import io.daprguard.rules.Rule;
import io.daprguard.rules.RuleContext;
import io.daprguard.rules.Rules;
import io.daprguard.rules.WorkingCopy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies the {@link Policy} to one object. Knows nothing of HTTP or Spring: the webhook endpoints and the
 * offline check call the same method with plain values.
 *
 * <p>Mutation edits a copy-on-write {@link WorkingCopy} of the request's raw JSON and the patch is the diff of the
 * two trees (add/replace only, see {@link #diff}), so fields no model knows survive. Validation looks at the object as it will be admitted:
 * a workload template as pod mutation will leave it, a Pod as it is (mutation already ran), and in audit mode as
 * enforce mode would have left it.
 */
public final class PolicyEngine implements Reviewer {

    /** Pod or workload annotation listing skippable rule ids to skip for that object. */
    public static final String SKIP_ANNOTATION = Rules.SKIP_ANNOTATION;

    /** Beside {@link #SKIP_ANNOTATION}: the RFC 3339 date or date-time the skip ends (a date: through that day). */
    public static final String SKIP_UNTIL_ANNOTATION = "daprguard.io/skip-until";

    /** Beside {@link #SKIP_ANNOTATION}: why the rules are skipped, shown wherever the skip is. */
    public static final String SKIP_REASON_ANNOTATION = "daprguard.io/skip-reason";

    /** Set by the kubelet on mirror pods of static pods, which admission cannot change. */
    public static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    private static final SkipAnnotations.Decision NO_SKIPS =
            new SkipAnnotations.Decision(Map.of(), Map.of(), List.of());

    private final Policy policy;
    private final List<Rule> podRules;
    private final Clock clock;
    private final SidecarDefaultsSource defaults;
    private final boolean running;

    public PolicyEngine(Policy policy) {
        this(policy, Clock.systemUTC());
    }

    /** @param clock tells whether a {@code daprguard.io/skip-until} has passed */
    public PolicyEngine(Policy policy, Clock clock) {
        this(policy, clock, SidecarDefaultsSource.POLICY);
    }

    /**
     * @param clock tells whether a {@code daprguard.io/skip-until} has passed
     * @param defaults the sidecar defaults of each pod, when they are not the policy's (right-sizing's
     *     recommendations); workload templates always get the policy's
     */
    public PolicyEngine(Policy policy, Clock clock, SidecarDefaultsSource defaults) {
        this(policy, clock, defaults, false);
    }

    private PolicyEngine(Policy policy, Clock clock, SidecarDefaultsSource defaults, boolean running) {
        this.policy = policy;
        this.podRules = Rules.of(Scope.POD);
        this.clock = clock;
        this.defaults = defaults;
        this.running = running;
    }

    /** Where this engine takes a pod's sidecar defaults from. */
    public SidecarDefaultsSource defaults() {
        return defaults;
    }

    /**
     * This engine for pods that already run (the cluster audit): a rule then says what to do about a running pod,
     * not why its creation is refused.
     */
    public PolicyEngine forRunningPods() {
        return new PolicyEngine(policy, clock, defaults, true);
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Whether one rule is skipped for an object, decided as for a review: the {@code daprguard.io/skip},
     * {@code skip-until} and {@code skip-reason} annotations of each source (the object's own first, then its
     * workload's), the policy's skippable rules, its skip limits, and this engine's clock. The cluster audit asks
     * it for the findings of its cross-object rules, which no review produces.
     *
     * @param sources the annotations of each metadata that may carry a skip
     */
    public RuleSkip skipOf(String ruleId, List<Map<String, String>> sources) {
        if (sources.stream().noneMatch(annotations -> annotations.containsKey(SKIP_ANNOTATION))) {
            return RuleSkip.NONE;
        }
        SkipAnnotations.Decision skips = SkipAnnotations.decide(sources, policy, clock.instant());
        if (skips.skipped().containsKey(ruleId)) {
            return new RuleSkip(true, null);
        }
        String expired = skips.expired().get(ruleId);
        return expired == null ? RuleSkip.NONE : new RuleSkip(false, expired);
    }

    /** What a finding of a rule whose exception expired ends with: {@code (the daprguard.io/skip exception ...)}. */
    public static String expiredNote(String expiredOn) {
        return " (the " + SKIP_ANNOTATION + " exception expired on " + expiredOn + ")";
    }

    /**
     * Reviews one request.
     *
     * @param mode the effective mode (the global one, or audit on the {@code /audit} paths)
     * @throws MalformedObjectException when a field the rules read has the wrong JSON type
     */
    @Override
    public Verdict review(ReviewRequest request, Webhook webhook, Mode mode) {
        Target target = Target.locate(request).orElse(null);
        if (target == null) {
            return Verdict.notReviewed();
        }
        if (!(request.object() instanceof ObjectNode object)) {
            throw new MalformedObjectException("", "an object for " + request.operation());
        }
        if (target.scope() != Scope.POD) {
            return reviewResource(request, object, target, webhook, mode, new RuleContext(policy.defaults(),
                    !target.pod(), policy.secretNames(), policy.controlPlaneMemoryLimits(), RuleContext.Creation.UNKNOWN));
        }
        PodView pod = PodView.of(object, target.pointer());
        Map<String, String> annotations = pod.annotations();
        String enabled = annotations.get(DaprAnnotations.ENABLED);
        if (enabled == null || (target.pod() && annotations.containsKey(MIRROR_ANNOTATION))) {
            return Verdict.notReviewed();
        }
        boolean legacyEnabled = !DaprAnnotations.isTrue(enabled) && DaprAnnotations.isLegacyTruthy(enabled);
        if (!DaprAnnotations.isTrue(enabled) && !legacyEnabled) {
            return Verdict.notReviewed();
        }
        if (unchangedAt(request, target.pointer())) {
            return Verdict.notReviewed();
        }
        // only for a pod that is reviewed: its workload's recommended defaults, when right-sizing applies them
        SidecarDefaults podDefaults = target.pod() ? defaults.forPod(request.namespace(), object) : null;
        RuleContext.Creation creation = target.pod()
                ? new RuleContext.Creation(request.user(), request.groups(), policy.injector(), running)
                : RuleContext.Creation.UNKNOWN;
        RuleContext context = new RuleContext(podDefaults == null ? policy.defaults() : podDefaults, !target.pod(),
                policy.secretNames(), policy.controlPlaneMemoryLimits(), creation);
        List<String> warnings = new ArrayList<>();
        List<RuleOutcome> outcomes = new ArrayList<>();
        Selection selection = activeRules(podRules, object, pod, legacyEnabled, warnings, outcomes);
        return webhook == Webhook.MUTATE
                ? mutate(object, target, selection.active(), context, mode, warnings, outcomes)
                : validate(object, target, selection, context, mode, legacyEnabled, warnings, outcomes);
    }

    private Verdict mutate(
            ObjectNode object, Target target, List<Rule> active, RuleContext context, Mode mode,
            List<String> warnings, List<RuleOutcome> outcomes) {
        WorkingCopy copy = WorkingCopy.of(object);
        Map<String, List<String>> changes = applyMutations(copy, target, active, context);
        boolean patchable = target.pod() || policy.mutateTemplates();
        boolean patch = mode == Mode.ENFORCE && patchable;
        for (Rule rule : active) {
            if (!rule.mutates()) {
                continue;
            }
            List<String> made = changes.getOrDefault(rule.id(), List.of());
            boolean reported = !made.isEmpty() && patchable;
            outcomes.add(new RuleOutcome(rule.id(), reported ? RuleOutcome.Kind.MUTATED : RuleOutcome.Kind.PASS,
                    reported ? made : List.of()));
            if (reported && mode == Mode.AUDIT) {
                made.forEach(change -> warnings.add("[" + rule.id() + "] would " + change));
            }
        }
        if (changes.isEmpty() || !patch) {
            return new Verdict(Verdict.Decision.ALLOWED, null, null, warnings, outcomes, true);
        }
        ArrayNode operations = object.arrayNode();
        diff("", object, copy.root(), operations);
        return new Verdict(Verdict.Decision.PATCHED, null, operations, warnings, outcomes, true);
    }

    /**
     * Appends the RFC 6902 operations that turn {@code before} into {@code after}. Mutation only adds fields,
     * appends array elements and replaces values it rebuilt ({@code dapr.io/env}, a null it filled in), so a
     * structural walk is exact and linear in the size of the tree. (A general JSON diff, zjsonpatch's among them,
     * aligns arrays with a longest common subsequence: quadratic in time and memory, which a pod with tens of
     * thousands of containers or env entries turns into an out-of-memory error.) A removed field or a shorter
     * array would mean a bug in a rule, and is refused rather than patched.
     *
     * <p>A subtree that is the same node on both sides is skipped without looking into it: mutation works on a
     * {@link WorkingCopy}, which shares every subtree no rule wrote under, so the walk only visits the objects
     * and arrays on the way to a change. Equal trees that share nothing still give no operation, after a full
     * walk.
     */
    static void diff(String path, JsonNode before, JsonNode after, ArrayNode operations) {
        if (before == after) {
            return;
        }
        if (before instanceof ObjectNode from && after instanceof ObjectNode to) {
            for (String name : from.propertyNames()) {
                if (!to.has(name)) {
                    throw new IllegalStateException("mutation removed " + path + "/" + name);
                }
            }
            for (Map.Entry<String, JsonNode> field : to.properties()) {
                JsonNode old = from.get(field.getKey());
                if (old == field.getValue()) {
                    continue;
                }
                String child = path + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
                if (old == null) {
                    operations.addObject().put("op", "add").put("path", child).set("value", field.getValue());
                } else {
                    diff(child, old, field.getValue(), operations);
                }
            }
        } else if (before instanceof ArrayNode from && after instanceof ArrayNode to) {
            if (to.size() < from.size()) {
                throw new IllegalStateException("mutation shortened the array at " + path);
            }
            for (int i = 0; i < to.size(); i++) {
                if (i < from.size()) {
                    diff(path + "/" + i, from.get(i), to.get(i), operations);
                } else {
                    operations.addObject().put("op", "add").put("path", path + "/" + i).set("value", to.get(i));
                }
            }
        } else if (!before.equals(after)) {
            operations.addObject().put("op", "replace").put("path", path).set("value", after);
        }
    }

    private Verdict validate(
            ObjectNode object, Target target, Selection selection, RuleContext context, Mode mode,
            boolean legacyEnabled, List<String> warnings, List<RuleOutcome> outcomes) {
        ObjectNode subject = object;
        boolean mutationStillToCome = !target.pod() || mode == Mode.AUDIT;
        if (mutationStillToCome && !legacyEnabled) {
            WorkingCopy mutated = WorkingCopy.of(object);
            applyMutations(mutated, target, selection.active(), context);
            subject = mutated.root();
        }
        PodView pod = PodView.of(subject, target.pointer());
        return decide(selection, rule -> rule.validate(pod, context), mode, warnings, outcomes);
    }

    /**
     * A Component, Configuration or control-plane workload: validated only (nothing is mutated), by the rules of
     * its scope. An UPDATE that changes only metadata or status (labels, finalizers) is not reviewed again; a
     * Component's {@code scopes} and {@code auth} sit beside {@code spec}, so everything else is compared.
     */
    private Verdict reviewResource(
            ReviewRequest request, ObjectNode object, Target target, Webhook webhook, Mode mode, RuleContext context) {
        if (webhook == Webhook.MUTATE || onlyMetadataChanged(request)) {
            return Verdict.notReviewed();
        }
        String namespace = !request.namespace().isEmpty() ? request.namespace()
                : object.path("metadata").path("namespace").asString("");
        ResourceView resource = new ResourceView(object, namespace);
        List<String> warnings = new ArrayList<>();
        List<RuleOutcome> outcomes = new ArrayList<>();
        PodView metadataOnly = PodView.of(object, "");
        Selection selection =
                activeRules(Rules.of(target.scope()), object, metadataOnly, false, warnings, outcomes);
        return decide(selection, rule -> rule.check(resource, context), mode, warnings, outcomes);
    }

    /**
     * Runs each active rule's check and turns the problems into a decision: deny-level problems deny in enforce
     * mode and become {@code would deny} warnings in audit mode; the rest are warnings. The findings of a rule whose
     * skip has expired say so.
     */
    private Verdict decide(
            Selection selection, Function<Rule, List<Problem>> check, Mode mode, List<String> warnings,
            List<RuleOutcome> outcomes) {
        List<String> denials = new ArrayList<>();
        for (Rule rule : selection.active()) {
            if (policy.nativeRules().contains(rule.id())) {
                continue; // a native admission policy judges it
            }
            Action action = policy.action(rule.id());
            List<String> denied = new ArrayList<>();
            List<String> warned = new ArrayList<>();
            String expiredOn = selection.expired().get(rule.id());
            String note = expiredOn == null ? "" : expiredNote(expiredOn);
            for (Problem problem : check.apply(rule)) {
                String line = "[" + rule.id() + "] " + problem.message() + note;
                if (problem.advisory() || action == Action.WARN) {
                    warned.add(line);
                } else {
                    denied.add(line);
                }
            }
            RuleOutcome.Kind kind = !denied.isEmpty() ? RuleOutcome.Kind.VIOLATION
                    : !warned.isEmpty() ? RuleOutcome.Kind.WARNING : RuleOutcome.Kind.PASS;
            List<String> details = new ArrayList<>(denied);
            details.addAll(warned);
            outcomes.add(new RuleOutcome(rule.id(), kind, details));
            denials.addAll(denied);
            warnings.addAll(warned);
        }
        if (denials.isEmpty()) {
            return new Verdict(Verdict.Decision.ALLOWED, null, null, warnings, outcomes, true);
        }
        if (mode == Mode.AUDIT) {
            List<String> all = new ArrayList<>();
            for (String denial : denials) {
                all.add(denial.replaceFirst("] ", "] would deny: "));
            }
            all.addAll(warnings);
            return new Verdict(Verdict.Decision.ALLOWED, null, null, all, outcomes, true);
        }
        return new Verdict(Verdict.Decision.DENIED, String.join("\n", denials), null, warnings, outcomes, true);
    }

    /** Runs every active mutating rule on {@code copy}; returns the changes by rule id (only rules that changed). */
    private static Map<String, List<String>> applyMutations(
            WorkingCopy copy, Target target, List<Rule> active, RuleContext context) {
        PodView pod = PodView.writable(copy, target.pointer());
        Map<String, List<String>> changes = new LinkedHashMap<>();
        for (Rule rule : active) {
            if (rule.mutates()) {
                List<String> made = rule.mutate(pod, context);
                if (!made.isEmpty()) {
                    changes.put(rule.id(), made);
                }
            }
        }
        return changes;
    }

    /**
     * The rules to run, and the ones whose skip expired.
     *
     * @param expired rule id to the end of its expired skip, as written
     */
    private record Selection(List<Rule> active, Map<String, String> expired) {}

    /**
     * The rules to run: not off, not skipped through {@link #SKIP_ANNOTATION} (on the pod or the workload, see
     * {@link SkipAnnotations}), and only {@code enabled-value} for a legacy {@code dapr.io/enabled} value (Dapr
     * 1.17.3+ injects nothing then, so the sidecar rules do not apply until it says "true"). A skipped rule has the
     * outcome {@code skipped}; a rule whose skip expired has the outcome {@code expired}, and then its own.
     */
    private Selection activeRules(
            List<Rule> candidates, ObjectNode object, PodView pod, boolean legacyEnabled, List<String> warnings,
            List<RuleOutcome> outcomes) {
        Map<String, String> own = pod.annotations();
        Map<String, String> workload = pod.pointer().isEmpty() ? null : PodView.of(object, "").annotations();
        boolean asked = own.containsKey(SKIP_ANNOTATION) || (workload != null && workload.containsKey(SKIP_ANNOTATION));
        SkipAnnotations.Decision skips = !asked ? NO_SKIPS : SkipAnnotations.decide(
                workload == null ? List.of(own) : List.of(own, workload), policy, clock.instant());
        warnings.addAll(skips.warnings());
        List<Rule> active = new ArrayList<>();
        for (Rule rule : candidates) {
            if (policy.action(rule.id()) == Action.OFF) {
                continue;
            }
            if (legacyEnabled && !EnabledValueRule.ID.equals(rule.id())) {
                continue;
            }
            String skipped = skips.skipped().get(rule.id());
            if (skipped != null) {
                outcomes.add(new RuleOutcome(rule.id(), RuleOutcome.Kind.SKIPPED,
                        List.of(SKIP_ANNOTATION + ": " + skipped)));
                continue;
            }
            String expired = skips.expired().get(rule.id());
            if (expired != null) {
                outcomes.add(new RuleOutcome(rule.id(), RuleOutcome.Kind.EXPIRED,
                        List.of(SKIP_ANNOTATION + " expired on " + expired)));
            }
            active.add(rule);
        }
        return new Selection(active, skips.expired());
    }

    /**
     * An UPDATE that leaves the reviewed part as it was (a pod template, a Component's spec) is not reviewed
     * again, so labels, finalizers and scaling never trip over an old violation.
     */
    private static boolean unchangedAt(ReviewRequest request, String pointer) {
        if (!"UPDATE".equals(request.operation()) || request.oldObject() == null) {
            return false;
        }
        JsonNode before = request.oldObject().at(pointer);
        return !before.isMissingNode() && before.equals(request.object().at(pointer));
    }

    private static boolean onlyMetadataChanged(ReviewRequest request) {
        if (!"UPDATE".equals(request.operation()) || !(request.oldObject() instanceof ObjectNode before)) {
            return false;
        }
        ObjectNode after = (ObjectNode) request.object();
        Set<String> fields = new LinkedHashSet<>(after.propertyNames());
        fields.addAll(before.propertyNames());
        fields.removeAll(Set.of("metadata", "status"));
        for (String field : fields) {
            if (!Objects.equals(after.get(field), before.get(field))) {
                return false;
            }
        }
        return true;
    }

}

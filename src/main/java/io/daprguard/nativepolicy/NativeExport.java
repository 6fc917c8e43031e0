package io.daprguard.nativepolicy;

import io.daprguard.nativepolicy.NativeValidations.Target;
import io.daprguard.nativepolicy.NativeValidations.Validation;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.rules.Action;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import io.daprguard.rules.Scope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A policy as ValidatingAdmissionPolicies and, for the sidecar defaults, MutatingAdmissionPolicies, with their
 * bindings ({@code admissionregistration.k8s.io/v1}), for clusters that enforce dapr-guard's rules in the
 * kube-apiserver. The MutatingAdmissionPolicy {@code dapr-guard-pods-defaults} (and, with {@code mutateTemplates}, those
 * of the workloads and CronJobs) adds what {@link NativeSidecar} adds, in the namespaces the webhook would patch.
 *
 * <p>One policy per kind group and action, named {@code dapr-guard-<group>-<deny|warn>}: the groups are Pods
 * (CREATE), workloads through their pod template (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs) and
 * CronJobs through their job's pod template (CREATE, and an UPDATE that changes the template), Components and
 * Configurations (CREATE, and an UPDATE that changes their spec or scopes). Each policy has two bindings, as the
 * chart routes namespaces to the webhook: the namespaces without {@code daprguard.io/mode} in (audit, off), and those
 * labelled {@code daprguard.io/mode=audit}; the excluded namespaces are in neither. A deny rule's binding denies
 * ({@code Deny}); in audit (the global mode, or the audit binding) it warns and records an audit annotation
 * ({@code Warn}, {@code Audit}); a warn rule warns. A rule that is off is left out; a rule with no native validation
 * is named in {@link Result#leftToWebhook}.
 */
public final class NativeExport {

    private static final String GROUP = "admissionregistration.k8s.io/v1";
    private static final String MODE_LABEL = "daprguard.io/mode";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;


    /** Kubernetes' kinds a group of policies matches, with the path of the reviewed part for UPDATE. */
    private enum Group {
        PODS("pods", Target.POD, "Pod"),
        WORKLOADS("workloads", Target.POD, "Deployment"),
        CRONJOBS("cronjobs", Target.POD, "CronJob"),
        COMPONENTS("components", Target.COMPONENT, null),
        CONTROL_PLANE("control-plane", Target.CONTROL_PLANE, null),
        CONFIGURATIONS("configurations", Target.CONFIGURATION, null);

        final String name;
        final Target target;
        final String kind;

        Group(String name, Target target, String kind) {
            this.name = name;
            this.target = target;
            this.kind = kind;
        }
    }

    /**
     * What an export wrote.
     *
     * @param objects the policies and bindings, each policy followed by its bindings
     * @param nativeRules the rules enforced natively (fully or in part)
     * @param partial of those, the rules whose native form leaves part of the rule to the webhook
     * @param leftToWebhook the rules that are not off and are not enforced natively
     */
    public record Result(
            List<ObjectNode> objects, List<String> nativeRules, List<String> partial, List<String> leftToWebhook) {}

    /**
     * How to export.
     *
     * @param excludedNamespaces namespaces never reviewed (the chart's kube-system, release namespace and
     *     {@code webhook.excludeNamespaces})
     * @param mutation whether MutatingAdmissionPolicies may be written (Kubernetes 1.36+): without them the rules
     *     that add the sidecar defaults are left to the webhook, since their validations judge a pod as the mutation
     *     leaves it
     * @param withWebhook whether dapr-guard's webhook runs beside the policies (the chart's {@code engine: both}):
     *     then only the rules CEL expresses in full are exported, and the webhook keeps the partial ones whole
     */
    public record Options(Set<String> excludedNamespaces, boolean mutation, boolean withWebhook) {
        public Options {
            excludedNamespaces = Set.copyOf(excludedNamespaces);
        }
    }

    /** The rules whose native form is partial: the webhook judges more of them (the README's table says what). */
    public static final Set<String> PARTIAL = Set.of(io.daprguard.rules.SidecarGomemlimitRule.ID);

    /** Every rule with a native form (full or partial). */
    public static Set<String> expressibleRules() {
        Set<String> ids = new java.util.TreeSet<>();
        NativeValidations.all().forEach(v -> ids.add(v.ruleId()));
        ids.addAll(NativeSidecar.MUTATING);
        ids.add(io.daprguard.rules.ControlPlaneResourcesRule.ID);
        return ids;
    }

    private NativeExport() {}

    /** {@link #export(Policy, Options)} with mutation, for the native engine alone. */
    public static Result export(Policy policy, Set<String> excludedNamespaces) {
        return export(policy, new Options(excludedNamespaces, true, false));
    }

    /** @param policy the rules' actions and the global mode, as the server reads them */
    public static Result export(Policy policy, Options options) {
        return export(policy, options, null);
    }

    /** @param sidecarTokens the sidecar CEL with the chart's tokens ({@link NativeCatalog}), or null */
    static Result export(Policy policy, Options options, NativeSidecar sidecarTokens) {
        Objects.requireNonNull(policy, "policy");
        Set<String> excludedNamespaces = options.excludedNamespaces();
        Set<String> leftOut = new LinkedHashSet<>();
        if (!options.mutation()) {
            leftOut.addAll(NativeSidecar.MUTATING);
        }
        if (options.withWebhook()) {
            leftOut.addAll(PARTIAL);
        }
        // the policy as the native engine runs it: the rules it leaves to the webhook are off for it
        Policy nativePolicy = policy.withRulesOff(leftOut);
        NativeSidecar sidecar = sidecarTokens != null ? sidecarTokens : NativeSidecar.of(nativePolicy);
        List<Validation> all = new ArrayList<>(NativeValidations.all());
        all.addAll(sidecar.validations());
        all.addAll(NativeValidations.controlPlaneResources(policy.controlPlaneMemoryLimits()));
        List<ObjectNode> objects = new ArrayList<>();
        Set<String> nativeRules = new LinkedHashSet<>();
        boolean audit = policy.mode() == Mode.AUDIT;
        if (sidecar.mutates() && !audit) {
            for (Group group : List.of(Group.PODS, Group.WORKLOADS, Group.CRONJOBS)) {
                if (group == Group.PODS || policy.mutateTemplates()) {
                    String name = "dapr-guard-" + group.name + "-defaults";
                    objects.add(mutatingPolicy(name, group, sidecar, policy));
                    objects.add(binding("MutatingAdmissionPolicyBinding", name, name, null, false, null,
                            excludedNamespaces));
                }
            }
        }
        for (Group group : Group.values()) {
            for (Action action : List.of(Action.DENY, Action.WARN)) {
                List<Validation> validations = new ArrayList<>();
                for (Validation validation : all) {
                    if (validation.target() == group.target && nativePolicy.action(validation.ruleId()) == action) {
                        validations.add(validation);
                        nativeRules.add(validation.ruleId());
                    }
                }
                if (!validations.isEmpty()) {
                    String name = "dapr-guard-" + group.name + "-" + action.configName();
                    objects.add(admissionPolicy(name, group, validations, policy, sidecar));
                    String kind = "ValidatingAdmissionPolicyBinding";
                    objects.add(binding(kind, name, name, action, audit, audit ? "off" : null, excludedNamespaces));
                    if (!audit) {
                        objects.add(binding(kind, name + "-audit", name, action, true, null, excludedNamespaces));
                    }
                }
            }
        }
        List<String> left = new ArrayList<>();
        for (Rule rule : Rules.all()) {
            if (rule.scope() != Scope.CLUSTER && policy.action(rule.id()) != Action.OFF
                    && !nativeRules.contains(rule.id())) {
                left.add(rule.id());
            }
        }
        List<String> ordered = Rules.all().stream().map(Rule::id).filter(nativeRules::contains).toList();
        List<String> partial = ordered.stream().filter(PARTIAL::contains).toList();
        return new Result(objects, ordered, partial, left);
    }

    /**
     * The MutatingAdmissionPolicy that adds the sidecar defaults to the pods (or templates) of a kind group in
     * enforced namespaces: one JSON patch of {@code add} operations, empty when nothing is missing, so that a
     * reinvocation after Dapr's injector changes nothing.
     */
    private static ObjectNode mutatingPolicy(String name, Group group, NativeSidecar sidecar, Policy policy) {
        ObjectNode map = object(GROUP, "MutatingAdmissionPolicy", name);
        ObjectNode spec = map.putObject("spec");
        spec.put("failurePolicy", "Fail");
        matchConstraints(spec, group);
        ArrayNode variables = spec.putArray("variables");
        variables.addObject().put("name", "annotations").put("expression", NativeValidations.annotationsOf(group.kind));
        variables.addObject().put("name", "skips").put("expression",
                NativeValidations.skipsOf(group.kind, policy.skipRules().requireReason()));
        addVariables(variables, sidecar.variables());
        ArrayNode conditions = spec.putArray("matchConditions");
        conditions.addObject().put("name", "dapr-enabled")
                .put("expression", NativeValidations.onAnnotationsOf(NativeValidations.enabled(), group.kind));
        commonConditions(conditions, group);
        spec.putArray("mutations").addObject().put("patchType", "JSONPatch").putObject("jsonPatch")
                .put("expression", sidecar.patches(annotationsPath(group.kind), NativeSidecar.JSON_PATCH));
        spec.put("reinvocationPolicy", "IfNeeded");
        return map;
    }

    /** Appends {@code {name, expression}} pairs to a policy's variables. */
    private static void addVariables(ArrayNode variables, List<String[]> pairs) {
        pairs.forEach(pair -> variables.addObject().put("name", pair[0]).put("expression", pair[1]));
    }

    /** The JSON pointer of the annotations of the pod or pod template of {@code kind}. */
    public static String annotationsPath(String kind) {
        return switch (kind) {
            case "Pod" -> "/metadata/annotations";
            case "CronJob" -> "/spec/jobTemplate/spec/template/metadata/annotations";
            default -> "/spec/template/metadata/annotations";
        };
    }

    /** The ValidatingAdmissionPolicy of one kind group with these validations (skips as {@code policy} allows). */
    private static ObjectNode admissionPolicy(String name, Group group, List<Validation> validations, Policy policy,
            NativeSidecar sidecar) {
        Set<String> skippable = policy.skippable();
        boolean requireReason = policy.skipRules().requireReason();
        ObjectNode vap = object(GROUP, "ValidatingAdmissionPolicy", name);
        ObjectNode spec = vap.putObject("spec");
        spec.put("failurePolicy", "Fail");
        matchConstraints(spec, group);
        ArrayNode conditions = spec.putArray("matchConditions");
        if (group.target == Target.POD) {
            String annotations = NativeValidations.annotationsOf(group.kind);
            ArrayNode variables = spec.putArray("variables");
            variables.addObject().put("name", "annotations").put("expression", annotations);
            variables.addObject().put("name", "podSpec").put("expression", NativeValidations.podSpecOf(group.kind));
            variables.addObject().put("name", "skips").put("expression",
                    NativeValidations.skipsOf(group.kind, requireReason));
            if (validations.stream().anyMatch(v -> NativeSidecar.MUTATING.contains(v.ruleId()))) {
                addVariables(variables, sidecar.variables());
            }
            boolean legacyOnly = validations.stream().allMatch(v -> v.ruleId().equals("enabled-value"));
            String enabled = NativeValidations.onAnnotationsOf(NativeValidations.enabled(), group.kind);
            String legacy = NativeValidations.onAnnotationsOf(NativeValidations.legacyEnabled(), group.kind);
            conditions.addObject().put("name", "dapr-enabled")
                    .put("expression", legacyOnly ? legacy : enabled + " || " + legacy);
        }
        commonConditions(conditions, group);
        ArrayNode list = spec.putArray("validations");
        for (Validation validation : validations) {
            String expression = validation.expression();
            if (group.target == Target.POD && !validation.ruleId().equals("enabled-value")) {
                // the other pod rules judge only pods that Dapr 1.17.3+ injects
                expression = "!(" + NativeValidations.enabled() + ") || " + expression;
            }
            if (group.target == Target.POD && skippable.contains(validation.ruleId())) {
                expression = NativeValidations.skips(validation.ruleId()) + " || " + expression;
            }
            list.addObject().put("expression", expression).put("messageExpression", validation.messageExpression())
                    .put("reason", "Forbidden");
        }
        return vap;
    }

    /** The resources and operations a policy of the group matches. */
    private static void matchConstraints(ObjectNode spec, Group group) {
        ArrayNode rules = spec.putObject("matchConstraints").putArray("resourceRules");
        switch (group) {
            case PODS -> rule(rules, "", List.of("pods"), List.of("CREATE"));
            case WORKLOADS -> {
                rule(rules, "apps", List.of("deployments", "statefulsets", "daemonsets", "replicasets"),
                        List.of("CREATE", "UPDATE"));
                rule(rules, "batch", List.of("jobs"), List.of("CREATE", "UPDATE"));
            }
            case CRONJOBS -> rule(rules, "batch", List.of("cronjobs"), List.of("CREATE", "UPDATE"));
            case COMPONENTS -> rule(rules, "dapr.io", List.of("components"), List.of("CREATE", "UPDATE"));
            case CONTROL_PLANE -> rule(rules, "apps", List.of("deployments", "statefulsets"), List.of("CREATE", "UPDATE"));
            case CONFIGURATIONS -> rule(rules, "dapr.io", List.of("configurations"), List.of("CREATE", "UPDATE"));
        }
    }

    /** The matchConditions every policy of the group has: no mirror pod, no Dapr control plane, a change. */
    private static void commonConditions(ArrayNode conditions, Group group) {
        if (group.target == Target.POD) {
            // not a mirror pod: the kubelet's static pods are not reviewed
            if (group == Group.PODS) {
                conditions.addObject().put("name", "not-a-mirror-pod").put("expression",
                        "!(" + NativeValidations.literal(PolicyEngine.MIRROR_ANNOTATION)
                                + " in object.metadata.?annotations.orValue({}))");
            }
        }
        String controlPlane = "request.kind.kind in ['Deployment', 'StatefulSet'] && (object.metadata.?labels"
                + ".orValue({})[?" + NativeValidations.literal(io.daprguard.policy.Target.PART_OF_LABEL)
                + "].orValue('') == " + NativeValidations.literal(io.daprguard.policy.Target.CONTROL_PLANE_PART_OF)
                + " || object.metadata.?name.orValue('') in "
                + NativeValidations.list(io.daprguard.policy.Target.CONTROL_PLANE_NAMES) + ")";
        if (group == Group.WORKLOADS) {
            // Dapr's own Deployments and StatefulSets are judged by the control-plane rules, not the pod rules
            conditions.addObject().put("name", "not-the-dapr-control-plane").put("expression", "!(" + controlPlane + ")");
        }
        if (group == Group.CONTROL_PLANE) {
            conditions.addObject().put("name", "the-dapr-control-plane").put("expression", controlPlane);
        }
        String reviewed = switch (group) {
            case PODS -> null;
            case WORKLOADS -> "object.spec.?template != oldObject.spec.?template";
            case CRONJOBS -> "object.spec.?jobTemplate != oldObject.spec.?jobTemplate";
            case COMPONENTS -> "object.?spec != oldObject.?spec || object.?scopes != oldObject.?scopes"
                    + " || object.?auth != oldObject.?auth";
            case CONFIGURATIONS, CONTROL_PLANE -> "object.?spec != oldObject.?spec";
        };
        if (reviewed != null) {
            conditions.addObject().put("name", "created-or-changed")
                    .put("expression", "request.operation == 'CREATE' || " + reviewed);
        }
    }

    private static void rule(ArrayNode rules, String group, List<String> resources, List<String> operations) {
        ObjectNode rule = rules.addObject();
        rule.putArray("apiGroups").add(group);
        rule.putArray("apiVersions").add(group.equals("dapr.io") ? "v1alpha1" : "v1");
        ArrayNode names = rule.putArray("resources");
        resources.forEach(names::add);
        ArrayNode ops = rule.putArray("operations");
        operations.forEach(ops::add);
        rule.put("scope", "Namespaced");
    }

    /**
     * @param audit whether this binding is for audited namespaces (or the global audit mode)
     * @param alsoExcludedMode with the global audit mode, the one label value excluded ({@code off}); null for the
     *     enforce binding (audit and off excluded) when {@code audit} is false, or the audit binding (audit only)
     */
    private static ObjectNode binding(String kind, String name, String policyName, Action action, boolean audit,
            String alsoExcludedMode, Set<String> excludedNamespaces) {
        ObjectNode binding = object(GROUP, kind, name);
        ObjectNode spec = binding.putObject("spec");
        spec.put("policyName", policyName);
        if (action != null) {
            ArrayNode actions = spec.putArray("validationActions");
            if (action == Action.DENY && !audit) {
                actions.add("Deny");
            } else if (action == Action.DENY) {
                actions.add("Warn").add("Audit");
            } else {
                actions.add("Warn");
            }
        }
        ArrayNode expressions = spec.putObject("matchResources").putObject("namespaceSelector")
                .putArray("matchExpressions");
        ObjectNode names = expressions.addObject().put("key", "kubernetes.io/metadata.name").put("operator", "NotIn");
        ArrayNode values = names.putArray("values");
        excludedNamespaces.stream().sorted().forEach(values::add);
        ObjectNode mode = expressions.addObject().put("key", MODE_LABEL);
        if (alsoExcludedMode != null) {
            mode.put("operator", "NotIn").putArray("values").add(alsoExcludedMode);
        } else if (audit) {
            mode.put("operator", "In").putArray("values").add("audit");
        } else {
            mode.put("operator", "NotIn").putArray("values").add("audit").add("off");
        }
        return binding;
    }

    private static ObjectNode object(String apiVersion, String kind, String name) {
        ObjectNode object = NODES.objectNode();
        object.put("apiVersion", apiVersion).put("kind", kind);
        object.putObject("metadata").put("name", name).putObject("labels")
                .put("app.kubernetes.io/managed-by", "dapr-guard");
        return object;
    }
}

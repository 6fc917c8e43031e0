package io.daprguard.policy;

import io.daprguard.dapr.InjectorAccounts;
import io.daprguard.rules.Action;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import io.daprguard.rules.SecretNames;
import io.daprguard.rules.SidecarDefaults;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The whole policy as plain values: checked once when built, so a request never meets a bad setting.
 *
 * @param mode the global mode ({@code /audit/...} paths always run in audit)
 * @param actions the action of every rule id, in the order the rules run
 * @param skippable rule ids that {@code daprguard.io/skip} may turn off for one object
 * @param defaults the sidecar values mutation adds
 * @param mutateTemplates whether workload pod templates are patched too (off: GitOps tools would see drift)
 * @param secretNames which Component metadata names hold secrets
 * @param skipRules how far ahead a skip may end, and whether it needs a reason
 * @param controlPlaneMemoryLimits whether control-plane advice includes the seed guideline's memory limits (true)
 *     or follows the current upstream page, which advises against memory limits on control-plane pods (false)
 * @param nativeRules rules that native admission policies enforce beside the webhook ({@code dapr-guard.native-rules}):
 *     the engine reports no finding of theirs, but their mutations still run, so that what it judges of the other
 *     rules is the pod as the native mutation leaves it (and a pod the native mutation missed still gets them)
 */
public record Policy(
        Mode mode, Map<String, Action> actions, Set<String> skippable, SidecarDefaults defaults,
        boolean mutateTemplates, SecretNames secretNames, SkipRules skipRules, boolean controlPlaneMemoryLimits,
        Set<String> nativeRules, InjectorAccounts injector) {

    public Policy {
        actions = Collections.unmodifiableMap(new LinkedHashMap<>(actions));
        skippable = Set.copyOf(skippable);
        nativeRules = Set.copyOf(nativeRules);
        requireKnown("native rule", nativeRules);
        for (Rule rule : Rules.all()) {
            if (!actions.containsKey(rule.id())) {
                throw new IllegalArgumentException("no action for rule " + rule.id());
            }
        }
        requireKnown("rule action", actions.keySet());
        requireKnown("skippable rule", skippable);
    }

    /** The policy with every default: enforce, the guideline's values, warn-level rules skippable. */
    public static Policy standard() {
        return of(Mode.ENFORCE, Map.of(), null, SidecarDefaults.GUIDELINE, false);
    }

    /**
     * Builds a policy from overrides.
     *
     * @param overrides rule id to action, for the rules that differ from their default
     * @param skippable the skippable rule ids, or null for "the rules whose action is warn"
     * @throws IllegalArgumentException naming an unknown rule id and listing the known ones
     */
    public static Policy of(
            Mode mode, Map<String, Action> overrides, Set<String> skippable, SidecarDefaults defaults,
            boolean mutateTemplates) {
        requireKnown("rule action", overrides.keySet());
        Map<String, Action> actions = new LinkedHashMap<>();
        for (Rule rule : Rules.all()) {
            actions.put(rule.id(), overrides.getOrDefault(rule.id(), rule.defaultAction()));
        }
        Set<String> skip = skippable != null ? skippable : actions.entrySet().stream()
                .filter(e -> e.getValue() == Action.WARN)
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        return new Policy(mode, actions, skip, defaults, mutateTemplates, SecretNames.DEFAULT, SkipRules.DEFAULT,
                true, Set.of(), InjectorAccounts.DEFAULT);
    }

    /** The same policy with workload template mutation on or off. */
    public Policy withMutateTemplates(boolean mutate) {
        return new Policy(mode, actions, skippable, defaults, mutate, secretNames, skipRules,
                controlPlaneMemoryLimits, nativeRules, injector);
    }

    /** The same policy with other Component secret-name patterns. */
    public Policy withSecretNames(SecretNames names) {
        return new Policy(mode, actions, skippable, defaults, mutateTemplates, names, skipRules,
                controlPlaneMemoryLimits, nativeRules, injector);
    }

    /** The same policy with other limits on skips. */
    public Policy withSkipRules(SkipRules rules) {
        return new Policy(mode, actions, skippable, defaults, mutateTemplates, secretNames, rules,
                controlPlaneMemoryLimits, nativeRules, injector);
    }

    /** The same policy with control-plane memory limits advised or not. */
    public Policy withControlPlaneMemoryLimits(boolean advised) {
        return new Policy(mode, actions, skippable, defaults, mutateTemplates, secretNames, skipRules, advised,
                nativeRules, injector);
    }

    /** The same policy with these rules enforced by native admission policies (see {@code nativeRules}). */
    public Policy withNativeRules(Set<String> ruleIds) {
        return new Policy(mode, actions, skippable, defaults, mutateTemplates, secretNames, skipRules,
                controlPlaneMemoryLimits, ruleIds, injector);
    }

    /** The same policy with the service accounts Dapr's injector serves beyond its built-in list. */
    public Policy withInjector(InjectorAccounts accounts) {
        return new Policy(mode, actions, skippable, defaults, mutateTemplates, secretNames, skipRules,
                controlPlaneMemoryLimits, nativeRules, accounts);
    }

    /** This policy with the given rules off (unknown ids are refused). */
    public Policy withRulesOff(Set<String> ruleIds) {
        if (ruleIds.isEmpty()) {
            return this;
        }
        Map<String, Action> off = new LinkedHashMap<>(actions);
        for (String id : ruleIds) {
            if (!off.containsKey(id)) {
                throw new IllegalArgumentException("unknown rule " + id);
            }
            off.put(id, Action.OFF);
        }
        return new Policy(mode, off, skippable, defaults, mutateTemplates, secretNames, skipRules,
                controlPlaneMemoryLimits, nativeRules, injector);
    }

    public Action action(String ruleId) {
        return actions.get(ruleId);
    }

    private static void requireKnown(String what, Set<String> ids) {
        for (String id : ids) {
            if (Rules.byId(id).isEmpty()) {
                Set<String> known = new TreeSet<>();
                Rules.all().forEach(rule -> known.add(rule.id()));
                throw new IllegalArgumentException("unknown " + what + " '" + id + "'; the rules are " + known);
            }
        }
    }
}

package io.daprguard.rules;

import java.util.List;

/**
 * One guideline rule. A rule knows nothing of HTTP, Spring or modes: it inspects (and, if it mutates, fills in) a
 * {@link PodView} and reports what it found. The engine decides what a finding means (deny, warn, audit).
 *
 * <p>Every rule has a stable kebab-case {@link #id()} that appears in denial and warning texts, metric tags,
 * configuration keys, fixture folders and the README. Renaming one is a breaking change.
 */
public interface Rule {

    /** The stable rule id, for example {@code sidecar-resources}. */
    String id();

    /** The action the rule has unless configuration says otherwise. */
    Action defaultAction();

    /** Whether {@link #mutate} can add anything. */
    default boolean mutates() {
        return false;
    }

    /** What the rule looks at; pod rules implement the {@link PodView} methods, the others {@link #check}. */
    default Scope scope() {
        return Scope.POD;
    }

    /**
     * Adds what is missing to the (mutable copy of the) pod. Never changes or removes what the user set.
     *
     * @return one human-readable line per change, for example {@code add dapr.io/sidecar-cpu-request: 100m};
     *     empty when nothing was missing
     */
    default List<String> mutate(PodView pod, RuleContext context) {
        return List.of();
    }

    /**
     * Checks the pod as it will be admitted (rules of {@link Scope#POD}).
     *
     * @return the problems found, empty when the pod passes
     */
    default List<Problem> validate(PodView pod, RuleContext context) {
        return List.of();
    }

    /**
     * Checks a Component, Configuration or control-plane workload (rules of the other scopes).
     *
     * @return the problems found, empty when the object passes
     */
    default List<Problem> check(ResourceView resource, RuleContext context) {
        return List.of();
    }
}

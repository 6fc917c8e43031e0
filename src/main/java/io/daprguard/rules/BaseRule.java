package io.daprguard.rules;

/** Holds a rule's id, default action and whether it mutates, so each rule class is only its checks. */
public abstract class BaseRule implements Rule {

    private final String id;
    private final Action defaultAction;
    private final boolean mutates;
    private final Scope scope;

    /** A pod rule that only validates. */
    protected BaseRule(String id, Action defaultAction) {
        this(id, defaultAction, false);
    }

    /** A pod rule. */
    protected BaseRule(String id, Action defaultAction, boolean mutates) {
        this(id, defaultAction, mutates, Scope.POD);
    }

    /** A rule of another scope (these never mutate). */
    protected BaseRule(String id, Action defaultAction, Scope scope) {
        this(id, defaultAction, false, scope);
    }

    private BaseRule(String id, Action defaultAction, boolean mutates, Scope scope) {
        this.id = id;
        this.defaultAction = defaultAction;
        this.mutates = mutates;
        this.scope = scope;
    }

    @Override
    public final Scope scope() {
        return scope;
    }

    @Override
    public final boolean mutates() {
        return mutates;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Action defaultAction() {
        return defaultAction;
    }

    @Override
    public String toString() {
        return id;
    }
}

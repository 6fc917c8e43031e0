package io.daprguard.rules;

/** Holds a rule's id, default action and whether it mutates, so each rule class is only its checks. */
public abstract class BaseRule implements Rule {

    private final String id;
    private final Action defaultAction;
    private final boolean mutates;

    /** A rule that only validates. */
    protected BaseRule(String id, Action defaultAction) {
        this(id, defaultAction, false);
    }

    protected BaseRule(String id, Action defaultAction, boolean mutates) {
        this.id = id;
        this.defaultAction = defaultAction;
        this.mutates = mutates;
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

package io.daprguard.rules;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code component-scopes}: a Component lists the app-ids that may load it ({@code scopes}, at the top level of
 * the object). Without scopes every app in the namespace loads it, and can use its credentials.
 */
public final class ComponentScopesRule extends BaseRule {

    public static final String ID = "component-scopes";

    /** The messages (the native policy writes the same): scopes under spec, and no scopes. */
    public static final String UNDER_SPEC = "scopes is under spec, where Dapr ignores it; move it to the top level "
            + "of the Component";
    public static final String NO_SCOPES = "no scopes, so every app in the namespace loads this component; add "
            + "scopes: [<app-id>, ...]";

    public ComponentScopesRule() {
        super(ID, Action.WARN, Scope.COMPONENT);
    }

    @Override
    public List<Problem> check(ResourceView component, RuleContext context) {
        JsonNode scopes = component.at("/scopes");
        if (scopes.isArray() && !scopes.isEmpty()) {
            return List.of();
        }
        if (!component.at("/spec/scopes").isMissingNode()) {
            return List.of(Problem.violation(UNDER_SPEC));
        }
        return List.of(Problem.violation(NO_SCOPES));
    }
}

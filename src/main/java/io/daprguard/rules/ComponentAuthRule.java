package io.daprguard.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * {@code component-auth}: a Component's {@code auth} (top level) names its secret store as {@code secretStore}.
 * Dapr ignores any other spelling and then resolves {@code secretKeyRef}s from Kubernetes secrets, silently.
 */
public final class ComponentAuthRule extends BaseRule {

    public static final String ID = "component-auth";
    private static final String SECRET_STORE = "secretStore";

    public ComponentAuthRule() {
        super(ID, Action.WARN, Scope.COMPONENT);
    }

    @Override
    public List<Problem> check(ResourceView component, RuleContext context) {
        List<Problem> problems = new ArrayList<>();
        if (!component.at("/spec/auth").isMissingNode()) {
            problems.add(Problem.violation("auth is under spec, where Dapr ignores it; move it to the top level "
                    + "of the Component"));
        }
        JsonNode auth = component.at("/auth");
        if (auth.isMissingNode() || auth.isNull()) {
            return problems;
        }
        if (!auth.isObject()) {
            throw new MalformedObjectException("/auth", "an object");
        }
        for (String key : auth.propertyNames()) {
            if (!SECRET_STORE.equals(key)) {
                String hint = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "").equals("secretstore")
                        ? "write it as secretStore" : "the only key is secretStore";
                problems.add(Problem.violation("auth has \"" + Texts.shown(key)
                        + "\", which Dapr ignores; " + hint));
            }
        }
        JsonNode store = auth.path(SECRET_STORE);
        if (!store.isString() || store.stringValue().isBlank()) {
            problems.add(Problem.violation("auth has no secretStore, so secretKeyRefs are read from Kubernetes "
                    + "secrets; set auth.secretStore to the secret store component's name"));
        }
        return problems;
    }
}

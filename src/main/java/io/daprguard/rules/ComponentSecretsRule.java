package io.daprguard.rules;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code component-secrets}: a Component's {@code spec.metadata} item whose name marks a secret (password, token,
 * key, connection string...; see {@link SecretNames}) has no plaintext {@code value}. Anyone who can read the
 * Component can read it; it belongs in a secret store, referenced with {@code secretKeyRef}. Messages name the
 * item, never its value.
 */
public final class ComponentSecretsRule extends BaseRule {

    public static final String ID = "component-secrets";

    public ComponentSecretsRule() {
        super(ID, Action.DENY, Scope.COMPONENT);
    }

    @Override
    public List<Problem> check(ResourceView component, RuleContext context) {
        List<Problem> problems = new ArrayList<>();
        int index = 0;
        for (JsonNode item : component.array("/spec/metadata")) {
            String name = item.path("name").asString("");
            JsonNode value = item.path("value");
            boolean plaintext = value.isValueNode() && !value.isNull() && !value.asString("").isEmpty();
            if (plaintext && context.secretNames().isSecret(name)) {
                problems.add(Problem.violation("spec.metadata[" + index + "] \"" + Texts.shown(name)
                        + "\" has a plaintext value; reference a secret instead: secretKeyRef: {name: <secret>, "
                        + "key: <key>} (auth.secretStore names the store; Kubernetes secrets by default)"));
            }
            index++;
        }
        return problems;
    }

}

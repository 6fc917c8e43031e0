package io.daprguard.rules;

import io.daprguard.dapr.ComponentSchemas;
import io.daprguard.dapr.ComponentSchemas.Field;
import io.daprguard.dapr.ComponentSchemas.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code component-secrets}: a Component's {@code spec.metadata} item that holds a secret has no plaintext
 * {@code value}. Anyone who can read the Component can read it; it belongs in a secret store, referenced with
 * {@code secretKeyRef}. Messages name the item and the signal that made it a secret, never its value.
 *
 * <p>The signals, in order:
 * <ol>
 *   <li>Dapr's schema of the component type ({@link ComponentSchemas}) marks the field {@code sensitive}: in its
 *       own fields, its authentication profiles or the built-in profiles it references;</li>
 *   <li>the schema knows the field as a text field but leaves it unmarked while its name says secret
 *       ({@link SecretNames}): the schemas' flags are incomplete there ({@code password}, {@code accessKey},
 *       {@code privateKey}, {@code secret}, {@code vaultToken} in some types). A field the schema declares as a
 *       number, bool, duration or size ({@code maxTokens}) is never a secret by its name;</li>
 *   <li>the schema does not know the name, or the type is not in the bundle (custom or pluggable components):
 *       the name patterns alone.</li>
 * </ol>
 */
public final class ComponentSecretsRule extends BaseRule {

    public static final String ID = "component-secrets";

    public ComponentSecretsRule() {
        super(ID, Action.DENY, Scope.COMPONENT);
    }

    @Override
    public List<Problem> check(ResourceView component, RuleContext context) {
        Optional<Schema> schema = ComponentSchemas.bundled().find(
                component.at("/spec/type").asString(""), component.at("/spec/version").asString(""));
        List<Problem> problems = new ArrayList<>();
        int index = 0;
        for (JsonNode item : component.array("/spec/metadata")) {
            String name = item.path("name").asString("");
            JsonNode value = item.path("value");
            boolean plaintext = value.isValueNode() && !value.isNull() && !value.asString("").isEmpty();
            Optional<String> signal = plaintext ? signal(schema, name, context.secretNames()) : Optional.empty();
            if (signal.isPresent()) {
                problems.add(Problem.violation("spec.metadata[" + index + "] " + Texts.quoted(name)
                        + " has a plaintext value (" + signal.get() + "); use secretKeyRef: {name: <secret>, key: "
                        + "<key>}"));
            }
            index++;
        }
        return problems;
    }

    /** Why the item holds a secret, or empty when it does not. */
    static Optional<String> signal(Optional<Schema> schema, String name, SecretNames names) {
        if (schema.isEmpty()) {
            return names.isSecret(name) ? Optional.of("named like a secret") : Optional.empty();
        }
        List<Field> definitions = schema.get().definitions(name);
        if (definitions.stream().anyMatch(Field::sensitive)) {
            return Optional.of("sensitive in Dapr's " + schema.get().type() + " schema");
        }
        if (definitions.isEmpty()) {
            return names.isSecret(name) ? Optional.of("named like a secret") : Optional.empty();
        }
        boolean text = definitions.stream().allMatch(field -> field.type().equals("string"));
        return text && names.isSecret(name)
                ? Optional.of("named like a secret; Dapr's " + schema.get().type() + " schema leaves it unmarked")
                : Optional.empty();
    }
}

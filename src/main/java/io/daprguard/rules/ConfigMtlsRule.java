package io.daprguard.rules;

import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code config-mtls}: a Dapr Configuration does not turn mTLS off ({@code spec.mtls.enabled: false}). */
public final class ConfigMtlsRule extends BaseRule {

    public static final String ID = "config-mtls";

    /** The finding's message (the native policy writes the same). */
    public static final String MESSAGE = "spec.mtls.enabled is false, so service-to-service calls travel "
            + "unencrypted and unauthenticated; remove it or set it to true";

    public ConfigMtlsRule() {
        super(ID, Action.DENY, Scope.CONFIGURATION);
    }

    @Override
    public List<Problem> check(ResourceView configuration, RuleContext context) {
        if (isFalse(configuration.at("/spec/mtls/enabled"))) {
            return List.of(Problem.violation(MESSAGE));
        }
        return List.of();
    }

    /** A boolean false, or the string "false" (any case), as Kubernetes users sometimes write it. */
    static boolean isFalse(JsonNode node) {
        return node.isBoolean() && !node.booleanValue() || node.isString() && "false".equalsIgnoreCase(node.stringValue());
    }
}

package io.daprguard.rules;

import java.math.BigDecimal;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code config-tracing}: a Dapr Configuration samples traces ({@code spec.tracing.samplingRate} above 0). */
public final class ConfigTracingRule extends BaseRule {

    public static final String ID = "config-tracing";

    /** The messages' texts (the native policy writes the same): no tracing; after "samplingRate is 0|not set". */
    public static final String NO_TRACING = "no spec.tracing, so no traces are recorded; set tracing.samplingRate "
            + "and an exporter (otel or zipkin)";
    public static final String NO_SAMPLING = ", so no traces are recorded; set it, for example to \"1\" (every "
            + "request) or \"0.1\"";

    public ConfigTracingRule() {
        super(ID, Action.WARN, Scope.CONFIGURATION);
    }

    @Override
    public List<Problem> check(ResourceView configuration, RuleContext context) {
        JsonNode tracing = configuration.at("/spec/tracing");
        if (tracing.isMissingNode() || tracing.isNull()) {
            return List.of(Problem.violation(NO_TRACING));
        }
        JsonNode rate = tracing.path("samplingRate");
        if (rate.isMissingNode() || isZero(rate.asString(""))) {
            return List.of(Problem.violation("spec.tracing.samplingRate is " + (rate.isMissingNode() ? "not set" : "0")
                    + NO_SAMPLING));
        }
        return List.of();
    }

    private static boolean isZero(String rate) {
        try {
            return new BigDecimal(rate.strip()).signum() == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

package io.daprguard.nativepolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.CelValidationException;
import dev.cel.runtime.CelEvaluationException;
import io.daprguard.dapr.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The test harness's CEL: Kubernetes' quantity library on the Go-exact parser, and the apiserver's variables. */
class KubernetesCelTest {

    private final KubernetesCel cel = new KubernetesCel();

    private Object eval(String expression, Map<String, ?> variables) throws Exception {
        return cel.evaluate(expression, variables);
    }

    private Object eval(String expression) throws Exception {
        return eval(expression, Map.of());
    }

    /** Valid and invalid spellings, several of which differ from a naive reading (dapr-facts: quantities). */
    @ParameterizedTest
    @ValueSource(strings = {"1000Mi", "1000MB", "1Gi", "0.5Gi", "250m", "1e3", "1E3", "+1", "-1", ".5", "5.",
        "1.5Ki", "1Ei", "9223372036854775807", "9223372036854775808", "1e-9", "1n", "100mi", "1 Gi", "", "Mi",
        "1GiB", "0x10", "1e", "1k", "1K", "--1", "1.2.3", "1e1000"})
    void isQuantityAgreesWithTheGoExactParser(String text) throws Exception {
        assertThat(eval("isQuantity(variables.s)", Map.of("variables", Map.of("s", text))))
                .as("isQuantity(%s)", text)
                .isEqualTo(Quantity.isValid(text));
    }

    @Test
    void quantitiesCompareByValueAcrossSuffixes() throws Exception {
        assertThat(eval("quantity('1000Mi').isLessThan(quantity('1Gi'))")).isEqualTo(true);
        assertThat(eval("quantity('1024Mi').compareTo(quantity('1Gi'))")).isEqualTo(0L);
        assertThat(eval("quantity('1000M').isGreaterThan(quantity('900Mi'))")).isEqualTo(true);
        assertThat(eval("quantity('250m').sign()")).isEqualTo(1L);
        assertThat(eval("quantity('-1').sign()")).isEqualTo(-1L);
        assertThat(eval("quantity('1Ki').add(quantity('1')).asInteger()")).isEqualTo(1025L);
        assertThat(eval("quantity('1Ki').sub(24).asInteger()")).isEqualTo(1000L);
        assertThat(eval("quantity('250m').isInteger()")).isEqualTo(false);
        assertThat(eval("quantity('1e3').isInteger()")).isEqualTo(true);
        assertThat(eval("quantity('0.5Gi').asApproximateFloat()")).isEqualTo(536870912.0);
        // 90 % of a 1000Mi limit in whole bytes, as GOMEMLIMIT is computed from it
        assertThat(eval("quantity('1000Mi').asInteger() * 9 / 10")).isEqualTo(943718400L);
    }

    @Test
    void anInvalidQuantityOrANonIntegerIsAnEvaluationError() {
        assertThatThrownBy(() -> eval("quantity('1000MB')")).isInstanceOf(CelEvaluationException.class)
                .rootCause().hasMessageContaining("quantities must match the regular expression");
        assertThatThrownBy(() -> eval("quantity('250m').asInteger()")).isInstanceOf(CelEvaluationException.class)
                .rootCause().hasMessageContaining("cannot convert value to integer");
        assertThatThrownBy(() -> eval("quantity('9223372036854775808').asInteger()"))
                .isInstanceOf(CelEvaluationException.class);
    }

    @Test
    void optionalFieldsAndMapKeysReadTheWayPoliciesGuardThem() throws Exception {
        Map<String, Object> pod = Map.of("metadata", Map.of("annotations",
                Map.of("dapr.io/enabled", "true", "dapr.io/sidecar-memory-limit", "1000Mi")));
        Map<String, Object> bare = Map.of("metadata", Map.of("name", "x"));
        String enabled = "object.metadata.?annotations[?'dapr.io/enabled'].orValue('') == 'true'";

        assertThat(eval(enabled, Map.of("object", pod))).isEqualTo(true);
        assertThat(eval(enabled, Map.of("object", bare))).isEqualTo(false);
        assertThat(eval("object.metadata.annotations['dapr.io/sidecar-memory-limit'].lowerAscii()",
                Map.of("object", pod))).isEqualTo("1000mi");
        assertThat(eval("has(object.metadata.annotations)", Map.of("object", bare))).isEqualTo(false);
        assertThat(eval("request.operation == 'CREATE'", Map.of("request", Map.of("operation", "CREATE"))))
                .isEqualTo(true);
        assertThat(eval("oldObject == null")).isEqualTo(true);
        assertThat(eval("['a', 'b'].exists(x, x == 'b') && 'a,b'.split(',').size() == 2")).isEqualTo(true);
    }

    @Test
    void anExpressionThatDoesNotCompileIsRefused() {
        assertThatThrownBy(() -> eval("quantity(1)")).isInstanceOf(CelValidationException.class);
        assertThatThrownBy(() -> eval("undeclared.field")).isInstanceOf(CelValidationException.class);
        assertThatThrownBy(() -> eval("object.metadata.")).isInstanceOf(CelValidationException.class);
    }

    @Test
    void everyVariableTheApiserverDeclaresIsDeclared() throws Exception {
        for (String variable : List.of("object", "oldObject", "request", "params", "namespaceObject", "variables")) {
            assertThat(eval(variable + " == null")).as(variable).isEqualTo(true);
        }
    }
}

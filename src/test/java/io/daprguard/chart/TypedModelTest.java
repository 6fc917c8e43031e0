package io.daprguard.chart;

import static io.daprguard.chart.ChartRenderer.chart;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The core objects parse as their Kubernetes types (fabric8's model) with no unknown field anywhere: a misspelt
 * field name would be silently dropped by the apiserver, so it is caught here instead.
 */
class TypedModelTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Map<String, Class<?>> TYPES = Map.of(
            "Deployment", Deployment.class, "Service", Service.class, "ServiceAccount", ServiceAccount.class,
            "ConfigMap", ConfigMap.class, "Secret", Secret.class);

    @ParameterizedTest
    @ValueSource(strings = {"", "everything.yaml", "cert-manager.yaml", "custom-names.yaml"})
    void coreObjectsHaveNoUnknownFields(String valuesFile) {
        ChartRenderer renderer = chart();
        if (!valuesFile.isEmpty()) {
            renderer.values(valuesFile);
        }
        int checked = 0;
        for (JsonNode document : renderer.render().all()) {
            Class<?> type = TYPES.get(Manifests.kind(document));
            if (type != null) {
                Object typed = JSON.treeToValue(document, type);
                List<String> unknown = new ArrayList<>();
                collectUnknown(typed, Manifests.kind(document), unknown);
                assertThat(unknown).as(Manifests.kind(document) + "/" + Manifests.name(document)).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    /** Walks the model through its getters; fields the model does not know end up in additionalProperties. */
    private static void collectUnknown(Object value, String where, List<String> unknown) {
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
            if (value instanceof Collection<?> collection) {
                int i = 0;
                for (Object item : collection) {
                    collectUnknown(item, where + "[" + i++ + "]", unknown);
                }
            }
            else if (value instanceof Map<?, ?> map) {
                map.forEach((key, item) -> collectUnknown(item, where + "." + key, unknown));
            }
            return;
        }
        for (Method method : value.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || !method.getName().startsWith("get") || method.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child = invoke(method, value);
            if (method.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(where + " has unknown " + extra.keySet());
                }
                continue;
            }
            collectUnknown(child, where + "." + method.getName().substring(3), unknown);
        }
    }

    private static Object invoke(Method method, Object target) {
        try {
            return method.invoke(target);
        }
        catch (IllegalAccessException | InvocationTargetException ex) {
            return null;
        }
    }
}

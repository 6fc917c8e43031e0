package io.daprguard.chart;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Kubernetes label selector semantics (matchLabels and matchExpressions, ANDed), as the apiserver applies them. */
final class LabelSelectors {

    private LabelSelectors() {
    }

    static boolean matches(JsonNode selector, Map<String, String> labels) {
        for (Map.Entry<String, JsonNode> entry : selector.path("matchLabels").properties()) {
            if (!entry.getValue().asString().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asString();
            Set<String> values = new HashSet<>();
            expression.path("values").forEach(value -> values.add(value.asString()));
            String operator = expression.path("operator").asString();
            boolean ok = switch (operator) {
                case "In" -> labels.containsKey(key) && values.contains(labels.get(key));
                // NotIn also matches objects that do not have the label at all.
                case "NotIn" -> !labels.containsKey(key) || !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new IllegalArgumentException("unknown selector operator " + operator);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A map of labels (matchLabels, metadata.labels). */
    static Map<String, String> labels(JsonNode map) {
        Map<String, String> labels = new LinkedHashMap<>();
        map.properties().forEach(entry -> labels.put(entry.getKey(), entry.getValue().asString()));
        return labels;
    }

    /** The labels a namespace carries: the apiserver always sets kubernetes.io/metadata.name. */
    static Map<String, String> namespace(String name, String... moreLabels) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/metadata.name", name);
        for (int i = 0; i + 1 < moreLabels.length; i += 2) {
            labels.put(moreLabels[i], moreLabels[i + 1]);
        }
        return labels;
    }
}

package io.daprguard.rules;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A reviewed object that is not a pod (a Dapr Component or Configuration, a control-plane workload), read from
 * the request's raw JSON. Reads tolerate absent fields; a field of the wrong type where a rule needs it is a
 * {@link MalformedObjectException}.
 *
 * @param namespace the namespace of the request (or of the object's metadata)
 */
public record ResourceView(ObjectNode object, String namespace) {

    /** The node at a JSON pointer, a missing node when absent. */
    public JsonNode at(String pointer) {
        return object.at(pointer);
    }

    /** {@code metadata.name}, or empty. */
    public String name() {
        return object.path("metadata").path("name").asString("");
    }

    /** {@code metadata.labels} as strings. */
    public Map<String, String> labels() {
        return PodView.of(object, "").labels();
    }

    /** An array at a JSON pointer; empty when absent or null, malformed when something else. */
    public Iterable<JsonNode> array(String pointer) {
        JsonNode node = object.at(pointer);
        if (node.isMissingNode() || node.isNull()) {
            return java.util.List.of();
        }
        if (!node.isArray()) {
            throw new MalformedObjectException(pointer, "an array");
        }
        return node;
    }
}

package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pod-shaped part of a reviewed object (a Pod, or a workload's pod template) as raw JSON: the rules read and
 * mutate the request's own tree, so fields no model knows survive untouched. Reads check JSON types and throw
 * {@link MalformedObjectException} naming the path; writes only ever add what is missing.
 */
public final class PodView {

    private final ObjectNode root;
    private final String pointer;
    private final WorkingCopy writes;
    private Map<String, String> annotations;

    private PodView(ObjectNode root, String pointer, WorkingCopy writes) {
        this.root = root;
        this.pointer = pointer;
        this.writes = writes;
    }

    /**
     * A read-only view of the pod at {@code pointer} (empty for a Pod, {@code /spec/template} for a
     * Deployment...); writing through it is a bug and throws {@link IllegalStateException}.
     */
    public static PodView of(ObjectNode object, String pointer) {
        return new PodView(object, pointer, null);
    }

    /** A view of the pod at {@code pointer} in {@code copy} whose writes go into that working copy. */
    public static PodView writable(WorkingCopy copy, String pointer) {
        return new PodView(copy.root(), pointer, copy);
    }

    /** JSON pointer of the pod within the reviewed object. */
    public String pointer() {
        return pointer;
    }

    private JsonNode pod() {
        return pointer.isEmpty() ? root : root.at(pointer);
    }

    /** The pod's annotations in document order; empty when there are none. */
    public Map<String, String> annotations() {
        if (annotations == null) {
            annotations = readAnnotations();
        }
        return annotations;
    }

    private Map<String, String> readAnnotations() {
        return stringMap("annotations");
    }

    /** The pod's labels in document order; empty when there are none. */
    public Map<String, String> labels() {
        return stringMap("labels");
    }

    /** {@code metadata.<field>}, a map of strings. */
    private Map<String, String> stringMap(String field) {
        JsonNode node = optionalObject(pod().path("metadata"), pointer + "/metadata")
                .map(metadata -> metadata.path(field))
                .orElse(null);
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new MalformedObjectException(pointer + "/metadata/" + field, "an object of strings");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            JsonNode value = entry.getValue();
            if (!value.isString()) {
                throw new MalformedObjectException(
                        pointer + "/metadata/" + field + "/" + escape(entry.getKey()), "a string");
            }
            result.put(entry.getKey(), value.stringValue());
        }
        return Collections.unmodifiableMap(result);
    }

    /** The annotation's value, or null when absent. */
    public String annotation(String key) {
        return annotations().get(key);
    }

    /** Adds an annotation that is absent, or replaces one whose value this webhook rebuilt (dapr.io/env). */
    public void putAnnotation(String key, String value) {
        WorkingCopy copy = writes();
        ObjectNode metadata = copy.childObject(copy.writableAt(pointer), "metadata");
        copy.childObject(metadata, "annotations").put(key, value);
        annotations = null;
    }

    /** Where writes go; a read-only view has none. */
    WorkingCopy writes() {
        if (writes == null) {
            throw new IllegalStateException("a write through a read-only view of " + (pointer.isEmpty() ? "/" : pointer));
        }
        return writes;
    }

    /** {@code spec.automountServiceAccountToken}, or empty when unset. */
    public Optional<Boolean> automountServiceAccountToken() {
        JsonNode node = spec().path("automountServiceAccountToken");
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw new MalformedObjectException(pointer + "/spec/automountServiceAccountToken", "a boolean");
        }
        return Optional.of(node.booleanValue());
    }

    /**
     * {@code spec.terminationGracePeriodSeconds}, or empty when unset (Kubernetes then gives 30); an integer beyond
     * int64 (which Kubernetes refuses anyway) reads as {@link Long#MAX_VALUE}.
     */
    public OptionalLong terminationGracePeriodSeconds() {
        JsonNode node = spec().path("terminationGracePeriodSeconds");
        if (node.isMissingNode() || node.isNull()) {
            return OptionalLong.empty();
        }
        if (!node.isIntegralNumber()) {
            throw new MalformedObjectException(pointer + "/spec/terminationGracePeriodSeconds", "an integer");
        }
        return OptionalLong.of(node.canConvertToLong() ? node.longValue() : Long.MAX_VALUE);
    }

    /** {@code spec.securityContext.seccompProfile.type}, or null. */
    public String podSeccompProfileType() {
        return ContainerView.seccompType(spec(), pointer + "/spec");
    }

    /**
     * The Dapr sidecar ({@code daprd}) already injected into {@code containers} or, as a native sidecar,
     * {@code initContainers}; empty when the Dapr injector has not run yet.
     */
    public Optional<ContainerView> daprdContainer() {
        for (ContainerView container : containers()) {
            if (DaprAnnotations.SIDECAR_CONTAINER_NAME.equals(container.name())) {
                return Optional.of(container);
            }
        }
        return Optional.empty();
    }

    /** All containers and init containers. */
    public List<ContainerView> containers() {
        JsonNode spec = spec();
        List<ContainerView> result = new ArrayList<>();
        for (String field : new String[] {"containers", "initContainers"}) {
            JsonNode list = spec.path(field);
            String path = pointer + "/spec/" + field;
            if (list.isMissingNode() || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw new MalformedObjectException(path, "an array of containers");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode container = list.get(i);
                if (!container.isObject()) {
                    throw new MalformedObjectException(path + "/" + i, "a container object");
                }
                result.add(new ContainerView(this, (ObjectNode) container, path + "/" + i));
            }
        }
        return result;
    }

    private JsonNode spec() {
        JsonNode spec = pod().path("spec");
        if (spec.isMissingNode() || spec.isNull()) {
            return spec;
        }
        if (!spec.isObject()) {
            throw new MalformedObjectException(pointer + "/spec", "an object");
        }
        return spec;
    }

    static Optional<JsonNode> optionalObject(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new MalformedObjectException(path, "an object");
        }
        return Optional.of(node);
    }

    /** RFC 6901 escaping of one pointer segment. */
    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}

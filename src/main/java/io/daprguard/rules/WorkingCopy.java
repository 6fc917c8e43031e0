package io.daprguard.rules;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reviewed object as mutation leaves it, copied on write: it starts as the request's own tree and copies a
 * node (shallowly: its fields or elements, not what they hold) only when a rule writes at or below it. The
 * request's tree is never changed; every subtree no rule wrote under is shared with it, the very same node, so
 * the patch diff skips it by identity and the cost of a mutation follows what changed, not the size of the pod
 * (a deep copy of a 1 MB pod, and a diff comparing it field by field, cost more than every rule together).
 *
 * <p>Writes go through {@link PodView} and {@link ContainerView}, which ask for the nodes they write into here.
 */
public final class WorkingCopy {

    private final ObjectNode root;
    private final Set<JsonNode> owned = Collections.newSetFromMap(new IdentityHashMap<>());

    private WorkingCopy(ObjectNode original) {
        this.root = own(shallowCopy(original));
    }

    /** A working copy of {@code original}, which stays as it is. */
    public static WorkingCopy of(ObjectNode original) {
        return new WorkingCopy(original);
    }

    /** The object with every write so far; shares all unwritten subtrees with the original. */
    public ObjectNode root() {
        return root;
    }

    /**
     * The object at {@code pointer} (RFC 6901), made writable: each node on the way that is still the original's
     * is replaced by a copy. The path must lead through existing objects and arrays (views only write inside
     * what they have read).
     */
    ObjectNode writableAt(String pointer) {
        JsonNode node = root;
        if (!pointer.isEmpty()) {
            for (String segment : pointer.substring(1).split("/", -1)) {
                JsonNode child = childOf(node, segment, pointer);
                if (!owned.contains(child)) {
                    child = own(shallowCopy(child));
                    if (node instanceof ObjectNode object) {
                        object.set(unescape(segment), child);
                    } else {
                        ((ArrayNode) node).set(Integer.parseInt(segment), child);
                    }
                }
                node = child;
            }
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalStateException("no object to write at " + pointer);
        }
        return object;
    }

    /** {@code parent.field} as a writable object: the original's copied, or a new one where absent or not an object. */
    ObjectNode childObject(ObjectNode parent, String field) {
        ObjectNode existing = writableChild(parent, field, ObjectNode.class);
        return existing != null ? existing : own(parent.putObject(field));
    }

    /** {@code parent.field} as a writable array: the original's copied, or a new one where absent or not an array. */
    ArrayNode childArray(ObjectNode parent, String field) {
        ArrayNode existing = writableChild(parent, field, ArrayNode.class);
        return existing != null ? existing : own(parent.putArray(field));
    }

    /** {@code parent.field} if it is a {@code type}, made writable (copied once); null if it is absent or another type. */
    private <T extends JsonNode> T writableChild(ObjectNode parent, String field, Class<T> type) {
        requireOwned(parent);
        JsonNode child = parent.get(field);
        if (!type.isInstance(child)) {
            return null;
        }
        if (owned.contains(child)) {
            return type.cast(child);
        }
        T copy = type.cast(own(shallowCopy(child)));
        parent.set(field, copy);
        return copy;
    }

    /** Whether {@code node} belongs to this copy (a write into it cannot reach the original). */
    boolean owns(JsonNode node) {
        return owned.contains(node);
    }

    private void requireOwned(ObjectNode parent) {
        if (!owned.contains(parent)) {
            throw new IllegalStateException("a write into a node of the original object");
        }
    }

    private <T extends JsonNode> T own(T node) {
        owned.add(node);
        return node;
    }

    private static JsonNode childOf(JsonNode node, String segment, String pointer) {
        JsonNode child = null;
        if (node instanceof ObjectNode object) {
            child = object.get(unescape(segment));
        } else if (node instanceof ArrayNode array && isIndex(segment)) {
            child = array.get(Integer.parseInt(segment));
        }
        if (child == null || !child.isContainer()) {
            throw new IllegalStateException("no object or array at " + segment + " of " + pointer);
        }
        return child;
    }

    private static boolean isIndex(String segment) {
        return !segment.isEmpty() && segment.length() < 10 && segment.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String unescape(String segment) {
        return segment.indexOf('~') < 0 ? segment : segment.replace("~1", "/").replace("~0", "~");
    }

    private static JsonNode shallowCopy(JsonNode node) {
        return node instanceof ObjectNode object ? shallowCopy(object) : shallowCopy((ArrayNode) node);
    }

    private static ObjectNode shallowCopy(ObjectNode object) {
        ObjectNode copy = object.objectNode();
        for (Map.Entry<String, JsonNode> field : object.properties()) {
            copy.set(field.getKey(), field.getValue());
        }
        return copy;
    }

    private static ArrayNode shallowCopy(ArrayNode array) {
        ArrayNode copy = array.arrayNode(array.size());
        for (JsonNode element : array) {
            copy.add(element);
        }
        return copy;
    }
}

package io.daprguard.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** A cluster in memory for the audit's unit tests: objects by kind, and kinds whose list fails. */
final class FakeCluster implements ClusterReader {

    private final List<ObjectNode> objects = new ArrayList<>();
    private final Map<ApiKind, ClusterException> failing = new HashMap<>();
    final List<ApiKind> listed = new ArrayList<>();

    FakeCluster add(JsonNode object) {
        objects.add((ObjectNode) object);
        return this;
    }

    FakeCluster failing(ApiKind kind, ClusterException failure) {
        failing.put(kind, failure);
        return this;
    }

    @Override
    public void list(ApiKind kind, String namespace, String labelSelector, Consumer<ObjectNode> each)
            throws ClusterException {
        listed.add(kind);
        if (failing.containsKey(kind)) {
            throw failing.get(kind);
        }
        for (ObjectNode object : objects) {
            boolean sameKind = kind.kind().equals(object.path("kind").asString(""))
                    && kind.apiVersion().equals(object.path("apiVersion").asString(""));
            boolean inNamespace = namespace == null
                    || namespace.equals(object.path("metadata").path("namespace").asString(""));
            boolean labelled = labelSelector == null || matches(labelSelector, object);
            if (sameKind && inNamespace && labelled) {
                each.accept(object);
            }
        }
    }

    private static boolean matches(String selector, JsonNode object) {
        String[] pair = selector.split("=", 2);
        return pair[1].equals(object.path("metadata").path("labels").path(pair[0]).asString(""));
    }

    @Override
    public JsonNode get(String path) throws ClusterException {
        for (ObjectNode object : objects) {
            if ("Namespace".equals(object.path("kind").asString(""))
                    && path.equals(ApiKind.NAMESPACE.path(null, object.path("metadata").path("name").asString("")))) {
                return object;
            }
        }
        return null;
    }
}

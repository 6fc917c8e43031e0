package io.daprguard.cluster;

import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Reads objects from a cluster; {@link KubeApi} reads them from a Kubernetes API server. */
public interface ClusterReader {

    /**
     * Hands every object of a kind to {@code each}, one page at a time, so that no more than a page is held at once.
     * A kind the cluster does not serve (Dapr not installed) has no objects.
     *
     * @param namespace one namespace, or null for all
     * @param labelSelector a label selector, or null
     * @throws ClusterException when a call fails, also half-way: then some objects were already handed over
     */
    void list(ApiKind kind, String namespace, String labelSelector, Consumer<ObjectNode> each) throws ClusterException;

    /** One object by its path, or null when it does not exist. */
    JsonNode get(String path) throws ClusterException;
}

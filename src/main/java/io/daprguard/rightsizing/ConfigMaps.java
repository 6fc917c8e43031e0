package io.daprguard.rightsizing;

import io.daprguard.cluster.ApiKind;
import io.daprguard.cluster.ClusterException;
import io.daprguard.cluster.KubeApi;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Right-sizing's ConfigMaps in the release namespace: one data key each, labelled as dapr-guard's. */
final class ConfigMaps {

    private ConfigMaps() {}

    /** The data under {@code key}, "" when the ConfigMap or the key does not exist. */
    static String read(KubeApi api, String namespace, String name, String key) throws ClusterException {
        JsonNode configMap = api.get(ApiKind.CONFIGMAP.path(namespace, name));
        return configMap == null ? "" : configMap.path("data").path(key).asString("");
    }

    /** Creates the ConfigMap with {@code data} under {@code key}, or replaces the one there. */
    static void write(KubeApi api, String namespace, String name, String key, String data) throws ClusterException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("apiVersion", "v1").put("kind", "ConfigMap");
        body.putObject("metadata").put("name", name).put("namespace", namespace).putObject("labels")
                .put("app.kubernetes.io/managed-by", "dapr-guard");
        body.putObject("data").put(key, data);
        if (api.get(ApiKind.CONFIGMAP.path(namespace, name)) == null) {
            api.create(ApiKind.CONFIGMAP, namespace, body);
        } else {
            api.replace(ApiKind.CONFIGMAP, namespace, name, body);
        }
    }
}

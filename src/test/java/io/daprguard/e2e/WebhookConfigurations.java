package io.daprguard.e2e;

import com.marcnuri.helm.Helm;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart's webhook configurations, as registered in the real-cluster suite.
 *
 * <p>The chart is rendered in-process with helm-java (an install, so nothing is looked up in any cluster), and its
 * MutatingWebhookConfiguration and ValidatingWebhookConfiguration are taken as they are, except for where each webhook
 * calls: the server runs in the test JVM rather than behind the chart's Service, so each {@code clientConfig.service}
 * becomes a {@code clientConfig.url} with the same path on the address the cluster reaches the test JVM on, and
 * {@code caBundle} becomes that server's CA. Names, namespaceSelector, objectSelector, rules, matchConditions,
 * failurePolicy, timeoutSeconds, sideEffects, reinvocationPolicy and the rest stay exactly as rendered.
 */
final class WebhookConfigurations {

    static final Path CHART = Path.of("helm", "dapr-guard");
    static final String RELEASE = "dapr-guard";
    /** The release namespace the chart is rendered for; the suite creates it, and the chart excludes it. */
    static final String RELEASE_NAMESPACE = "dapr-guard";
    static final List<String> KINDS = List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration");

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private WebhookConfigurations() {
    }

    /**
     * The chart's default MutatingWebhookConfiguration and ValidatingWebhookConfiguration, in that order, rendered
     * for release {@value #RELEASE} in namespace {@value #RELEASE_NAMESPACE} on Kubernetes {@code kubeVersion}.
     */
    static List<ObjectNode> render(String kubeVersion) {
        String yaml = new Helm(CHART).template()
                .withName(RELEASE)
                .withNamespace(RELEASE_NAMESPACE)
                .withKubeVersion(kubeVersion)
                .call();
        List<ObjectNode> found = new ArrayList<>();
        for (String kind : KINDS) {
            List<ObjectNode> ofKind = documents(yaml).stream().filter(d -> kind.equals(d.path("kind").asString("")))
                    .toList();
            if (ofKind.size() != 1) {
                throw new IllegalStateException("the chart rendered " + ofKind.size() + " " + kind + ", expected 1");
            }
            found.add(ofKind.get(0));
        }
        return found;
    }

    /**
     * A copy of {@code configuration} whose every webhook calls {@code baseUrl} followed by the path its
     * {@code clientConfig.service} had, trusting the CA in {@code caPem}.
     *
     * @param baseUrl {@code https://host:port}, no path
     * @param caPem the PEM bytes of the CA that signed the server's certificate ({@code ca.crt}), as caBundle wants
     *     them (base64 of the PEM)
     * @throws IllegalArgumentException if the base URL is not https with a host and port and no path, or a webhook
     *     has no {@code clientConfig.service} with a path
     */
    static ObjectNode pointedAt(JsonNode configuration, String baseUrl, byte[] caPem) {
        URI base = URI.create(baseUrl);
        if (!"https".equals(base.getScheme()) || base.getHost() == null || base.getPort() < 1
                || !(base.getRawPath() == null || base.getRawPath().isEmpty()) || base.getRawQuery() != null) {
            throw new IllegalArgumentException("base URL must be https://host:port with no path: " + baseUrl);
        }
        if (caPem == null || caPem.length == 0) {
            throw new IllegalArgumentException("no CA");
        }
        String caBundle = Base64.getEncoder().encodeToString(caPem);
        ObjectNode copy = (ObjectNode) configuration.deepCopy();
        JsonNode webhooks = copy.path("webhooks");
        if (!webhooks.isArray() || webhooks.isEmpty()) {
            throw new IllegalArgumentException("no webhooks in " + copy.path("kind").asString("?"));
        }
        for (JsonNode webhook : webhooks) {
            String name = webhook.path("name").asString("?");
            JsonNode clientConfig = webhook.path("clientConfig");
            JsonNode path = clientConfig.path("service").path("path");
            if (!clientConfig.isObject() || !path.isString() || !path.asString().startsWith("/")) {
                throw new IllegalArgumentException("webhook " + name + " has no clientConfig.service.path");
            }
            ObjectNode pointed = (ObjectNode) clientConfig;
            pointed.remove("service");
            pointed.put("url", baseUrl + path.asString());
            pointed.put("caBundle", caBundle);
        }
        return copy;
    }

    private static List<ObjectNode> documents(String yaml) {
        List<ObjectNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document instanceof ObjectNode object && !object.isEmpty()) {
                    documents.add(object);
                }
            }
        }
        return documents;
    }
}

package io.daprguard.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kubernetes API as the audit uses it: chunked lists ({@code limit}/{@code continue}), single gets, and writes
 * of reports, all at a bounded rate, through fabric8's client (which brings the credentials: in-cluster service
 * account, else {@code KUBECONFIG} or {@code ~/.kube/config}). Bodies are read as JSON trees, not fabric8's typed
 * model: the engine judges the objects exactly as the apiserver sent them, fields no model knows included.
 */
public final class KubeApi implements ClusterReader, AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KubernetesClient client;
    private final String base;
    private final int pageSize;
    private final RateLimiter limiter;
    private final Duration timeout;
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * @param pageSize objects per list call
     * @param qps the most calls per second
     * @param timeout how long one call may take
     */
    public KubeApi(KubernetesClient client, int pageSize, double qps, Duration timeout) {
        this.client = client;
        String url = client.getMasterUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.pageSize = pageSize;
        this.limiter = new RateLimiter(qps);
        this.timeout = timeout;
    }

    /**
     * A client as every Kubernetes tool finds its cluster: the kubeconfig file given, else the in-cluster service
     * account, else {@code KUBECONFIG} or {@code ~/.kube/config}. fabric8's own retries are off: the audit retries
     * whole runs, with backoff.
     *
     * @param kubeconfig a kubeconfig file, or null
     * @param context a context of the kubeconfig, or null for its current context
     */
    public static KubernetesClient connect(String kubeconfig, String context, Duration timeout) {
        Config config = kubeconfig != null ? Config.fromKubeconfig(context, new File(kubeconfig))
                : Config.autoConfigure(context);
        config.setRequestRetryBackoffLimit(0);
        config.setRequestTimeout((int) timeout.toMillis());
        config.setConnectionTimeout((int) Math.min(timeout.toMillis(), 10_000));
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public KubernetesClient client() {
        return client;
    }

    /** The API server's address, for messages. */
    public String server() {
        return base;
    }

    /** Calls made so far. */
    public int calls() {
        return calls.get();
    }

    @Override
    public void list(ApiKind kind, String namespace, String labelSelector, Consumer<ObjectNode> each)
            throws ClusterException {
        String token = null;
        do {
            StringBuilder path = new StringBuilder(kind.path(namespace)).append("?limit=").append(pageSize);
            if (labelSelector != null) {
                path.append("&labelSelector=").append(URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
            }
            if (token != null) {
                path.append("&continue=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
            }
            String what = "list " + kind.plural() + (namespace == null ? "" : " in " + namespace);
            HttpResponse<String> response = send("GET", path.toString(), null, what);
            if (response.code() == 404 && token == null) {
                return;
            }
            JsonNode page = parse(check(response, what), what);
            for (JsonNode item : page.path("items")) {
                if (item instanceof ObjectNode object) {
                    each.accept(object);
                }
            }
            token = page.path("metadata").path("continue").asString("");
            token = token.isEmpty() ? null : token;
        } while (token != null);
    }

    @Override
    public JsonNode get(String path) throws ClusterException {
        HttpResponse<String> response = send("GET", path, null, "get " + path);
        return response.code() == 404 ? null : parse(check(response, "get " + path), "get " + path);
    }

    /** Whether the cluster serves a kind (API discovery, which every authenticated user may read). */
    public boolean serves(ApiKind kind) throws ClusterException {
        JsonNode group = get(kind.groupVersionPath());
        if (group == null) {
            return false;
        }
        for (JsonNode resource : group.path("resources")) {
            if (kind.plural().equals(resource.path("name").asString(""))) {
                return true;
            }
        }
        return false;
    }

    public JsonNode create(ApiKind kind, String namespace, ObjectNode body) throws ClusterException {
        String what = "create " + kind.kind() + " in " + namespace;
        return parse(check(send("POST", kind.path(namespace), body, what), what), what);
    }

    public JsonNode replace(ApiKind kind, String namespace, String name, ObjectNode body) throws ClusterException {
        String what = "update " + kind.kind() + " " + namespace + "/" + name;
        return parse(check(send("PUT", kind.path(namespace, name), body, what), what), what);
    }

    /** Deletes an object; one that is already gone is fine. */
    public void delete(ApiKind kind, String namespace, String name) throws ClusterException {
        String what = "delete " + kind.kind() + " " + namespace + "/" + name;
        HttpResponse<String> response = send("DELETE", kind.path(namespace, name), null, what);
        if (response.code() != 404) {
            check(response, what);
        }
    }

    private HttpResponse<String> send(String method, String path, ObjectNode body, String what)
            throws ClusterException {
        try {
            limiter.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(what + ": interrupted", 0, e);
        }
        calls.incrementAndGet();
        HttpClient http = client.getHttpClient();
        HttpRequest.Builder request = http.newHttpRequestBuilder().uri(base + path)
                .header("Accept", "application/json").timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        switch (method) {
            case "POST" -> request.post("application/json", body.toString());
            case "PUT" -> request.put("application/json", body.toString());
            case "DELETE" -> request.delete("application/json", "{}");
            default -> { }
        }
        try {
            return http.sendAsync(request.build(), String.class).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException(what + ": interrupted", 0, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ClusterException(what + ": cannot reach the Kubernetes API at " + base + " ("
                    + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + ")", 0, cause);
        } catch (TimeoutException e) {
            throw new ClusterException(what + ": the Kubernetes API at " + base + " did not answer within "
                    + timeout.toSeconds() + "s", 0, e);
        }
    }

    private static String check(HttpResponse<String> response, String what) throws ClusterException {
        int code = response.code();
        if (code >= 200 && code < 300) {
            return response.body();
        }
        String reason = switch (code) {
            case 401 -> "unauthorized (401): the credentials were refused";
            case 403 -> "forbidden (403): RBAC does not allow it";
            case 404 -> "not found (404): the API or object is not served";
            case 410 -> "expired (410): the list changed too much while it was read page by page";
            default -> "HTTP " + code;
        };
        String message = "";
        try {
            message = JSON.readTree(response.body()).path("message").asString("");
        } catch (JacksonException | IllegalArgumentException e) {
            // not a Status object
        }
        throw new ClusterException(what + ": " + reason + (message.isEmpty() ? "" : ": " + message), code, null);
    }

    private static JsonNode parse(String body, String what) throws ClusterException {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new ClusterException(what + ": the answer is not JSON (" + e.getOriginalMessage() + ")", -1, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}

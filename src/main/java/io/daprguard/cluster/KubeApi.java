package io.daprguard.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
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

    /** Reads one item of a list page after the other from the same parser: more tokens follow each. */
    private static final JsonMapper ITEMS = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** Cuts off a list page that streams for longer than the call timeout. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dapr-guard-kube-watchdog");
        thread.setDaemon(true);
        return thread;
    });

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

    /**
     * {@inheritDoc}
     *
     * <p>Each page is parsed as it streams in, one item at a time: only the item being judged is a tree in memory,
     * never the page (a page of 500 pods is about 4 MB of JSON and took some 30 MB as one tree, more than the heap
     * of a 256Mi container has to spare under admission load).
     */
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
            HttpResponse<InputStream> response = send("GET", path.toString(), null, what, InputStream.class);
            try (InputStream body = response.body()) {
                if (response.code() == 404 && token == null) {
                    return;
                }
                if (response.code() < 200 || response.code() >= 300) {
                    check(response.code(), new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8), what);
                }
                token = readPage(body, each, what);
            } catch (IOException e) {
                throw new ClusterException(what + ": the answer from " + base + " broke off ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")",
                        0, e);
            }
        } while (token != null);
    }

    /**
     * Hands each item of one list page to {@code each} as it is parsed, within the call timeout (a page that stalls
     * is cut off); the page's {@code continue} token, or null on the last page.
     */
    private String readPage(InputStream body, Consumer<ObjectNode> each, String what) throws ClusterException {
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing is all it is for
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        String token = null;
        try (JsonParser parser = ITEMS.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new ClusterException(what + ": the answer is not a list", -1, null);
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                    for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                        if (item == null) {
                            throw new ClusterException(what + ": the answer ends inside its items", -1, null);
                        }
                        if (item == JsonToken.START_OBJECT) {
                            each.accept((ObjectNode) ITEMS.readTree(parser));
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
                    String next = ITEMS.readTree(parser).path("continue").asString("");
                    token = next.isEmpty() ? null : next;
                } else {
                    parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            throw new ClusterException(what + ": the answer is not JSON or broke off within "
                    + timeout.toSeconds() + "s (" + e.getOriginalMessage() + ")", -1, e);
        } finally {
            watchdog.cancel(false);
        }
        return token;
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
        return send(method, path, body, what, String.class);
    }

    private <T> HttpResponse<T> send(String method, String path, ObjectNode body, String what, Class<T> type)
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
            return http.sendAsync(request.build(), type).get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
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
        return check(response.code(), response.body(), what);
    }

    private static String check(int code, String body, String what) throws ClusterException {
        if (code >= 200 && code < 300) {
            return body;
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
            message = JSON.readTree(body).path("message").asString("");
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

package io.daprguard.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records the {@code Warning} headers of every response the fabric8 client receives, as kubectl prints them.
 *
 * <p>fabric8 8.0 has no API that hands API warnings to the caller: {@code OperationSupport.assertResponseCode} reads
 * the {@code Warning} header only to log it ("Received warning(s) from request {}: {}", at WARN with field validation
 * {@code WARN}, at DEBUG otherwise). So this {@link Interceptor}, added to the client's HTTP client with
 * {@link KubernetesClientBuilder#withHttpClientBuilderConsumer}, reads the header in {@link #after}, which
 * {@code StandardHttpClient} calls for every response once its headers have arrived (successful or not).
 */
final class ApiWarnings implements Interceptor {

    static final String INTERCEPTOR_NAME = "dapr-guard-e2e-warnings";

    /** One response that carried warnings. */
    record Received(String method, URI uri, int code, List<String> warnings) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();

    /** A client for {@code config} whose responses' warnings this recorder collects. */
    KubernetesClient client(Config config) {
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor(INTERCEPTOR_NAME, this))
                .build();
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        List<String> headers = response.headers("Warning");
        if (headers != null && !headers.isEmpty()) {
            received.add(new Received(request.method(), request.uri(), response.code(), WarningHeaders.texts(headers)));
        }
    }

    /** Every response with warnings so far. */
    List<Received> received() {
        return List.copyOf(received);
    }

    /**
     * The warnings of the responses to {@code method} requests whose path is {@code path} (query ignored), in order.
     */
    List<String> warnings(String method, String path) {
        return received.stream()
                .filter(r -> r.method().equalsIgnoreCase(method) && path.equals(r.uri().getPath()))
                .flatMap(r -> r.warnings().stream())
                .toList();
    }

    void clear() {
        received.clear();
    }

    /** The apiserver's message of a failed request (Status.message), as kubectl prints it after "Error from server". */
    static String statusMessage(KubernetesClientException ex) {
        return ex.getStatus() != null && ex.getStatus().getMessage() != null ? ex.getStatus().getMessage()
                : String.valueOf(ex.getMessage());
    }
}

package io.daprguard.rightsizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.daprguard.tls.CertificateAndKey;
import io.daprguard.tls.CertificateGenerator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PrometheusSource}'s requests and each way a run fails, against a local HTTP server. */
class PrometheusSourceFaultsTest {

    private static final String TOKEN = "tok-3f9a1c77e2";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);
    private static final String EMPTY = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

    @TempDir
    Path directory;

    private HttpServer server;
    private ExecutorService executor;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    /** Each request's method, URI and content type. */
    private final List<String> methods = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServer() {
        if (server != null) {
            executor.shutdownNow();
            server.stop(0);
        }
    }

    @Test
    void sendsNineQueriesWithTheTimeAndTheTokenReadAtEachRun() throws Exception {
        URI url = serve(200, "application/json", EMPTY, Duration.ZERO);
        Path token = Files.writeString(directory.resolve("token"), TOKEN + "\n");
        PrometheusSource source = new PrometheusSource(url, Optional.of(token), Optional.empty(),
                Duration.ofSeconds(5), Duration.ofDays(7));

        UsageSnapshot snapshot = source.fetch(Set.of("shop", "billing"), NOW);

        assertThat(snapshot).isEqualTo(new UsageSnapshot(List.of(), Map.of(), 9, 0));
        assertThat(requests).extracting(r -> r.get("time")).containsOnly("1700000000");
        String daprd = "container=\"daprd\", namespace=~\"billing|shop\"";
        String owners = "owner_is_controller=\"true\", namespace=~\"billing|shop\"";
        assertThat(requests).extracting(r -> r.get("query")).containsExactly(
                "max by (namespace, pod) (quantile_over_time(0.95, container_memory_working_set_bytes{" + daprd
                        + "}[7d]))",
                "max by (namespace, pod) (max_over_time(container_memory_working_set_bytes{" + daprd + "}[7d]))",
                "sum by (namespace, pod) (count_over_time(container_memory_working_set_bytes{" + daprd + "}[7d]))",
                "min by (namespace, pod) (min_over_time(timestamp(last_over_time("
                        + "container_memory_working_set_bytes{" + daprd + "}[5m]))[7d:5m]))",
                "max by (namespace, pod) (max_over_time(timestamp(last_over_time("
                        + "container_memory_working_set_bytes{" + daprd + "}[5m]))[7d:5m]))",
                "max by (namespace, pod) (quantile_over_time(0.95, rate(container_cpu_usage_seconds_total{" + daprd
                        + "}[5m])[7d:5m]))",
                "max by (namespace, pod) (max_over_time(rate(container_cpu_usage_seconds_total{" + daprd
                        + "}[5m])[7d:5m]))",
                "max by (namespace, pod, owner_kind, owner_name) (max_over_time(kube_pod_owner{" + owners
                        + "}[7d])) and on (namespace, pod) count by (namespace, pod) (count_over_time("
                        + "container_memory_working_set_bytes{container=\"daprd\"}[7d]))",
                "max by (namespace, replicaset, owner_kind, owner_name) (max_over_time(kube_replicaset_owner{"
                        + owners + "}[7d]))");
        assertThat(authorizations).hasSize(9).containsOnly("Bearer " + TOKEN);
        // a form in the body: the URL stays short whatever the namespace matcher
        assertThat(methods).hasSize(9).containsOnly("POST /api/v1/query application/x-www-form-urlencoded");

        Files.writeString(token, "tok-rotated");
        authorizations.clear();
        source.fetch(Set.of(), NOW.plusMillis(1500));

        assertThat(authorizations).hasSize(9).containsOnly("Bearer tok-rotated");
        assertThat(requests.get(requests.size() - 1)).containsEntry("time", "1700000001.5");
        assertThat(requests.get(requests.size() - 1).get("query"))
                .isEqualTo("max by (namespace, replicaset, owner_kind, owner_name) "
                        + "(max_over_time(kube_replicaset_owner{owner_is_controller=\"true\"}[7d]))");
    }

    @Test
    void aNamespaceNameIsMatchedLiterally() throws Exception {
        URI url = serve(200, "application/json", EMPTY, Duration.ZERO);

        source(url).fetch(Set.of("a\"}|x", ".*"), NOW);

        // regex-quoted (a"\}\|x and \.\*), then escaped as a PromQL string
        assertThat(requests.get(0).get("query")).isEqualTo("max by (namespace, pod) (quantile_over_time(0.95, "
                + "container_memory_working_set_bytes{container=\"daprd\", namespace=~\"\\\\.\\\\*|a\\\"\\\\}\\\\|x\"}"
                + "[7d]))");
    }

    @Test
    void absurdValuesAndMissingLabelsAreIgnored() throws Exception {
        String series = List.of("\"+Inf\"", "\"-Inf\"", "\"NaN\"", "\"1e16\"", "\"-1\"").stream()
                .map(value -> "{\"metric\":{\"namespace\":\"shop\",\"pod\":\"p\"},\"value\":[1700000000," + value
                        + "]}")
                .collect(Collectors.joining(","));
        URI url = serve(200, "application/json", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
                + "\"result\":[" + series + ",{\"metric\":{\"namespace\":\"shop\"},\"value\":[1700000000,\"1\"]},"
                + "{\"metric\":{\"namespace\":\"\",\"pod\":\"p\"},\"value\":[1700000000,\"1\"]}]}}", Duration.ZERO);

        UsageSnapshot snapshot = source(url).fetch(Set.of(), NOW);

        // 7 series, none usable, in each of the 9 answers (the ReplicaSet owners' lack a replicaset label)
        assertThat(snapshot).isEqualTo(new UsageSnapshot(List.of(), Map.of(), 9, 63));
    }

    @Test
    void unauthorized() throws Exception {
        assertFails(serve(401, "text/plain", "Unauthorized", Duration.ZERO),
                "refused the request (HTTP 401): check the bearer token");
    }

    @Test
    void forbidden() throws Exception {
        assertFails(serve(403, "text/plain", "Forbidden", Duration.ZERO),
                "refused the request (HTTP 403): check the bearer token");
    }

    @Test
    void serverError() throws Exception {
        assertFails(serve(500, "text/plain", "internal error", Duration.ZERO), "answered HTTP 500");
    }

    @Test
    void htmlInsteadOfTheApi() throws Exception {
        assertFails(serve(200, "text/html", "<!doctype html><html><body>Grafana</body></html>", Duration.ZERO),
                "did not answer like the Prometheus HTTP API: the body is not JSON");
    }

    @Test
    void jsonThatIsNotAPrometheusAnswer() throws Exception {
        assertFails(serve(200, "application/json", "{\"items\":[],\"kind\":\"List\"}", Duration.ZERO),
                "did not answer like the Prometheus HTTP API: no \"status\" and \"data.resultType\"");
    }

    @Test
    void aMatrixInsteadOfAVector() throws Exception {
        assertFails(serve(200, "application/json",
                "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", Duration.ZERO),
                "answered a matrix to an instant query, not a vector");
    }

    @Test
    void prometheusError() throws Exception {
        assertFails(serve(200, "application/json", "{\"status\":\"error\",\"error\":\"bad query\"}", Duration.ZERO),
                "returned an error: bad query");
    }

    @Test
    void prometheusErrorWithItsTypeAndStatus() throws Exception {
        assertFails(serve(400, "application/json",
                "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:1: parse error\"}", Duration.ZERO),
                "returned an error (bad_data): 1:1: parse error");
    }

    @Test
    void slowAnswer() throws Exception {
        URI url = serve(200, "application/json", EMPTY, Duration.ofSeconds(30));
        PrometheusSource source = new PrometheusSource(url, Optional.of(token()), Optional.empty(),
                Duration.ofSeconds(1), Duration.ofDays(7));

        assertThatThrownBy(() -> source.fetch(Set.of(), NOW))
                .isInstanceOf(SourceException.class)
                .hasMessage("Prometheus at " + url + " did not answer within 1s");
    }

    @Test
    void connectionRefused() throws Exception {
        // port 1 (tcpmux) is privileged and unused on loopback: nothing can take it between two tests
        URI url = URI.create("http://127.0.0.1:1");

        assertFails(url, "is unreachable: connection refused");
    }

    @Test
    void badUrl() {
        PrometheusSource source = new PrometheusSource(URI.create("ftp://prometheus.example"), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(1), Duration.ofDays(7));

        assertThatThrownBy(() -> source.fetch(Set.of(), NOW))
                .isInstanceOf(SourceException.class)
                .hasMessage("Prometheus URL ftp://prometheus.example is not valid: it must be an absolute http or "
                        + "https URL with a host, and no query");
    }

    @Test
    void missingOrEmptyTokenFile() throws Exception {
        URI url = serve(200, "application/json", EMPTY, Duration.ZERO);
        Path missing = directory.resolve("missing");
        Path empty = Files.writeString(directory.resolve("empty"), "\n");

        assertThatThrownBy(() -> new PrometheusSource(url, Optional.of(missing), Optional.empty(),
                Duration.ofSeconds(1), Duration.ofDays(7)).fetch(Set.of(), NOW))
                .hasMessage("Prometheus bearer token file " + missing + " cannot be read: no such file");
        assertThatThrownBy(() -> new PrometheusSource(url, Optional.of(empty), Optional.empty(),
                Duration.ofSeconds(1), Duration.ofDays(7)).fetch(Set.of(), NOW))
                .hasMessage("Prometheus bearer token file " + empty + " is empty");
        assertThat(requests).isEmpty();
    }

    @Test
    void trustsOnlyTheCaFile() throws Exception {
        CertificateGenerator generator = new CertificateGenerator();
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(1));
        CertificateAndKey serving = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1));
        X509Certificate other = generator.generateCertificateAuthority(Duration.ofDays(1)).certificate();
        URI url = serveTls(serving, ca.certificate());
        Path both = Files.writeString(directory.resolve("both.pem"), pem(other) + pem(ca.certificate()));
        Path otherOnly = Files.writeString(directory.resolve("other.pem"), pem(other));
        Path notPem = Files.writeString(directory.resolve("not.pem"), "not a certificate\n");

        UsageSnapshot snapshot = new PrometheusSource(url, Optional.empty(), Optional.of(both), Duration.ofSeconds(5),
                Duration.ofDays(7)).fetch(Set.of(), NOW);

        assertThat(snapshot.queries()).isEqualTo(9);
        for (Optional<Path> trusted : List.of(Optional.of(otherOnly), Optional.<Path>empty())) {
            assertThatThrownBy(() -> new PrometheusSource(url, Optional.empty(), trusted, Duration.ofSeconds(5),
                    Duration.ofDays(7)).fetch(Set.of(), NOW))
                    .isInstanceOf(SourceException.class)
                    .hasMessageStartingWith("Prometheus at " + url + " failed the TLS handshake: ");
        }
        assertThatThrownBy(() -> new PrometheusSource(url, Optional.empty(), Optional.of(notPem),
                Duration.ofSeconds(5), Duration.ofDays(7)).fetch(Set.of(), NOW))
                .isInstanceOf(SourceException.class)
                .hasMessageStartingWith("Prometheus CA file " + notPem + " ");
    }

    /** Fetches through {@code url} with the token and expects exactly this failure, without the token in it. */
    private void assertFails(URI url, String cause) throws IOException {
        assertThatThrownBy(() -> source(url).fetch(Set.of("shop"), NOW))
                .isInstanceOf(SourceException.class)
                .hasMessage("Prometheus at " + url + " " + cause)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
    }

    private PrometheusSource source(URI url) throws IOException {
        return new PrometheusSource(url, Optional.of(token()), Optional.empty(), Duration.ofSeconds(5),
                Duration.ofDays(7));
    }

    private Path token() throws IOException {
        return Files.writeString(directory.resolve("token"), TOKEN + "\n");
    }

    /** Answers every request with this status and body after {@code delay}, recording its parameters and token. */
    private URI serve(int status, String contentType, String body, Duration delay) throws IOException {
        start(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), status, contentType,
                body, delay);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers every request with an empty vector over TLS, presenting {@code serving} and its CA. */
    private URI serveTls(CertificateAndKey serving, X509Certificate ca) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] password = "test".toCharArray();
        keys.setKeyEntry("serving", serving.privateKey(), password,
                new Certificate[] {serving.certificate(), ca});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context));
        start(https, 200, "application/json", EMPTY, Duration.ZERO);
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    private void start(HttpServer http, int status, String contentType, String body, Duration delay) {
        server = http;
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/api/v1/query", exchange -> answer(exchange, status, contentType, body, delay));
        server.start();
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private void answer(HttpExchange exchange, int status, String contentType, String body, Duration delay)
            throws IOException {
        try (exchange) {
            methods.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type"));
            requests.add(parameters(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII)));
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Thread.sleep(delay.toMillis());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> parameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}

package io.daprguard.rightsizing;

import io.daprguard.tls.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what the daprd containers used from Prometheus: cAdvisor's {@code container_memory_working_set_bytes} and
 * {@code container_cpu_usage_seconds_total}, and kube-state-metrics' {@code kube_pod_owner} and
 * {@code kube_replicaset_owner} for the pods' owners.
 *
 * <p>One run sends nine instant queries, each aggregated over the window and grouped by {@code (namespace, pod)}
 * (the owner queries by owner too): their number does not grow with the cluster. The first and last sample times are
 * those of the first and last 5-minute steps (multiples of 5 minutes) that saw a sample in the 5 minutes before them:
 * the first is at most 5 minutes after the real one; the last is at most 5 minutes from the real one, either side (a
 * running pod's newest samples may follow the last step), and never after {@code now}. CPU is {@code rate} over 5
 * minutes, sampled every 5 minutes.
 */
public final class PrometheusSource implements UsageSource {

    /** The CPU rate window and the subquery step. */
    private static final String STEP = "5m";

    /** Any value above this (bytes, cores, seconds since 1970, sample counts) is absurd. */
    private static final double ABSURD = 1e15;

    private static final String MEMORY = "container_memory_working_set_bytes";
    private static final String CPU = "container_cpu_usage_seconds_total";

    private static final String MEMORY_P95 = "max by (namespace, pod) (quantile_over_time(0.95, " + MEMORY
            + "{%1$s}[%2$s]))";
    private static final String MEMORY_PEAK = "max by (namespace, pod) (max_over_time(" + MEMORY + "{%1$s}[%2$s]))";
    private static final String SAMPLES = "sum by (namespace, pod) (count_over_time(" + MEMORY + "{%1$s}[%2$s]))";
    /*
     * timestamp() of last_over_time() is the step's time, not the sample's: timestamp() of the series itself would
     * give the sample's, but Prometheus 2 evaluates that subquery a hundred times slower.
     */
    private static final String FIRST = "min by (namespace, pod) (min_over_time(timestamp(last_over_time(" + MEMORY
            + "{%1$s}[" + STEP + "]))[%2$s:" + STEP + "]))";
    private static final String LAST = "max by (namespace, pod) (max_over_time(timestamp(last_over_time(" + MEMORY
            + "{%1$s}[" + STEP + "]))[%2$s:" + STEP + "]))";
    private static final String CPU_P95 = "max by (namespace, pod) (quantile_over_time(0.95, rate(" + CPU + "{%1$s}["
            + STEP + "])[%2$s:" + STEP + "]))";
    private static final String CPU_PEAK = "max by (namespace, pod) (max_over_time(rate(" + CPU + "{%1$s}[" + STEP
            + "])[%2$s:" + STEP + "]))";
    /** Only the owners of pods with a daprd container: the answer grows with Dapr's pods, not the cluster's churn. */
    private static final String POD_OWNERS = "max by (namespace, pod, owner_kind, owner_name) "
            + "(max_over_time(kube_pod_owner{%1$s}[%2$s])) and on (namespace, pod) count by (namespace, pod) "
            + "(count_over_time(" + MEMORY + "{container=\"daprd\"}[%2$s]))";
    private static final String REPLICASET_OWNERS = "max by (namespace, replicaset, owner_kind, owner_name) "
            + "(max_over_time(kube_replicaset_owner{%1$s}[%2$s]))";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI baseUrl;
    private final Optional<Path> bearerTokenFile;
    private final Optional<Path> caFile;
    private final Duration timeout;
    private final String window;
    private final String where;

    /**
     * @param baseUrl Prometheus's URL, with its path prefix if it has one ({@code http://prometheus:9090},
     *     {@code https://monitoring.example/prometheus}); checked when a run starts
     * @param bearerTokenFile a file holding the token sent as {@code Authorization: Bearer}, read again at each run so
     *     that a rotated token is used
     * @param caFile a PEM file with the certificates of the CAs to trust for TLS instead of the JVM's; read at each
     *     run
     * @param timeout how long to wait to connect, and for each query's answer
     * @param window how far back each query looks, in whole milliseconds ({@code 7d})
     */
    public PrometheusSource(URI baseUrl, Optional<Path> bearerTokenFile, Optional<Path> caFile, Duration timeout,
            Duration window) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.bearerTokenFile = Objects.requireNonNull(bearerTokenFile, "bearerTokenFile");
        this.caFile = Objects.requireNonNull(caFile, "caFile");
        this.timeout = positive(timeout, "timeout");
        this.window = RightSizingSettings.promql(positive(window, "window"));
        this.where = "Prometheus at " + display(baseUrl);
    }

    @Override
    public String name() {
        return "prometheus";
    }

    /**
     * Reads the usage of every daprd container with samples in the window that ends at {@code now}.
     *
     * @param namespaces the namespaces to read; empty for all of them. A name is matched literally: it cannot change
     *     the queries
     * @param now the end of the window (the queries' evaluation time)
     * @return the pods sorted by namespace then pod, the owners of those pods where kube-state-metrics knows them,
     *     the number of queries sent (always nine), and the number of series values ignored as absurd (one absurd
     *     series may count once per query)
     * @throws SourceException if a query fails; nothing is retried
     * @throws IllegalArgumentException if a namespace name is empty
     */
    @Override
    public UsageSnapshot fetch(Set<String> namespaces, Instant now) throws SourceException {
        Objects.requireNonNull(now, "now");
        String namespaceMatcher = namespaceMatcher(namespaces);
        Run run = new Run(endpoint(), client(), authorization(), now);
        String daprd = "container=\"daprd\"" + namespaceMatcher;
        String controllers = "owner_is_controller=\"true\"" + namespaceMatcher;

        Map<PodKey, Double> memoryP95 = run.perPod(MEMORY_P95, daprd, window);
        Map<PodKey, Double> memoryPeak = run.perPod(MEMORY_PEAK, daprd, window);
        Map<PodKey, Double> samples = run.perPod(SAMPLES, daprd, window);
        Map<PodKey, Double> first = run.perPod(FIRST, daprd, window);
        Map<PodKey, Double> last = run.perPod(LAST, daprd, window);
        Map<PodKey, Double> cpuP95 = run.perPod(CPU_P95, daprd, window);
        Map<PodKey, Double> cpuPeak = run.perPod(CPU_PEAK, daprd, window);
        List<Row> podOwners = run.rows(POD_OWNERS, controllers, window, "namespace", "pod", "owner_kind",
                "owner_name");
        List<Row> replicaSetOwners = run.rows(REPLICASET_OWNERS, controllers, window, "namespace", "replicaset",
                "owner_kind", "owner_name");

        List<PodUsage> pods = new ArrayList<>();
        for (PodKey pod : new TreeSet<>(memoryP95.keySet())) {
            if (memoryPeak.containsKey(pod) && samples.containsKey(pod) && first.containsKey(pod)
                    && last.containsKey(pod)) {
                pods.add(new PodUsage(pod.namespace(), pod.name(), memoryP95.get(pod), memoryPeak.get(pod),
                        cpuP95.getOrDefault(pod, Double.NaN), cpuPeak.getOrDefault(pod, Double.NaN),
                        Math.round(samples.get(pod)), instant(first.get(pod)), instant(last.get(pod))));
            }
        }
        Set<PodKey> measured = pods.stream().map(p -> new PodKey(p.namespace(), p.pod())).collect(Collectors.toSet());
        return new UsageSnapshot(pods, owners(podOwners, replicaSetOwners, measured), run.queries, run.ignored);
    }

    /**
     * The top-level owner of each measured pod, keyed {@code namespace/pod}: a ReplicaSet's owner when
     * kube-state-metrics knows it, otherwise the pod's own controller. Bare pods ({@code <none>}) have no entry.
     */
    private static Map<String, String> owners(List<Row> podOwners, List<Row> replicaSetOwners, Set<PodKey> pods) {
        Map<PodKey, String> replicaSetOwner = new HashMap<>();
        for (Row row : replicaSetOwners) {
            ownerOf(row).ifPresent(owner -> replicaSetOwner.putIfAbsent(row.key(), owner));
        }
        Map<String, String> owners = new TreeMap<>();
        for (Row row : podOwners) {
            Optional<String> owner = ownerOf(row);
            if (owner.isPresent() && pods.contains(row.key())) {
                String kind = row.labels().get(2);
                String name = row.labels().get(3);
                String top = "ReplicaSet".equals(kind)
                        ? replicaSetOwner.getOrDefault(new PodKey(row.key().namespace(), name), owner.get())
                        : owner.get();
                owners.putIfAbsent(row.key().namespace() + "/" + row.key().name(), top);
            }
        }
        return owners;
    }

    /** {@code Kind/name} from an owner row's {@code owner_kind} and {@code owner_name}, if it names an owner. */
    private static Optional<String> ownerOf(Row row) {
        String kind = row.labels().get(2);
        String name = row.labels().get(3);
        if (kind.isEmpty() || name.isEmpty() || "<none>".equals(kind) || "<none>".equals(name)) {
            return Optional.empty();
        }
        return Optional.of(kind + "/" + name);
    }

    /** The query endpoint, or why the base URL cannot be one. */
    private URI endpoint() throws SourceException {
        String scheme = baseUrl.getScheme();
        if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || baseUrl.getHost() == null
                || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new SourceException("Prometheus URL " + display(baseUrl)
                    + " is not valid: it must be an absolute http or https URL with a host, and no query");
        }
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath().replaceAll("/+$", "");
        return URI.create(scheme + "://" + baseUrl.getRawAuthority() + path + "/api/v1/query");
    }

    /** An HTTP/1.1 client trusting the CA file when there is one, else the JVM's CAs. */
    private HttpClient client() throws SourceException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout);
        if (caFile.isPresent()) {
            builder.sslContext(trusting(caFile.get()));
        }
        return builder.build();
    }

    private static SSLContext trusting(Path caFile) throws SourceException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new SourceException("Prometheus CA file " + caFile + " cannot be read: " + reason(e), e);
        }
        if (certificates.isEmpty()) {
            throw new SourceException("Prometheus CA file " + caFile + " holds no PEM certificate");
        }
        try {
            return PemFiles.trusting(certificates);
        } catch (IOException | GeneralSecurityException e) {
            throw new SourceException("Prometheus CA file " + caFile + " cannot be used: " + reason(e), e);
        }
    }

    /** The {@code Authorization} header's value, from the token file as it is now. Never put the token in a message. */
    private Optional<String> authorization() throws SourceException {
        if (bearerTokenFile.isEmpty()) {
            return Optional.empty();
        }
        Path file = bearerTokenFile.get();
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new SourceException("Prometheus bearer token file " + file + " cannot be read: " + reason(e), e);
        }
        if (token.isEmpty()) {
            throw new SourceException("Prometheus bearer token file " + file + " is empty");
        }
        if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new SourceException("Prometheus bearer token file " + file
                    + " holds characters that an HTTP header cannot carry");
        }
        return Optional.of("Bearer " + token);
    }

    /** {@code , namespace=~"..."} matching exactly the given names, or nothing for all namespaces. */
    private static String namespaceMatcher(Set<String> namespaces) {
        if (namespaces.isEmpty()) {
            return "";
        }
        for (String namespace : namespaces) {
            if (namespace == null || namespace.isEmpty()) {
                throw new IllegalArgumentException("a namespace name must not be empty");
            }
        }
        String regex = new TreeSet<>(namespaces).stream()
                .map(PrometheusSource::quoteRegex)
                .collect(Collectors.joining("|"));
        return ", namespace=~" + quoteLabelValue(regex);
    }

    /** Escapes RE2's metacharacters, like Go's {@code regexp.QuoteMeta}. */
    private static String quoteRegex(String literal) {
        StringBuilder quoted = new StringBuilder();
        for (char c : literal.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.toString();
    }

    /** A PromQL double-quoted string holding {@code value} exactly. */
    private static String quoteLabelValue(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '"') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** {@code 7d}, {@code 36h}, {@code 90m}, {@code 45s} or {@code 1500ms}: the largest unit that divides it. */
    private static Duration positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
        return duration;
    }

    /** {@code 1s}, {@code 1500ms}: the timeout as a person reads it. */
    private static String human(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** The URL without user information, which may hold a password. */
    private static String display(URI url) {
        if (url.getHost() == null) {
            return url.getScheme() == null ? "(not a URL)" : url.getScheme() + ":...";
        }
        // no user info, query or fragment: any of them may carry a credential
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + Objects.toString(url.getRawPath(), "");
    }

    /** The first message in the cause chain, or what the exception's type says. */
    private static String reason(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof NoSuchFileException) {
                return "no such file";
            }
            if (t instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return error instanceof ConnectException ? "connection refused" : error.getClass().getSimpleName();
    }

    /** Seconds since 1970, as Prometheus's {@code timestamp()} gives them, to an instant (to the millisecond). */
    private static Instant instant(double seconds) {
        return Instant.ofEpochMilli(Math.round(seconds * 1000));
    }

    /** A Prometheus sample value: a decimal, {@code NaN}, {@code +Inf} or {@code -Inf}; NaN when it is none. */
    private static double number(String value) {
        switch (value) {
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
        }
    }

    private static boolean absurd(double value) {
        return Double.isNaN(value) || value < 0 || value > ABSURD;
    }

    /** A pod, or a ReplicaSet in owner rows. */
    private record PodKey(String namespace, String name) implements Comparable<PodKey> {

        private static final Comparator<PodKey> ORDER =
                Comparator.comparing(PodKey::namespace).thenComparing(PodKey::name);

        @Override
        public int compareTo(PodKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** One series of an answer: its labels in the order asked for (the first two are its key) and its value. */
    private record Row(List<String> labels, double value) {

        PodKey key() {
            return new PodKey(labels.get(0), labels.get(1));
        }
    }

    /** The queries of one {@link #fetch}, which count what they send and ignore. */
    private final class Run {

        private final URI endpoint;
        private final HttpClient client;
        private final Optional<String> authorization;
        private final String time;
        private final Map<PodKey, PodKey> keys = new HashMap<>();
        private int queries;
        private int ignored;

        Run(URI endpoint, HttpClient client, Optional<String> authorization, Instant now) {
            this.endpoint = endpoint;
            this.client = client;
            this.authorization = authorization;
            this.time = BigDecimal.valueOf(now.toEpochMilli(), 3).stripTrailingZeros().toPlainString();
        }

        /**
         * The valid value of each (namespace, pod) of a query grouped {@code by (namespace, pod)}. The keys of all
         * queries of a run are one set of objects, so that the seven answers of a large cluster hold one copy of
         * each pod's names.
         */
        Map<PodKey, Double> perPod(String template, String selector, String range) throws SourceException {
            Map<PodKey, Double> values = new HashMap<>();
            for (Row row : rows(template, selector, range, "namespace", "pod")) {
                values.put(keys.computeIfAbsent(row.key(), key -> key), row.value());
            }
            return values;
        }

        /**
         * The series of one query with the given labels (the first two must be non-empty) and a value that is not
         * absurd; the others are counted in {@link #ignored}. Sorted by their labels, for determinism.
         */
        List<Row> rows(String template, String selector, String range, String... labels) throws SourceException {
            List<Row> rows = new ArrayList<>();
            for (JsonNode series : query(String.format(template, selector, range))) {
                JsonNode metric = series.path("metric");
                List<String> values = new ArrayList<>();
                for (String label : labels) {
                    values.add(metric.path(label).asString(""));
                }
                double value = number(series.path("value").path(1).asString(""));
                if (values.get(0).isEmpty() || values.get(1).isEmpty() || absurd(value)) {
                    ignored++;
                } else {
                    rows.add(new Row(List.copyOf(values), value));
                }
            }
            rows.sort(Comparator.comparing(row -> String.join("\u0000", row.labels())));
            return rows;
        }

        /** Sends one instant query and returns its vector, or says why it could not. */
        private JsonNode query(String promql) throws SourceException {
            // POSTed as a form, as Prometheus' API allows: the namespace matcher of a large cluster would make a URL
            // longer than a proxy in front of Prometheus accepts.
            String form = "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8).replace("+", "%20")
                    + "&time=" + time;
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                    .timeout(timeout)
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.US_ASCII));
            authorization.ifPresent(value -> request.header("Authorization", value));
            queries++;
            CompletableFuture<HttpResponse<byte[]>> answer =
                    client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            HttpResponse<byte[]> response;
            try {
                // The request's timeout stops at the headers; this one also covers the body.
                response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                throw new SourceException(where + " did not answer within " + human(timeout), e);
            } catch (InterruptedException e) {
                answer.cancel(true);
                Thread.currentThread().interrupt();
                throw new SourceException(where + ": interrupted while waiting for an answer", e);
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            }
            return vector(response);
        }

        private SourceException failure(Throwable error) {
            if (error instanceof HttpTimeoutException) {
                return new SourceException(where + " did not answer within " + human(timeout), error);
            }
            if (error instanceof SSLException) {
                return new SourceException(where + " failed the TLS handshake: " + reason(error), error);
            }
            return new SourceException(where + " is unreachable: " + reason(error), error);
        }

        /** The {@code data.result} of a successful vector answer. */
        private JsonNode vector(HttpResponse<byte[]> response) throws SourceException {
            int status = response.statusCode();
            if (status == 401 || status == 403) {
                throw new SourceException(
                        where + " refused the request (HTTP " + status + "): check the bearer token");
            }
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (JacksonException e) {
                body = null;
            }
            boolean prometheus = body != null && body.isObject() && body.path("status").isString();
            if (prometheus && "error".equals(body.path("status").asString())) {
                String type = body.path("errorType").asString("");
                throw new SourceException(where + " returned an error" + (type.isEmpty() ? "" : " (" + type + ")")
                        + ": " + body.path("error").asString(""));
            }
            if (status != 200) {
                throw new SourceException(where + " answered HTTP " + status);
            }
            if (body == null || body.isMissingNode()) {
                throw new SourceException(where + " did not answer like the Prometheus HTTP API: the body is not JSON");
            }
            JsonNode data = body.path("data");
            if (!prometheus || !data.path("resultType").isString()) {
                throw new SourceException(where
                        + " did not answer like the Prometheus HTTP API: no \"status\" and \"data.resultType\"");
            }
            String type = data.path("resultType").asString();
            if (!"vector".equals(type) || !data.path("result").isArray()) {
                throw new SourceException(where + " answered a " + type + " to an instant query, not a vector");
            }
            return data.path("result");
        }
    }
}

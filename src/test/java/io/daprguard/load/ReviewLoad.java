package io.daprguard.load;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * An AdmissionReview load generator that calls the way the kube-apiserver does: HTTP/1.1 over TLS, one keep-alive
 * connection per review in flight, and a per-request timeout (the webhook's {@code timeoutSeconds}) after which the
 * connection is dropped and a new one opened, as Go's {@code net/http} client does when its request context
 * expires. In a closed loop each connection sends the next review as soon as the previous answer is in; with
 * {@code --rate} reviews are offered at a fixed mean rate in a Poisson stream, each on the first free connection.
 *
 * <p>Every answer is classified from its bytes (HTTP status, the AdmissionReview's {@code allowed}, patch and
 * {@code status.code}) and checked to carry the request's uid; anything else counts as an error. Latency runs
 * from the intended send to the last byte of the answer, including a reconnect when the server had closed the
 * connection (the apiserver pays that too). JDK only, so that the benchmark runs it from {@code
 * target/test-classes} and tests call it in-process.
 *
 * <pre>
 * java -cp target/test-classes io.daprguard.load.ReviewLoad --url https://127.0.0.1:8443/mutate \
 *     --body bench/bodies/pod-typical.json --connections 128 --warmup 10 --seconds 30 [--ca certs/ca.crt] \
 *     [--rate 1000 --seed 1]
 * </pre>
 *
 * First it sends {@code --prime} reviews (default {@value #DEFAULT_PRIME}) over one connection, unmeasured, so
 * that the client is compiled before it loads the server. It prints one JSON line: reviews/s, percentiles, the
 * answers by kind, errors by cause, and the lowest number of answers in any one second of the measured window (a
 * stall shows as 0).
 */
public final class ReviewLoad {

    /** How an answer was classified. */
    public enum Answer {
        ALLOWED, PATCHED, DENIED, OVERLOADED, INTERNAL_ERROR, OTHER_CODE,
        /** Not a well-formed AdmissionReview with the request's uid, or not HTTP 200. */
        MALFORMED,
        /** No answer within the request timeout: the connection was dropped. */
        TIMEOUT,
        /** The connection failed (refused, reset, closed mid-answer). */
        IO_ERROR;

        boolean isError() {
            return this == MALFORMED || this == TIMEOUT || this == IO_ERROR;
        }
    }

    /**
     * What one run asks for. {@code rate} 0 is a closed loop; above 0, reviews are offered at that many per second
     * in a Poisson stream (exponential gaps, seeded by {@code seed}) over the connections: each review goes out on
     * the first free connection, and its latency runs from the moment it was due, so a slow answer that holds up the
     * next review counts in that review's latency too (no coordinated omission).
     */
    public record Options(String host, int port, String path, byte[] body, int connections, double warmupSeconds,
            double seconds, long maxRequests, int timeoutMillis, SSLContext tls, int pauseAfterRefusalMillis,
            Path trace, double rate, long seed) {

        /** A closed loop. */
        public Options(String host, int port, String path, byte[] body, int connections, double warmupSeconds,
                double seconds, long maxRequests, int timeoutMillis, SSLContext tls, int pauseAfterRefusalMillis,
                Path trace) {
            this(host, port, path, body, connections, warmupSeconds, seconds, maxRequests, timeoutMillis, tls,
                    pauseAfterRefusalMillis, trace, 0, 0);
        }

        /** Without a trace file. */
        public Options(String host, int port, String path, byte[] body, int connections, double warmupSeconds,
                double seconds, long maxRequests, int timeoutMillis, SSLContext tls, int pauseAfterRefusalMillis) {
            this(host, port, path, body, connections, warmupSeconds, seconds, maxRequests, timeoutMillis, tls,
                    pauseAfterRefusalMillis, null);
        }
    }

    /**
     * What one run measured; latencies in microseconds. {@code requests}, {@code perSecond} and the percentiles
     * are of the answers that were evaluated (allowed, patched, denied, code 500); code-429 refusals have their
     * own percentiles; errors have none.
     */
    public record Result(int connections, double seconds, long requests, double perSecond, long p50, long p99,
            long p999, long max, Map<Answer, Long> answers, long errors, long connects, long minPerSecond,
            long zeroSeconds, long refusedP50, long refusedP99) {

        public String toJson() {
            StringBuilder kinds = new StringBuilder();
            for (Map.Entry<Answer, Long> e : answers.entrySet()) {
                kinds.append(kinds.length() == 0 ? "" : ",").append('"')
                        .append(e.getKey().name().toLowerCase(Locale.ROOT)).append("\":").append(e.getValue());
            }
            return String.format(Locale.ROOT, "{\"connections\":%d,\"seconds\":%.2f,\"requests\":%d,"
                            + "\"per_second\":%.1f,\"p50_us\":%d,\"p99_us\":%d,\"p999_us\":%d,\"max_us\":%d,"
                            + "\"errors\":%d,\"connects\":%d,\"min_per_second\":%d,\"zero_seconds\":%d,"
                            + "\"refused_p50_us\":%d,\"refused_p99_us\":%d,\"answers\":{%s}}",
                    connections, seconds, requests, perSecond, p50, p99, p999, max, errors, connects, minPerSecond,
                    zeroSeconds, refusedP50, refusedP99, kinds);
        }
    }

    private static final int MAX_HEADER = 16 * 1024;

    /**
     * Reviews sent over one connection before the run (--prime), so that this JVM's JIT compiles the TLS path
     * first. Without it, a fresh client's C2 compiler thread competed for the 2 cores with every connection's
     * thread, and in some runs the AES-CTR loop ({@code CounterMode.implCrypt}, fast only once C2 compiles it to
     * its intrinsic) stayed interpreted for the whole run: 80 % of the client's CPU samples, 1.8 cores for
     * 5 000 reviews/s instead of 0.6 for 20 000, and the server idle half the time (bench/README.md, "Third
     * round").
     */
    static final long DEFAULT_PRIME = 5_000;

    /**
     * The longest priming may take, in seconds: typical reviews take about 2, and large ones, many TLS records each,
     * compile the TLS path in fewer reviews.
     */
    private static final double PRIME_SECONDS = 5;

    private final Options options;
    private final byte[] head;
    private final String uidNeedle;
    private final long startNanos;
    private final long startEpochMillis;
    private final long measureFromNanos;
    private final long endNanos;
    private final AtomicLongArray perSecond;
    private final java.util.concurrent.atomic.AtomicLong budget;
    private final Arrivals arrivals;
    private List<Connection> connections = List.of();

    private ReviewLoad(Options options) {
        this.options = options;
        this.head = ("POST " + options.path() + " HTTP/1.1\r\nHost: " + options.host() + ":" + options.port()
                + "\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: "
                + options.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        String uid = uidOf(options.body());
        this.uidNeedle = uid == null ? null : "\"uid\":\"" + uid + "\"";
        this.startEpochMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
        this.measureFromNanos = startNanos + (long) (options.warmupSeconds() * 1e9);
        this.endNanos = measureFromNanos + (long) (options.seconds() * 1e9);
        this.perSecond = new AtomicLongArray((int) Math.ceil(options.seconds()) + 1);
        this.budget = new java.util.concurrent.atomic.AtomicLong(
                options.maxRequests() > 0 ? options.maxRequests() : Long.MAX_VALUE);
        this.arrivals = options.rate() > 0 ? new Arrivals(startNanos, options.rate(), options.seed()) : null;
    }

    /** The times reviews are due at in an open loop: a Poisson stream, handed out in order. */
    private static final class Arrivals {
        private final java.util.SplittableRandom random;
        private final double meanGapNanos;
        private long next;

        Arrivals(long startNanos, double rate, long seed) {
            this.random = new java.util.SplittableRandom(seed);
            this.meanGapNanos = 1e9 / rate;
            this.next = startNanos;
        }

        synchronized long next() {
            next += (long) (-Math.log(1 - random.nextDouble()) * meanGapNanos);
            return next;
        }
    }

    /** Runs the load and waits for every connection to finish. */
    public static Result run(Options options) throws InterruptedException {
        return new ReviewLoad(options).execute();
    }

    private Result execute() throws InterruptedException {
        Result result = measure();
        if (options.trace() != null) {
            writeTrace();
        }
        return result;
    }

    /**
     * The trace: one line per evaluated answer of the measured window, "end_epoch_ms latency_us", in the order of
     * the connections. bench/audit.sh splits it into the windows while an audit ran and the rest.
     */
    private void writeTrace() {
        try (java.io.Writer out = Files.newBufferedWriter(options.trace())) {
            for (Connection c : connections) {
                for (int i = 0; i < c.count; i++) {
                    long epochMillis = startEpochMillis + (c.ends[i] - startNanos) / 1_000_000L;
                    out.write(epochMillis + " " + c.latencies[i] + "\n");
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Result measure() throws InterruptedException {
        List<Connection> connections = new ArrayList<>();
        this.connections = connections;
        CountDownLatch done = new CountDownLatch(options.connections());
        for (int i = 0; i < options.connections(); i++) {
            Connection connection = new Connection();
            connections.add(connection);
            Thread thread = new Thread(() -> {
                try {
                    connection.loop();
                } finally {
                    done.countDown();
                }
            }, "load-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        done.await();
        long measuredNanos = Math.min(System.nanoTime(), endNanos) - measureFromNanos;
        int total = 0;
        int refusedTotal = 0;
        for (Connection c : connections) {
            total += c.count;
            refusedTotal += c.refusedCount;
        }
        long[] all = new long[total];
        long[] refused = new long[refusedTotal];
        int at = 0;
        int refusedAt = 0;
        Map<Answer, Long> answers = new EnumMap<>(Answer.class);
        long connects = 0;
        for (Connection c : connections) {
            System.arraycopy(c.latencies, 0, all, at, c.count);
            at += c.count;
            System.arraycopy(c.refused, 0, refused, refusedAt, c.refusedCount);
            refusedAt += c.refusedCount;
            connects += c.connects;
            for (Answer a : Answer.values()) {
                if (c.answers[a.ordinal()] > 0) {
                    answers.merge(a, c.answers[a.ordinal()], Long::sum);
                }
            }
        }
        Arrays.sort(all);
        Arrays.sort(refused);
        long errors = answers.entrySet().stream().filter(e -> e.getKey().isError()).mapToLong(Map.Entry::getValue)
                .sum();
        int fullSeconds = (int) Math.floor(measuredNanos / 1e9);
        long min = Long.MAX_VALUE;
        long zero = 0;
        for (int s = 0; s < fullSeconds; s++) {
            long n = perSecond.get(s);
            min = Math.min(min, n);
            zero += n == 0 ? 1 : 0;
        }
        double seconds = Math.max(measuredNanos, 1) / 1e9;
        return new Result(options.connections(), seconds, total, total / seconds, rank(all, 0.50),
                rank(all, 0.99), rank(all, 0.999), all.length == 0 ? 0 : all[all.length - 1], answers, errors,
                connects, min == Long.MAX_VALUE ? 0 : min, zero, rank(refused, 0.50), rank(refused, 0.99));
    }

    /** Nearest-rank percentile of sorted values. */
    static long rank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** One keep-alive connection and the thread that drives it; at most one review in flight on it. */
    private final class Connection {
        long[] latencies = new long[1024];
        long[] ends = new long[1024];
        int count;
        long[] refused = new long[64];
        int refusedCount;
        final long[] answers = new long[Answer.values().length];
        long connects;
        private SSLSocket socket;
        private InputStream in;
        private OutputStream out;
        private final byte[] buffer = new byte[64 * 1024];

        void loop() {
            while (true) {
                long start = arrivals == null ? System.nanoTime() : arrivals.next();
                if (arrivals != null && start < endNanos) {
                    java.util.concurrent.locks.LockSupport.parkNanos(start - System.nanoTime());
                }
                if (start >= endNanos || budget.getAndDecrement() <= 0) {
                    close();
                    return;
                }
                Answer answer = exchange();
                long end = System.nanoTime();
                if (start >= measureFromNanos && end <= endNanos) {
                    record(answer, (end - start) / 1000, end);
                }
                if (answer == Answer.OVERLOADED && options.pauseAfterRefusalMillis() > 0) {
                    pause(options.pauseAfterRefusalMillis());
                }
            }
        }

        private void record(Answer answer, long micros, long end) {
            answers[answer.ordinal()]++;
            if (answer.isError()) {
                return;
            }
            if (answer == Answer.OVERLOADED) {
                if (refusedCount == refused.length) {
                    refused = Arrays.copyOf(refused, refusedCount * 2);
                }
                refused[refusedCount++] = micros;
                return;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            ends[count] = end;
            latencies[count++] = micros;
            int second = (int) ((end - measureFromNanos) / 1_000_000_000L);
            if (second < perSecond.length()) {
                perSecond.incrementAndGet(second);
            }
        }

        private void pause(int millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Answer exchange() {
            try {
                if (socket == null) {
                    open();
                }
                out.write(head);
                out.write(options.body());
                out.flush();
                return read();
            } catch (SocketTimeoutException e) {
                close();
                return Answer.TIMEOUT;
            } catch (IOException e) {
                close();
                return Answer.IO_ERROR;
            }
        }

        private void open() throws IOException {
            SSLSocket s = (SSLSocket) options.tls().getSocketFactory().createSocket();
            s.setTcpNoDelay(true);
            s.setSoTimeout(options.timeoutMillis());
            s.connect(new InetSocketAddress(options.host(), options.port()), options.timeoutMillis());
            s.startHandshake();
            socket = s;
            in = s.getInputStream();
            out = s.getOutputStream();
            connects++;
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // dropping it anyway
                }
                socket = null;
            }
        }

        /** Reads one HTTP/1.1 answer (Content-Length framed) and classifies it. */
        private Answer read() throws IOException {
            int filled = 0;
            int headerEnd = -1;
            while (headerEnd < 0) {
                if (filled == MAX_HEADER) {
                    close();
                    return Answer.MALFORMED;
                }
                int n = in.read(buffer, filled, MAX_HEADER - filled);
                if (n < 0) {
                    throw new IOException("closed before the answer's headers");
                }
                filled += n;
                headerEnd = indexOfBlankLine(buffer, filled);
            }
            String headers = new String(buffer, 0, headerEnd, StandardCharsets.ISO_8859_1);
            int status = parseStatus(headers);
            long length = header(headers, "content-length");
            boolean closeAfter = "close".equalsIgnoreCase(headerValue(headers, "connection"));
            if (length < 0 || length > buffer.length - headerEnd - 4) {
                close();
                return Answer.MALFORMED;
            }
            int bodyStart = headerEnd + 4;
            int need = bodyStart + (int) length;
            while (filled < need) {
                int n = in.read(buffer, filled, need - filled);
                if (n < 0) {
                    throw new IOException("closed before the end of the answer");
                }
                filled += n;
            }
            if (closeAfter) {
                close();
            }
            if (status != 200) {
                return Answer.MALFORMED;
            }
            return classify(new String(buffer, bodyStart, (int) length, StandardCharsets.UTF_8));
        }
    }

    private Answer classify(String body) {
        if (!body.contains("\"kind\":\"AdmissionReview\"") || !body.contains("\"response\"")
                || (uidNeedle != null && !body.contains(uidNeedle))) {
            return Answer.MALFORMED;
        }
        if (body.contains("\"code\":429")) {
            return Answer.OVERLOADED;
        }
        if (body.contains("\"code\":500")) {
            return Answer.INTERNAL_ERROR;
        }
        if (body.contains("\"allowed\":false")) {
            return body.contains("\"code\":403") ? Answer.DENIED : Answer.OTHER_CODE;
        }
        if (!body.contains("\"allowed\":true")) {
            return Answer.MALFORMED;
        }
        return body.contains("\"patchType\"") ? Answer.PATCHED : Answer.ALLOWED;
    }

    private static int indexOfBlankLine(byte[] b, int length) {
        for (int i = 3; i < length; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    private static int parseStatus(String headers) {
        int space = headers.indexOf(' ');
        if (!headers.startsWith("HTTP/1.1 ") || headers.length() < space + 4) {
            return -1;
        }
        try {
            return Integer.parseInt(headers.substring(space + 1, space + 4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long header(String headers, String name) {
        String value = headerValue(headers, name);
        try {
            return value == null ? -1 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String headerValue(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** The request uid of a review body, found without a JSON library (the first {@code "uid"} in it). */
    static String uidOf(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int request = text.indexOf("\"request\"");
        int key = text.indexOf("\"uid\"", Math.max(request, 0));
        if (key < 0) {
            return null;
        }
        int open = text.indexOf('"', text.indexOf(':', key) + 1);
        int close = text.indexOf('"', open + 1);
        return open < 0 || close < 0 ? null : text.substring(open + 1, close);
    }

    /** TLS 1.3 client trusting the given CA certificate, or every certificate when {@code ca} is null. */
    public static SSLContext tls(Path ca) throws Exception {
        TrustManager[] trust;
        if (ca == null) {
            trust = new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }};
        } else {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            try (InputStream in = new FileInputStream(ca.toFile())) {
                store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            trust = factory.getTrustManagers();
        }
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, trust, new SecureRandom());
        return context;
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        Path body = null;
        Path ca = null;
        int connections = 8;
        double warmup = 0;
        double seconds = 10;
        long max = 0;
        int timeout = 10_000;
        int pause = 0;
        Path trace = null;
        long prime = DEFAULT_PRIME;
        String primeUrl = null;
        double rate = 0;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--url" -> url = value;
                case "--body" -> body = Path.of(value);
                case "--ca" -> ca = Path.of(value);
                case "--connections", "-c" -> connections = Integer.parseInt(value);
                case "--warmup" -> warmup = Double.parseDouble(value);
                case "--seconds", "-d" -> seconds = Double.parseDouble(value);
                case "--max-requests" -> max = Long.parseLong(value);
                case "--timeout-ms" -> timeout = Integer.parseInt(value);
                case "--pause-after-refusal-ms" -> pause = Integer.parseInt(value);
                case "--trace" -> trace = Path.of(value);
                case "--prime" -> prime = Long.parseLong(value);
                case "--prime-url" -> primeUrl = value;
                case "--rate" -> rate = Double.parseDouble(value);
                case "--seed" -> seed = Long.parseLong(value);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--url URL --body FILE [--ca FILE] [-c N] [--warmup S] [-d S] [--max-requests N]"
                        + " [--timeout-ms MS] [--pause-after-refusal-ms MS] [--trace FILE] [--prime N] [--prime-url URL]"
                        + " [--rate PER_SECOND --seed N])");
            }
            i++;
        }
        if (url == null || body == null) {
            throw new IllegalArgumentException("--url and --body are required");
        }
        java.net.URI uri = java.net.URI.create(url);
        Options options = new Options(uri.getHost(), uri.getPort() < 0 ? 443 : uri.getPort(), uri.getRawPath(),
                Files.readAllBytes(body), connections, warmup, seconds, max, timeout, tls(ca), pause, trace, rate, seed);
        if (prime > 0) {
            // --prime-url: the client is primed against another server (a fresh server must not be warmed by it)
            java.net.URI primed = primeUrl == null ? uri : java.net.URI.create(primeUrl);
            run(new Options(primed.getHost(), primed.getPort() < 0 ? 443 : primed.getPort(), primed.getRawPath(),
                    options.body(), 1, 0, PRIME_SECONDS, prime, timeout, primeUrl == null ? options.tls() : tls(null),
                    pause));
        }
        System.out.println(run(options).toJson());
    }
}

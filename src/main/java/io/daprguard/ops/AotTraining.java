package io.daprguard.ops;

import io.daprguard.tls.PemFiles;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The AOT cache's training run (the Dockerfile, and the benchmarks that start the server as the image does): with
 * {@code dapr-guard.aot-training=true}, once the server listens it sends itself reviews over HTTPS the way the
 * kube-apiserver calls (HTTP/1.1, kept-alive connections, several at once), then exits. JDK 25's
 * {@code -XX:AOTCacheOutput} then stores the classes this loaded and linked and, since JEP 515, the method profiles
 * it gathered, so that a new replica starts with its hot paths already profiled instead of learning them on its
 * first burst. Training only the start of the context (as before) left the review path cold.
 *
 * <p>What it sends, {@value #ROUNDS} rounds on each of {@value #THREADS} connections: pods (bare, with every kind of
 * finding, with an injected or a native-sidecar {@code daprd}, from a controller and from a user), the workload kinds
 * (clean and with findings, CREATE and UPDATE), Components and Configurations, a control-plane Deployment, the audit
 * paths, and bad input (malformed JSON, a wrong Content-Type, a wrong apiVersion); then bursts of
 * {@value #BURST} connections at once, which the training's {@code dapr-guard.limits.max-concurrent-reviews=1} turns
 * into fast code-429 AdmissionReviews (the shedding path). Every answer's HTTP status is checked: a training run that
 * gets anything else fails (exit 1), so a broken image build is loud. Deterministic content; about 10 s on two
 * cores.
 */
public final class AotTraining implements ApplicationRunner {

    static final int ROUNDS = 120;
    static final int THREADS = 4;
    static final int BURST = 64;
    static final int BURSTS = 20;

    private static final Logger log = LoggerFactory.getLogger(AotTraining.class);

    private final ConfigurableApplicationContext context;
    private final Path caFile;
    private final IntConsumer exit;

    /**
     * @param caFile the CA that issued the server's certificate
     * @param exit ends the process with the code given (System::exit)
     */
    public AotTraining(ConfigurableApplicationContext context, Path caFile, IntConsumer exit) {
        this.context = context;
        this.caFile = caFile;
        this.exit = exit;
    }

    /**
     * What a training run sent.
     *
     * @param requests the requests sent and answered
     * @param shed the burst requests answered with code 429 (the shedding path)
     * @param unexpected the answers whose HTTP status was not the one expected
     */
    record Result(int requests, int shed, int unexpected) {}

    /** One request of the training: a path, a Content-Type, a body, and the HTTP status it must get. */
    record Call(String path, String contentType, String body, int status) {}

    @Override
    public void run(ApplicationArguments args) throws Exception {
        Result result = train();
        int code = result.unexpected() == 0 ? 0 : 1;
        exit.accept(SpringApplication.exit(context, () -> code));
    }

    /** Sends the training's requests to this server and says what came back. */
    Result train() throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        SSLSocketFactory sockets = trusting(caFile);
        List<Call> calls = calls();
        long start = System.nanoTime();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger shed = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(Math.max(THREADS, BURST));
        try {
            List<Future<Integer>> rounds = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                rounds.add(threads.submit(() -> send(sockets, port, calls, ROUNDS, failures)));
            }
            int sent = 0;
            for (Future<Integer> round : rounds) {
                sent += round.get(10, TimeUnit.MINUTES);
            }
            Call burst = calls.stream().filter(call -> call.path().equals("/validate")).skip(2).findFirst()
                    .orElseThrow(); // a pod with findings of many rules
            for (int b = 0; b < BURSTS; b++) {
                // every connection is open (TLS done) before any of them sends: the reviews arrive at once
                CyclicBarrier ready = new CyclicBarrier(BURST);
                List<Future<Integer>> connections = new ArrayList<>();
                for (int c = 0; c < BURST; c++) {
                    connections.add(threads.submit(() -> {
                        try (Socket socket = open(sockets, port)) {
                            ((SSLSocket) socket).startHandshake();
                            ready.await(1, TimeUnit.MINUTES);
                            Answer answer = exchange(socket, burst);
                            if (answer.status() != 200) {
                                failures.incrementAndGet();
                            } else if (answer.body().contains("\"code\":429")) {
                                shed.incrementAndGet(); // an AdmissionReview refusing with code 429
                            }
                        }
                        return 1;
                    }));
                }
                for (Future<Integer> connection : connections) {
                    sent += connection.get(10, TimeUnit.MINUTES);
                }
            }
            log.info("AOT training: {} requests in {} ms ({} shed with 429), {} unexpected answers", sent,
                    (System.nanoTime() - start) / 1_000_000, shed.get(), failures.get());
            return new Result(sent, shed.get(), failures.get());
        } finally {
            threads.shutdownNow();
        }
    }

    /** {@code rounds} passes over the calls on one kept-alive connection (a new one when the server closes it). */
    private static int send(SSLSocketFactory sockets, int port, List<Call> calls, int rounds, AtomicInteger failures)
            throws IOException {
        Socket socket = null;
        int sent = 0;
        try {
            for (int r = 0; r < rounds; r++) {
                for (Call call : calls) {
                    if (socket == null) {
                        socket = open(sockets, port);
                    }
                    Answer answer = exchange(socket, call);
                    sent++;
                    if (answer.status() != call.status()) {
                        if (failures.incrementAndGet() <= 5) {
                            log.warn("AOT training: {} answered {} instead of {}", call.path(), answer.status(),
                                    call.status());
                        }
                    }
                    if (answer.close()) {
                        socket.close();
                        socket = null;
                    }
                }
            }
        } finally {
            if (socket != null) {
                socket.close();
            }
        }
        return sent;
    }

    record Answer(int status, boolean close, String body) {}

    private static Socket open(SSLSocketFactory sockets, int port) throws IOException {
        Socket socket = sockets.createSocket("localhost", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static Answer exchange(Socket socket, Call call) throws IOException {
        byte[] sent = call.body().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream request = new ByteArrayOutputStream(sent.length + 128);
        request.writeBytes(("POST " + call.path() + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + call.contentType() + "\r\nContent-Length: " + sent.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(sent);
        OutputStream out = socket.getOutputStream();
        request.writeTo(out); // one write: with the body in a second one, Nagle held it back for a delayed ACK
        out.flush();
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed before the answer");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        int length = 0;
        boolean close = false;
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).strip());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("closed in the answer's body");
        }
        return new Answer(status, close, new String(body, StandardCharsets.UTF_8));
    }

    private static SSLSocketFactory trusting(Path caFile) throws Exception {
        return PemFiles.trusting(PemFiles.readCertificates(caFile)).getSocketFactory();
    }

    /** The reviews of one round, with the status each must get. */
    static List<Call> calls() {
        List<Call> calls = new ArrayList<>();
        String bare = pod("", "");
        String complete = pod(COMPLETE_ANNOTATIONS, "," + DAPRD);
        String findings = pod("\"dapr.io/sidecar-memory-limit\":\"1000MB\",\"dapr.io/env\":\"GOMEMLIMIT=900Mi,"
                + "DB_PASSWORD=x\",\"dapr.io/log-level\":\"verbose\",\"dapr.io/sidecar-cpu-limt\":\"1\","
                + "\"dapr.io/graceful-shutdown-seconds\":\"40\",", "");
        String nativeSidecar = pod(COMPLETE_ANNOTATIONS, "").replace("\"containers\":[",
                "\"initContainers\":[" + DAPRD.replace("\"name\":\"daprd\"", "\"name\":\"daprd\",\"restartPolicy\":"
                        + "\"Always\"") + "],\"containers\":[");
        String unfilledDaprd = pod("", ",{\"name\":\"daprd\",\"image\":\"ghcr.io/dapr/daprd:1.18.3\"}");
        for (String path : new String[] {"/mutate", "/audit/mutate"}) {
            calls.add(review(path, "Pod", "", bare, CONTROLLER));
            calls.add(review(path, "Pod", "", findings, CONTROLLER));
            calls.add(review(path, "Pod", "", unfilledDaprd, CONTROLLER));
            calls.add(review(path, "Deployment", "apps", workload("Deployment", bare), CONTROLLER));
        }
        for (String path : new String[] {"/validate", "/audit/validate"}) {
            calls.add(review(path, "Pod", "", complete, CONTROLLER));
            calls.add(review(path, "Pod", "", nativeSidecar, CONTROLLER));
            calls.add(review(path, "Pod", "", findings, CONTROLLER));
            calls.add(review(path, "Pod", "", bare, CONTROLLER));
            calls.add(review(path, "Pod", "", bare, USER));
            calls.add(review(path, "Deployment", "apps", workload("Deployment", bare), CONTROLLER));
            calls.add(review(path, "Deployment", "apps", workload("Deployment", findings), CONTROLLER));
            calls.add(review(path, "StatefulSet", "apps", workload("StatefulSet", complete), CONTROLLER));
            calls.add(review(path, "DaemonSet", "apps", workload("DaemonSet", findings), CONTROLLER));
            calls.add(review(path, "Job", "batch", workload("Job", bare), CONTROLLER));
            calls.add(review(path, "CronJob", "batch", cronJob(findings), CONTROLLER));
            calls.add(review(path, "Component", "dapr.io", COMPONENT, USER));
            calls.add(review(path, "Component", "dapr.io", COMPONENT.replace("\"value\":\"hunter2\"",
                    "\"secretKeyRef\":{\"name\":\"redis\",\"key\":\"password\"}"), USER));
            calls.add(review(path, "Configuration", "dapr.io", CONFIGURATION, USER));
            calls.add(review(path, "Deployment", "apps", CONTROL_PLANE, USER));
        }
        String deployment = workload("Deployment", findings);
        calls.add(new Call("/validate", JSON, envelope("UPDATE", "Deployment", "apps", deployment, CONTROLLER)
                .replace("\"oldObject\":null", "\"oldObject\":" + deployment), 200));
        calls.add(new Call("/validate", JSON, envelope("UPDATE", "Deployment", "apps", deployment, CONTROLLER)
                .replace("\"oldObject\":null", "\"oldObject\":" + workload("Deployment", bare)), 200));
        calls.add(new Call("/mutate", JSON, envelope("DELETE", "Pod", "", bare, CONTROLLER), 200));
        calls.add(new Call("/mutate", JSON, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"request\":{\"uid\":\"u\",\"kind\":", 400));
        calls.add(new Call("/validate", JSON, envelope("CREATE", "Pod", "", bare, CONTROLLER)
                .replace("admission.k8s.io/v1", "admission.k8s.io/v2"), 400));
        calls.add(new Call("/validate", "text/plain", "hello", 415));
        return List.copyOf(calls);
    }

    private static final String JSON = "application/json";
    private static final String CONTROLLER = "{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\","
            + "\"groups\":[\"system:serviceaccounts\",\"system:authenticated\"]}";
    private static final String USER = "{\"username\":\"alice@example.com\",\"groups\":[\"system:authenticated\"]}";

    private static final String COMPLETE_ANNOTATIONS = "\"dapr.io/sidecar-cpu-request\":\"100m\","
            + "\"dapr.io/sidecar-cpu-limit\":\"300m\",\"dapr.io/sidecar-memory-request\":\"250Mi\","
            + "\"dapr.io/sidecar-memory-limit\":\"1000Mi\",\"dapr.io/env\":\"GOMEMLIMIT=900MiB\","
            + "\"dapr.io/sidecar-seccomp-profile-type\":\"RuntimeDefault\",";

    private static final String DAPRD = "{\"name\":\"daprd\",\"image\":\"ghcr.io/dapr/daprd:1.18.3\","
            + "\"args\":[\"/daprd\",\"--mode\",\"kubernetes\",\"--app-id\",\"orders\"],"
            + "\"env\":[{\"name\":\"NAMESPACE\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.namespace\"}}},"
            + "{\"name\":\"GOMEMLIMIT\",\"value\":\"900MiB\"}],"
            + "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"250Mi\"},\"limits\":{\"cpu\":\"300m\","
            + "\"memory\":\"1000Mi\"}},\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":"
            + "{\"drop\":[\"ALL\"]},\"readOnlyRootFilesystem\":true,\"runAsNonRoot\":true,\"seccompProfile\":"
            + "{\"type\":\"RuntimeDefault\"}}}";

    private static final String COMPONENT = "{\"apiVersion\":\"dapr.io/v1alpha1\",\"kind\":\"Component\","
            + "\"metadata\":{\"name\":\"statestore\",\"namespace\":\"shop\"},\"spec\":{\"type\":\"state.redis\","
            + "\"version\":\"v1\",\"metadata\":[{\"name\":\"redisHost\",\"value\":\"redis:6379\"},"
            + "{\"name\":\"redisPassword\",\"value\":\"hunter2\"},{\"name\":\"enableTLS\",\"value\":\"maybe\"},"
            + "{\"name\":\"redisHostt\",\"value\":\"x\"}]},\"scopes\":[\"orders\"]}";

    private static final String CONFIGURATION = "{\"apiVersion\":\"dapr.io/v1alpha1\",\"kind\":\"Configuration\","
            + "\"metadata\":{\"name\":\"appconfig\",\"namespace\":\"shop\"},\"spec\":{\"mtls\":{\"enabled\":false},"
            + "\"metric\":{\"enabled\":false},\"tracing\":{\"samplingRate\":\"0\"}}}";

    private static final String CONTROL_PLANE = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":"
            + "{\"name\":\"dapr-sentry\",\"namespace\":\"default\",\"labels\":{\"app.kubernetes.io/part-of\":\"dapr\"}},"
            + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"dapr-sentry\"}},\"template\":"
            + "{\"metadata\":{\"labels\":{\"app\":\"dapr-sentry\"}},\"spec\":{\"containers\":[{\"name\":\"dapr-sentry\","
            + "\"image\":\"ghcr.io/dapr/sentry:1.18.3\"}]}}}}";

    /** A pod its ReplicaSet made, with these annotations (each ending in a comma) and containers after the app's. */
    private static String pod(String annotations, String moreContainers) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"orders-7d9f8b6c5d-\","
                + "\"namespace\":\"shop\",\"labels\":{\"app\":\"orders\",\"pod-template-hash\":\"7d9f8b6c5d\"},"
                + "\"annotations\":{" + annotations + "\"dapr.io/enabled\":\"true\",\"dapr.io/app-id\":\"orders\","
                + "\"dapr.io/app-port\":\"8080\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":"
                + "\"ReplicaSet\",\"name\":\"orders-7d9f8b6c5d\",\"uid\":\"5b1c2f4e\",\"controller\":true}]},"
                + "\"spec\":{\"containers\":[{\"name\":\"orders\",\"image\":\"ghcr.io/example/orders:1.4.2\","
                + "\"ports\":[{\"containerPort\":8080}],\"resources\":{\"requests\":{\"cpu\":\"50m\",\"memory\":"
                + "\"128Mi\"},\"limits\":{\"memory\":\"256Mi\"}}}" + moreContainers + "],"
                + "\"terminationGracePeriodSeconds\":30}}";
    }

    /** A workload of {@code kind} whose pod template is {@code pod}'s metadata and spec. */
    private static String workload(String kind, String pod) {
        String template = pod.substring(pod.indexOf("\"metadata\":"));
        template = template.substring(0, template.length() - 1);
        String group = "Job".equals(kind) ? "batch/v1" : "apps/v1";
        return "{\"apiVersion\":\"" + group + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"name\":\"orders\","
                + "\"namespace\":\"shop\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"orders\"}},"
                + "\"template\":{" + template + "}}}";
    }

    private static String cronJob(String pod) {
        String job = workload("Job", pod);
        String jobSpec = job.substring(job.indexOf("\"spec\":") + "\"spec\":".length(), job.length() - 1);
        return "{\"apiVersion\":\"batch/v1\",\"kind\":\"CronJob\",\"metadata\":{\"name\":\"nightly\",\"namespace\":"
                + "\"shop\"},\"spec\":{\"schedule\":\"0 3 * * *\",\"jobTemplate\":{\"spec\":" + jobSpec + "}}}";
    }

    private static Call review(String path, String kind, String group, String object, String user) {
        return new Call(path, JSON, envelope("CREATE", kind, group, object, user), 200);
    }

    private static String envelope(String operation, String kind, String group, String object, String user) {
        String version = "Component".equals(kind) || "Configuration".equals(kind) ? "v1alpha1" : "v1";
        String resource = kind.toLowerCase(Locale.ROOT) + "s";
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":"
                + "\"aot-training\",\"kind\":{\"group\":\"" + group + "\",\"version\":\"" + version + "\",\"kind\":\""
                + kind + "\"},\"resource\":{\"group\":\"" + group + "\",\"version\":\"" + version + "\",\"resource\":\""
                + resource + "\"},\"namespace\":\"shop\",\"operation\":\"" + operation + "\",\"userInfo\":" + user
                + ",\"object\":" + object + ",\"oldObject\":null,\"dryRun\":false}}";
    }
}

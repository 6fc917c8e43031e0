package io.daprguard.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.daprguard.DaprGuardApplication;
import io.daprguard.Reviews;
import io.daprguard.TestClients;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The shutdown path SIGTERM takes (the JVM's shutdown hook closes the context): readiness turns false at once, new
 * connections are still served for the drain period, reviews in flight finish, then the server stops.
 */
class ShutdownIT {

    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"orders-","annotations":
            {"dapr.io/enabled":"true","dapr.io/app-id":"orders"}},"spec":{"containers":[{"name":"orders","image":"o:1"}]}}""";

    @TempDir
    Path certs;

    @Test
    void inFlightReviewsCompleteAndNewOnesAreServedDuringTheDrain() throws Exception {
        ConfigurableApplicationContext context = startWithDrainOf3Seconds();
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        int managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
        assertThat(TestClients.get(managementPort, "/readyz", null).statusCode()).isEqualTo(200);
        ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
        HttpClient client = TestClients.trusting(certs);

        CountDownLatch bodiesMayFinish = new CountDownLatch(1);
        CountDownLatch bodiesStarted = new CountDownLatch(5);
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] review = Reviews.podCreate("admission.k8s.io/v1", "in-flight-" + i, POD).getBytes(StandardCharsets.UTF_8);
            int split = review.length / 2;
            HttpRequest request = HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + port + "/mutate"))
                    .timeout(TestClients.TIMEOUT).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                            new ByteArrayInputStream(review, 0, split),
                            new HeldBack(review, split, bodiesStarted, bodiesMayFinish))))
                    .build();
            inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(bodiesStarted.await(30, TimeUnit.SECONDS)).as("all five reviews are being sent").isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);

        HttpResponse<String> duringDrain = TestClients.post(TestClients.trusting(certs), port, "/mutate",
                HttpRequest.BodyPublishers.ofString(Reviews.podCreate("admission.k8s.io/v1", "during-drain", POD)));
        assertThat(duringDrain.statusCode()).isEqualTo(200);
        assertThat(duringDrain.body()).contains("\"uid\":\"during-drain\"");
        assertThat(closing).as("still draining").isNotDone();
        assertThat(readyzAnswers200(managementPort)).as("/readyz during the drain").isFalse();

        bodiesMayFinish.countDown();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = inFlight.get(i).get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"uid\":\"in-flight-" + i + "\",\"allowed\":true,\"patchType\"");
        }
        closing.get(60, TimeUnit.SECONDS);
        assertThat(context.isActive()).isFalse();
    }

    /**
     * The kube-apiserver keeps its connections to a webhook alive and does not retry a POST that fails on one. Kept-alive
     * clients here send reviews back to back through a SIGTERM (context close) and the drain; each uses its open
     * connection for as long as the server keeps it, and opens a new one only while the load balancer still routes to
     * this replica (1.5 s after readiness turned false; then its next review goes to another replica). Every review
     * sent must get a complete answer: the server ends each kept-alive connection after a complete response
     * ({@code Connection: close}) from the moment it is not ready, so none is still in use when it stops.
     */
    @Test
    void keptAliveConnectionsEndCleanlyDuringTheDrainAndNoReviewIsLost() throws Exception {
        ConfigurableApplicationContext context = startWithDrainOf3Seconds();
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
        javax.net.ssl.SSLSocketFactory sockets = TestClients.trustingOnly(certs).getSocketFactory();
        java.util.concurrent.atomic.AtomicLong routedUntil = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        List<CompletableFuture<KeptAliveClient>> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            KeptAliveClient client = new KeptAliveClient(sockets, port, "client-" + i, routedUntil);
            clients.add(CompletableFuture.supplyAsync(client::run));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> KeptAliveClient.answered.get() >= 200);

        CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);
        routedUntil.set(System.nanoTime() + Duration.ofMillis(1500).toNanos());
        closing.get(60, TimeUnit.SECONDS);

        for (CompletableFuture<KeptAliveClient> future : clients) {
            KeptAliveClient client = future.get(60, TimeUnit.SECONDS);
            assertThat(client.failures).as("%s: reviews sent that got no complete answer", client.name).isEmpty();
            assertThat(client.closedByServer).as("%s: connections the server ended after a Connection: close answer",
                    client.name).isPositive();
            assertThat(client.answeredAfterDrain).as("%s: answers during the drain", client.name).isPositive();
        }
    }

    /** One kept-alive HTTP/1.1 client over TLS, as the kube-apiserver's transport is: reviews back to back. */
    private static final class KeptAliveClient {
        static final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();

        final String name;
        final List<String> failures = new ArrayList<>();
        int closedByServer;
        int answeredAfterDrain;
        private final javax.net.ssl.SSLSocketFactory sockets;
        private final int port;
        private final java.util.concurrent.atomic.AtomicLong routedUntil;

        KeptAliveClient(javax.net.ssl.SSLSocketFactory sockets, int port, String name,
                java.util.concurrent.atomic.AtomicLong routedUntil) {
            this.sockets = sockets;
            this.port = port;
            this.name = name;
            this.routedUntil = routedUntil;
        }

        KeptAliveClient run() {
            java.net.Socket socket = null;
            int sent = 0;
            try {
                while (true) {
                    if (socket == null) {
                        if (System.nanoTime() > routedUntil.get()) {
                            return this; // the load balancer sends the next review to another replica
                        }
                        socket = sockets.createSocket("localhost", port);
                        socket.setSoTimeout(30_000);
                    }
                    String uid = name + "-" + sent++;
                    byte[] body = Reviews.podCreate("admission.k8s.io/v1", uid, POD).getBytes(StandardCharsets.UTF_8);
                    boolean draining = routedUntil.get() != Long.MAX_VALUE;
                    try {
                        java.io.OutputStream out = socket.getOutputStream();
                        out.write(("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        Answer answer = Answer.read(socket.getInputStream());
                        if (answer.status != 200 || !answer.body.contains("\"uid\":\"" + uid + "\"")) {
                            failures.add(uid + ": " + answer.status + " " + answer.body);
                        }
                        answered.incrementAndGet();
                        if (draining) {
                            answeredAfterDrain++;
                        }
                        if (answer.close) {
                            assertThat(socket.getInputStream().read()).as("the server closes after Connection: close")
                                    .isEqualTo(-1);
                            closedByServer++;
                            socket.close();
                            socket = null;
                        }
                    } catch (java.io.IOException e) {
                        failures.add(uid + ": " + e);
                        socket.close();
                        socket = null;
                    }
                }
            } catch (java.io.IOException e) {
                if (socket == null) {
                    failures.add("connect: " + e); // the server refused while the load balancer still routed to it
                }
                return this;
            }
        }
    }

    /** An HTTP/1.1 response read by its Content-Length. */
    private record Answer(int status, boolean close, String body) {

        static Answer read(InputStream in) throws java.io.IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.EOFException("connection closed before a complete answer: " + head);
                }
                head.append((char) b);
            }
            String[] lines = head.toString().split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            int length = -1;
            boolean close = false;
            for (String line : lines) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (length < 0) {
                throw new java.io.IOException("no Content-Length: " + head);
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new java.io.EOFException("connection closed in the body");
            }
            return new Answer(status, close, new String(body, StandardCharsets.UTF_8));
        }
    }

    private ConfigurableApplicationContext startWithDrainOf3Seconds() {
        return new SpringApplicationBuilder(DaprGuardApplication.class).run("--server.port=0",
                "--management.server.port=0", "--dapr-guard.tls.dir=" + certs, "--dapr-guard.shutdown.drain-period=3s");
    }

    private static boolean readyzAnswers200(int managementPort) {
        try {
            return TestClients.get(managementPort, "/readyz", null).statusCode() == 200;
        } catch (Exception refused) {
            return false;
        }
    }

    /** The second half of a body, sent only once the test says so. */
    private static final class HeldBack extends InputStream {
        private final InputStream rest;
        private final CountDownLatch started;
        private final CountDownLatch mayFinish;
        private boolean waited;

        HeldBack(byte[] body, int from, CountDownLatch started, CountDownLatch mayFinish) {
            this.rest = new ByteArrayInputStream(body, from, body.length - from);
            this.started = started;
            this.mayFinish = mayFinish;
        }

        @Override
        public int read() throws java.io.IOException {
            awaitRelease();
            return rest.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            awaitRelease();
            return rest.read(b, off, len);
        }

        private void awaitRelease() throws java.io.IOException {
            if (waited) {
                return;
            }
            waited = true;
            started.countDown();
            try {
                if (!mayFinish.await(60, TimeUnit.SECONDS)) {
                    throw new java.io.IOException("test never released the body");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.IOException(e);
            }
        }
    }
}

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
        ConfigurableApplicationContext context = new SpringApplicationBuilder(DaprGuardApplication.class).run(
                "--server.port=0", "--management.server.port=0", "--dapr-guard.tls.dir=" + certs,
                "--dapr-guard.shutdown.drain-period=3s");
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

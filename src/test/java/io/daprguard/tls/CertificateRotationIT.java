package io.daprguard.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.daprguard.tls.TlsTestSupport.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Certificate rotation on a running server, the way it happens in a cluster: the certificate
 * directory is a kubelet-style Secret volume ({@code tls.crt -> ..data/tls.crt}, {@code ..data ->
 * ..2026_11_24_...}) holding a CA and a serving pair, and the server polls it every 200ms. While a
 * client thread keeps sending requests over fresh and long-lived connections, the test
 * <ol>
 * <li>overwrites {@code tls.crt} and {@code tls.key} in place with a new pair from the same CA,</li>
 * <li>swaps {@code ..data} to a new directory with another pair, as the kubelet does, and</li>
 * <li>swaps in a key that does not belong to the certificate, which must be refused,</li>
 * </ol>
 * checking after each step what a new TLS handshake presents. No request may fail. The context is
 * closed after the class, so its poller stops before the temporary directory is deleted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "dapr-guard.tls.reload-interval=200ms", "dapr-guard.tls.generate=false" })
@DirtiesContext
class CertificateRotationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(CertificateRotationIT.class);

    private static final CertificateGenerator generator = new CertificateGenerator();

    @TempDir
    static Path volumeDirectory;

    private static CertificateAndKey ca;

    private static CertificateAndKey initial;

    private static KubeletSecretVolume volume;

    @DynamicPropertySource
    static void secretVolume(DynamicPropertyRegistry registry) throws Exception {
        // The CA key stays in the test, as it would stay with cert-manager: the volume only has ca.crt.
        ca = generator.generateCertificateAuthority(Duration.ofDays(100));
        initial = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(10));
        volume = KubeletSecretVolume.create(volumeDirectory, payload(initial.certificate(), initial.privateKey()));
        registry.add("dapr-guard.tls.dir", volumeDirectory::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    PrometheusMeterRegistry prometheus;

    @Autowired
    ServingCertificate servingCertificate;

    @Test
    void rotatesTheServingCertificateWithoutFailingARequest() throws Exception {
        CertificateFiles files = new CertificateFiles(volumeDirectory);
        assertThat(servedSerial()).isEqualTo(initial.certificate().getSerialNumber());
        assertThat(servingCertificate.current()).contains(initial.certificate());
        assertThat(scraped("daprguard_certificate_reloads_total{result=\"success\"}")).isZero();
        assertThat(scraped("daprguard_certificate_reloads_total{result=\"failure\"}")).isZero();

        RequestLoop requests = new RequestLoop(TlsTestSupport.trustingOnly(ca.certificate()));
        Thread client = new Thread(requests, "certificate-rotation-client");
        client.start();
        try {
            requests.awaitMoreAnswers(20);

            // (a) Plain overwrite in place, certificate first (a poll may see the new certificate with the old key).
            CertificateAndKey second = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(20));
            Files.write(files.servingCertificate(), pem(second.certificate()));
            Files.write(files.servingKey(), pem(second.privateKey()));
            awaitServed(second);
            requests.awaitMoreAnswers(20);

            // (b) The kubelet's atomic update: a new timestamped directory, ..data swapped to it.
            CertificateAndKey third = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(30));
            volume.update(payload(third.certificate(), third.privateKey()));
            awaitServed(third);
            requests.awaitMoreAnswers(20);
            assertThat(scraped("daprguard_certificate_reloads_total{result=\"success\"}")).isEqualTo(2);
            assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"serving\"}"))
                .isEqualTo(third.certificate().getNotAfter().toInstant().getEpochSecond());

            // (c) A key that belongs to another certificate: refused, the third pair stays in service. Two
            // distinct bad contents in a row prove that polls ran after the first refusal. All four
            // certificates and keys differ, so no mix of old and new files read mid-swap can match.
            double failures = scraped("daprguard_certificate_reloads_total{result=\"failure\"}");
            List<CertificateAndKey> unrelated = List.of(serving(), serving(), serving(), serving());
            volume.update(payload(unrelated.get(0).certificate(), unrelated.get(1).privateKey()));
            awaitFailuresAbove(failures);
            volume.update(payload(unrelated.get(2).certificate(), unrelated.get(3).privateKey()));
            awaitFailuresAbove(failures + 1);

            assertThat(servedSerial()).isEqualTo(third.certificate().getSerialNumber());
            assertThat(servingCertificate.current()).contains(third.certificate());
            assertThat(scraped("daprguard_certificate_reloads_total{result=\"success\"}")).isEqualTo(2);
            assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"serving\"}"))
                .isEqualTo(third.certificate().getNotAfter().toInstant().getEpochSecond());
            requests.awaitMoreAnswers(20);
        }
        finally {
            requests.stop();
            client.join(TIMEOUT.toMillis());
        }
        log.info("Rotation test client: {} requests answered over {} clients (each a new TLS connection), {} failed",
                requests.answers.get(), requests.clients.get(), requests.errors.size());
        assertThat(client.isAlive()).as("client thread stopped").isFalse();
        assertThat(requests.errors).as("failed requests").isEmpty();
        assertThat(requests.answers.get()).isPositive();
        assertThat(requests.clients.get()).as("new connections during the test").isGreaterThan(3);
    }

    private void awaitServed(CertificateAndKey pair) {
        BigInteger serial = pair.certificate().getSerialNumber();
        await().atMost(TIMEOUT).until(() -> servedSerial().equals(serial));
        assertThat(servingCertificate.current()).contains(pair.certificate());
    }

    private void awaitFailuresAbove(double count) {
        await().atMost(TIMEOUT).until(() -> scraped("daprguard_certificate_reloads_total{result=\"failure\"}") > count);
    }

    private BigInteger servedSerial() throws Exception {
        return TlsTestSupport.servedSerial(port, ca.certificate());
    }

    private CertificateAndKey serving() {
        return generator.issueServingCertificate(ca, List.of(), Duration.ofDays(40));
    }

    /** The value of one series as {@code /metrics} exposes it. */
    private double scraped(String series) {
        String scrape = prometheus.scrape();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(matcher.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static Map<String, byte[]> payload(X509Certificate certificate, PrivateKey key) throws Exception {
        return Map.of(CertificateFiles.CA_CERTIFICATE, pem(ca.certificate()), CertificateFiles.SERVING_CERTIFICATE,
                pem(certificate), CertificateFiles.SERVING_KEY, pem(key));
    }

    /**
     * Sends {@code POST /validate} with {@code {}} over HTTP/1.1 until stopped, at most
     * {@link #MAX_REQUESTS} times and for {@link #MAX_DURATION}. A new client (so a new connection
     * and a full TLS handshake) every {@link #REQUESTS_PER_CLIENT} requests; the connections in
     * between stay open across reloads. Any HTTP status is an answer; only an exception (connection,
     * TLS) is a failure.
     */
    private final class RequestLoop implements Runnable {

        static final int MAX_REQUESTS = 20_000;

        static final Duration MAX_DURATION = Duration.ofMinutes(3);

        static final int REQUESTS_PER_CLIENT = 10;

        final AtomicInteger answers = new AtomicInteger();

        final AtomicInteger clients = new AtomicInteger();

        final Queue<Exception> errors = new ConcurrentLinkedQueue<>();

        private final SSLContext context;

        private volatile boolean stopped;

        RequestLoop(SSLContext context) {
            this.context = context;
        }

        @Override
        public void run() {
            Instant deadline = Instant.now().plus(MAX_DURATION);
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/validate"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
            HttpClient client = null;
            for (int i = 0; i < MAX_REQUESTS && !stopped && Instant.now().isBefore(deadline); i++) {
                if (i % REQUESTS_PER_CLIENT == 0) {
                    close(client);
                    client = HttpClient.newBuilder()
                        .sslContext(context)
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(30))
                        .build();
                    clients.incrementAndGet();
                }
                try {
                    client.send(request, HttpResponse.BodyHandlers.discarding());
                    answers.incrementAndGet();
                }
                catch (IOException ex) {
                    errors.add(ex);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    errors.add(ex);
                    break;
                }
            }
            close(client);
        }

        void awaitMoreAnswers(int count) {
            int target = answers.get() + count;
            await().atMost(TIMEOUT).until(() -> answers.get() >= target || !errors.isEmpty());
            assertThat(errors).as("failed requests").isEmpty();
        }

        void stop() {
            stopped = true;
        }

        /** {@code HttpClient} is {@link AutoCloseable} from Java 21 on; on 17 it is released when unreachable. */
        private void close(HttpClient client) {
            if (client instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                }
                catch (Exception ex) {
                    errors.add(ex);
                }
            }
        }
    }
}

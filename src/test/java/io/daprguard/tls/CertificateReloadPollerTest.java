package io.daprguard.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.daprguard.tls.TlsTestSupport.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The polling thread: it runs checks on its own, survives unexpected errors, and stops cleanly. */
@ExtendWith(OutputCaptureExtension.class)
class CertificateReloadPollerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Duration INTERVAL = Duration.ofMillis(100);

    @TempDir
    Path dir;

    private final CertificateGenerator generator = new CertificateGenerator();

    private final ServingCertificate servingCertificate = new ServingCertificate();

    private final DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();

    private CertificateAndKey ca;

    private CertificateFiles files;

    private CertificateReloader reloader;

    private CertificateReloadPoller poller;

    /** The threads this test's poller made (other pollers, of cached Spring test contexts, may be running). */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    @BeforeEach
    void writeFiles() throws Exception {
        ca = generator.generateCertificateAuthority(Duration.ofDays(100));
        files = new CertificateFiles(dir);
        Files.write(files.caCertificate(), pem(ca.certificate()));
        write(generator.issueServingCertificate(ca, List.of(), Duration.ofDays(10)));
        reloader = new CertificateReloader(files, null, new PemSslBundleLoader(), servingCertificate,
                new CertificateMetrics(new SimpleMeterRegistry()));
        poller = new CertificateReloadPoller(reloader, registry, INTERVAL, (task) -> {
            Thread thread = CertificateReloadPoller.newThread(task);
            threads.add(thread);
            return thread;
        });
    }

    @AfterEach
    void stopPoller() {
        poller.stop();
    }

    @Test
    void picksUpChangedFilesOnItsOwn() throws Exception {
        registry.registerBundle(TlsBundleRegistrar.BUNDLE_NAME, reloader.loadInitial());
        poller.start();
        assertThat(poller.isRunning()).isTrue();
        CertificateAndKey second = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(20));

        write(second);

        await().atMost(TIMEOUT).until(() -> servingCertificate.current().orElseThrow().equals(second.certificate()));
    }

    @Test
    void keepsCheckingAfterAnUnexpectedError(CapturedOutput output) throws Exception {
        // Without the initial load every check throws; the poller must log it and go on.
        poller.start();
        await().atMost(TIMEOUT)
            .until(() -> occurrences(output.getOut(), "failed unexpectedly; trying again in PT0.1S") >= 2);

        registry.registerBundle(TlsBundleRegistrar.BUNDLE_NAME, reloader.loadInitial());
        CertificateAndKey second = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(20));
        write(second);

        await().atMost(TIMEOUT).until(() -> servingCertificate.current().orElseThrow().equals(second.certificate()));
    }

    @Test
    void stopEndsThePollingThread() {
        registry.registerBundle(TlsBundleRegistrar.BUNDLE_NAME, reloader.loadInitial());
        poller.start();
        await().atMost(TIMEOUT).until(() -> !threads.isEmpty() && threads.get(0).isAlive());

        poller.stop();

        assertThat(poller.isRunning()).isFalse();
        await().atMost(TIMEOUT).until(() -> !threads.get(0).isAlive());
        poller.stop();
        assertThat(threads).hasSize(1);
    }

    @Test
    void startTwiceKeepsOneDaemonThread() {
        registry.registerBundle(TlsBundleRegistrar.BUNDLE_NAME, reloader.loadInitial());
        poller.start();
        poller.start();

        await().atMost(TIMEOUT).until(() -> !threads.isEmpty() && threads.get(0).isAlive());
        assertThat(threads).singleElement().satisfies((thread) -> {
            assertThat(thread.getName()).isEqualTo(CertificateReloadPoller.THREAD_NAME);
            assertThat(thread.isDaemon()).isTrue();
        });
    }

    @Test
    void rejectsANonPositiveInterval() {
        assertThatIllegalArgumentException()
            .isThrownBy(() -> new CertificateReloadPoller(reloader, registry, Duration.ZERO))
            .withMessage("interval must be positive, but was PT0S");
    }

    private void write(CertificateAndKey pair) throws Exception {
        Files.write(files.servingCertificate(), pem(pair.certificate()));
        Files.write(files.servingKey(), pem(pair.privateKey()));
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}

package io.daprguard.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.daprguard.tls.CertificateReloader.Outcome.REFUSED;
import static io.daprguard.tls.CertificateReloader.Outcome.RELOADED;
import static io.daprguard.tls.CertificateReloader.Outcome.UNCHANGED;
import static io.daprguard.tls.TlsTestSupport.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The reload logic without a web server: a real {@link DefaultSslBundleRegistry} stands in for
 * Spring Boot's (the web server listens to its update handlers), and a
 * {@link PrometheusMeterRegistry} shows the series exactly as {@code /metrics} exposes them.
 */
@ExtendWith(OutputCaptureExtension.class)
class CertificateReloaderTest {

    private static final String REFUSED_LOG = "Refused the changed TLS files in ";

    @TempDir
    Path dir;

    private final CertificateGenerator generator = new CertificateGenerator();

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private final ServingCertificate servingCertificate = new ServingCertificate();

    private final DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();

    private final List<SslBundle> updates = new CopyOnWriteArrayList<>();

    private CertificateAndKey ca;

    private CertificateAndKey first;

    private CertificateFiles files;

    @BeforeEach
    void writeFirstPair() throws Exception {
        ca = generator.generateCertificateAuthority(Duration.ofDays(100));
        first = serving(Duration.ofDays(10));
        files = new CertificateFiles(dir);
        Files.write(files.caCertificate(), pem(ca.certificate()));
        writeInPlace(first);
    }

    @Test
    void initialLoadServesThePairSetsTheGaugesAndCountsNoReload() throws Exception {
        start(null);

        assertThat(served(registry.getBundle(TlsBundleRegistrar.BUNDLE_NAME))).isEqualTo(first.certificate());
        assertThat(servingCertificate.loaded()).isTrue();
        assertThat(servingCertificate.current()).contains(first.certificate());
        assertThat(servingCertificate.notAfter()).contains(first.certificate().getNotAfter().toInstant());
        assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"serving\"}"))
            .isEqualTo(epochSeconds(first.certificate()));
        assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"ca\"}"))
            .isEqualTo(epochSeconds(ca.certificate()));
        assertThat(scraped("daprguard_certificate_reloads_total{result=\"success\"}")).isZero();
        assertThat(scraped("daprguard_certificate_reloads_total{result=\"failure\"}")).isZero();
        assertThat(meters.scrape()).contains("# TYPE daprguard_certificate_expiry_timestamp_seconds gauge")
            .contains("# TYPE daprguard_certificate_reloads_total counter");
    }

    @Test
    void gaugesAreNotANumberBeforeTheFirstLoad() {
        new CertificateMetrics(meters);

        assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"serving\"}")).isNaN();
        assertThat(servingCertificate.loaded()).isFalse();
        assertThat(servingCertificate.current()).isEmpty();
        assertThat(servingCertificate.notAfter()).isEmpty();
    }

    @Test
    void unchangedFilesAreNotReloadedEvenWhenRewrittenWithTheSameBytes() throws Exception {
        CertificateReloader reloader = start(null);

        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);
        writeInPlace(first);
        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);

        assertThat(updates).isEmpty();
        assertThat(reloads("success")).isZero();
    }

    @Test
    void aPairOverwrittenInPlaceIsPutIntoServiceAndCounted(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);
        CertificateAndKey second = serving(Duration.ofDays(20));

        writeInPlace(second);

        assertThat(reloader.reload(registry)).isEqualTo(RELOADED);
        assertThat(updates).hasSize(1);
        assertThat(served(updates.get(0))).isEqualTo(second.certificate());
        assertThat(servingCertificate.current()).contains(second.certificate());
        assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"serving\"}"))
            .isEqualTo(epochSeconds(second.certificate()));
        assertThat(reloads("success")).isEqualTo(1);
        assertThat(reloads("failure")).isZero();
        assertThat(output).contains("Reloaded the TLS certificate from " + dir + ": new connections get serial "
                + second.certificate().getSerialNumber().toString(16));
        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);
        assertThat(reloads("success")).isEqualTo(1);
    }

    @Test
    void aMismatchedPairIsRefusedOnceAndALaterGoodPairIsAccepted(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);
        CertificateAndKey second = serving(Duration.ofDays(20));
        CertificateAndKey third = serving(Duration.ofDays(30));

        Files.write(files.servingCertificate(), pem(second.certificate()));
        Files.write(files.servingKey(), pem(third.privateKey()));

        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        assertThat(reloader.reload(registry)).as("same content: not reported again").isEqualTo(UNCHANGED);
        assertThat(updates).isEmpty();
        assertThat(servingCertificate.current()).contains(first.certificate());
        assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"serving\"}"))
            .isEqualTo(epochSeconds(first.certificate()));
        assertThat(reloads("failure")).isEqualTo(1);
        assertThat(reloads("success")).isZero();
        assertThat(occurrences(output.getOut(), REFUSED_LOG)).isEqualTo(1);
        assertThat(output).contains("WARN").contains(files.servingKey() + " does not belong to "
                + files.servingCertificate() + " (the first certificate in it). Still serving serial "
                + first.certificate().getSerialNumber().toString(16));
        assertNoKeyMaterial(output, first, second, third);

        writeInPlace(third);

        assertThat(reloader.reload(registry)).isEqualTo(RELOADED);
        assertThat(served(updates.get(0))).isEqualTo(third.certificate());
        assertThat(servingCertificate.current()).contains(third.certificate());
        assertThat(reloads("success")).isEqualTo(1);
        assertThat(reloads("failure")).isEqualTo(1);
    }

    @Test
    void eachDistinctRefusedContentIsCountedOnce(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);
        CertificateAndKey second = serving(Duration.ofDays(20));
        CertificateAndKey third = serving(Duration.ofDays(30));

        Files.write(files.servingKey(), pem(second.privateKey()));
        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        Files.write(files.servingKey(), pem(third.privateKey()));
        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);

        assertThat(reloads("failure")).isEqualTo(2);
        assertThat(occurrences(output.getOut(), REFUSED_LOG)).isEqualTo(2);
    }

    @Test
    void aHalfWrittenCertificateIsRefusedAndTheCompleteOneAccepted(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);
        CertificateAndKey second = serving(Duration.ofDays(20));
        byte[] certificate = pem(second.certificate());

        Files.write(files.servingKey(), pem(second.privateKey()));
        Files.write(files.servingCertificate(), Arrays.copyOf(certificate, certificate.length / 2));

        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        assertThat(servingCertificate.current()).contains(first.certificate());
        assertThat(output).contains("Cannot read certificates from " + files.servingCertificate());

        Files.write(files.servingCertificate(), certificate);

        assertThat(reloader.reload(registry)).isEqualTo(RELOADED);
        assertThat(servingCertificate.current()).contains(second.certificate());
        assertThat(reloads("failure")).isEqualTo(1);
        assertThat(reloads("success")).isEqualTo(1);
    }

    @Test
    void garbageInTheKeyFileIsRefused(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);

        Files.write(files.servingKey(), "not a key\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        assertThat(servingCertificate.current()).contains(first.certificate());
        assertThat(output).contains(files.servingKey() + " contains no PEM private key");
        assertThat(reloads("failure")).isEqualTo(1);
    }

    @Test
    void aMissingFileIsRefusedAndItsReturnIsNoticed(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);
        byte[] key = Files.readAllBytes(files.servingKey());

        Files.delete(files.servingKey());
        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);
        assertThat(output).contains("Cannot read a private key from " + files.servingKey() + ": no such file");

        Files.write(files.servingKey(), key);
        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);

        assertThat(output).contains("The TLS files hold the content in service again");
        assertThat(reloads("failure")).isEqualTo(1);
        assertThat(updates).isEmpty();
    }

    @Test
    void kubeletSecretVolumeUpdatesAreFollowedThroughTheDataSymlink() throws Exception {
        Path volumeDir = Files.createDirectory(dir.resolve("volume"));
        KubeletSecretVolume volume = KubeletSecretVolume.create(volumeDir, payload(ca, first));
        files = new CertificateFiles(volumeDir);
        CertificateReloader reloader = start(volumeDir, null);
        assertThat(files.servingCertificate()).isSymbolicLink();
        assertThat(Files.readSymbolicLink(files.servingCertificate())).isEqualTo(Path.of("..data", "tls.crt"));
        assertThat(Files.readSymbolicLink(volumeDir.resolve("..data")).toString())
            .matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+");

        CertificateAndKey second = serving(Duration.ofDays(20));
        volume.update(payload(ca, second));

        assertThat(reloader.reload(registry)).isEqualTo(RELOADED);
        assertThat(servingCertificate.current()).contains(second.certificate());

        CertificateAndKey newCa = generator.generateCertificateAuthority(Duration.ofDays(200));
        CertificateAndKey third = generator.issueServingCertificate(newCa, List.of(), Duration.ofDays(30));
        volume.update(payload(newCa, third));

        assertThat(reloader.reload(registry)).isEqualTo(RELOADED);
        assertThat(servingCertificate.current()).contains(third.certificate());
        assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"ca\"}"))
            .isEqualTo(epochSeconds(newCa.certificate()));
        assertThat(reloads("success")).isEqualTo(2);
        try (var entries = Files.list(volumeDir)) {
            assertThat(entries.filter((path) -> path.getFileName().toString().startsWith("..20"))).hasSize(1);
        }
    }

    @Test
    void anUnusableCaFileLeavesTheCaGaugeAndTheServingBundleAlone(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);

        Files.write(files.caCertificate(), "garbage\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);
        assertThat(reloader.reload(registry)).isEqualTo(UNCHANGED);
        assertThat(scraped("daprguard_certificate_expiry_timestamp_seconds{certificate=\"ca\"}"))
            .isEqualTo(epochSeconds(ca.certificate()));
        assertThat(occurrences(output.getOut(), "Cannot use the changed " + files.caCertificate())).isEqualTo(1);
        assertThat(reloads("failure")).isZero();
    }

    @Test
    void theClientCaFileBecomesTheTrustStoreAndIsReloadedWithThePair() throws Exception {
        Path clientCaFile = dir.resolve("clients").resolve("client-ca.crt");
        Files.createDirectories(clientCaFile.getParent());
        CertificateAndKey clientCa = generator.generateCertificateAuthority(Duration.ofDays(100));
        Files.write(clientCaFile, pem(clientCa.certificate()));
        CertificateReloader reloader = start(clientCaFile);
        assertThat(trusted(registry.getBundle(TlsBundleRegistrar.BUNDLE_NAME))).containsExactly(clientCa.certificate());

        CertificateAndKey otherClientCa = generator.generateCertificateAuthority(Duration.ofDays(100));
        Files.write(clientCaFile, pem(clientCa.certificate(), otherClientCa.certificate()));

        assertThat(reloader.reload(registry)).isEqualTo(RELOADED);
        assertThat(trusted(updates.get(0))).containsExactlyInAnyOrder(clientCa.certificate(),
                otherClientCa.certificate());
        assertThat(served(updates.get(0))).isEqualTo(first.certificate());

        Files.write(clientCaFile, "-----BEGIN CERTIFICATE-----\nAAAA\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        assertThat(updates).hasSize(1);
    }

    @Test
    void aBundleTheWebServerRejectsIsRefusedAndCounted(CapturedOutput output) throws Exception {
        CertificateReloader reloader = start(null);
        registry.addBundleUpdateHandler(TlsBundleRegistrar.BUNDLE_NAME, (bundle) -> {
            throw new IllegalArgumentException("simulated connector failure");
        });

        writeInPlace(serving(Duration.ofDays(20)));

        assertThat(reloader.reload(registry)).isEqualTo(REFUSED);
        assertThat(servingCertificate.current()).contains(first.certificate());
        assertThat(reloads("failure")).isEqualTo(1);
        assertThat(output).contains("the web server did not accept the new SSL bundle")
            .contains("simulated connector failure");
    }

    @Test
    void startUpFailsForAMismatchedPair() throws Exception {
        Files.write(files.servingKey(), pem(serving(Duration.ofDays(20)).privateKey()));
        CertificateReloader reloader = reloader(null);

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(reloader::loadInitial)
            .withMessage(files.servingKey() + " does not belong to " + files.servingCertificate()
                    + " (the first certificate in it)");
        assertThat(servingCertificate.loaded()).isFalse();
    }

    @Test
    void startUpFailsForAMissingClientCaFileWithAHint() {
        Path clientCaFile = dir.resolve("missing-client-ca.crt");
        CertificateReloader reloader = reloader(clientCaFile);

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(reloader::loadInitial)
            .withMessage("Cannot read certificates from " + clientCaFile + ": no such file. dapr-guard.tls"
                    + ".client-ca-file must name a PEM file with the CA certificate(s) that issue the clients'"
                    + " certificates");
    }

    @Test
    void reloadBeforeTheInitialLoadIsAProgrammingError() {
        CertificateReloader reloader = reloader(null);

        assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> reloader.reload(registry))
            .withMessageContaining("loadInitial()");
    }

    private CertificateReloader start(Path clientCaFile) throws Exception {
        return start(dir, clientCaFile);
    }

    private CertificateReloader start(Path tlsDir, Path clientCaFile) {
        CertificateReloader reloader = new CertificateReloader(new CertificateFiles(tlsDir), clientCaFile,
                new PemSslBundleLoader(), servingCertificate, new CertificateMetrics(meters));
        registry.registerBundle(TlsBundleRegistrar.BUNDLE_NAME, reloader.loadInitial());
        registry.addBundleUpdateHandler(TlsBundleRegistrar.BUNDLE_NAME, updates::add);
        return reloader;
    }

    private CertificateReloader reloader(Path clientCaFile) {
        return new CertificateReloader(files, clientCaFile, new PemSslBundleLoader(), servingCertificate,
                new CertificateMetrics(meters));
    }

    private CertificateAndKey serving(Duration validity) {
        return generator.issueServingCertificate(ca, List.of(), validity);
    }

    /** Plain, non-atomic overwrite of both files (same inodes), certificate first. */
    private void writeInPlace(CertificateAndKey pair) throws Exception {
        Files.write(files.servingCertificate(), pem(pair.certificate()));
        Files.write(files.servingKey(), pem(pair.privateKey()));
    }

    static Map<String, byte[]> payload(CertificateAndKey ca, CertificateAndKey serving) throws Exception {
        return Map.of(CertificateFiles.CA_CERTIFICATE, pem(ca.certificate()), CertificateFiles.SERVING_CERTIFICATE,
                pem(serving.certificate()), CertificateFiles.SERVING_KEY, pem(serving.privateKey()));
    }

    private double reloads(String result) {
        return scraped("daprguard_certificate_reloads_total{result=\"" + result + "\"}");
    }

    /** The value of one series in the Prometheus text exposition. */
    private double scraped(String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(meters.scrape());
        assertThat(matcher.find()).as("series %s in%n%s", series, meters.scrape()).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static double epochSeconds(X509Certificate certificate) {
        return certificate.getNotAfter().toInstant().getEpochSecond();
    }

    private static X509Certificate served(SslBundle bundle) throws Exception {
        KeyStore keyStore = bundle.getStores().getKeyStore();
        String alias = Collections.list(keyStore.aliases()).get(0);
        return (X509Certificate) keyStore.getCertificate(alias);
    }

    private static List<X509Certificate> trusted(SslBundle bundle) throws Exception {
        KeyStore trustStore = bundle.getStores().getTrustStore();
        assertThat(trustStore).isNotNull();
        List<X509Certificate> certificates = new ArrayList<>();
        for (String alias : Collections.list(trustStore.aliases())) {
            assertThat(trustStore.isCertificateEntry(alias)).isTrue();
            certificates.add((X509Certificate) trustStore.getCertificate(alias));
        }
        return certificates;
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static void assertNoKeyMaterial(CapturedOutput output, CertificateAndKey... pairs) {
        assertThat(output).doesNotContain("PRIVATE KEY");
        for (CertificateAndKey pair : pairs) {
            String pemBody = new String(pem(pair.privateKey()), StandardCharsets.US_ASCII).split("\n")[1];
            assertThat(output).doesNotContain(pemBody);
        }
    }
}

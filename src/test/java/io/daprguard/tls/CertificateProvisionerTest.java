package io.daprguard.tls;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import io.daprguard.tls.CertificateProvisioner.Outcome;
import io.daprguard.tls.CertificateProvisioner.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.daprguard.tls.TlsTestSupport.CLUSTER_DNS_NAMES;
import static io.daprguard.tls.TlsTestSupport.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

@ExtendWith(OutputCaptureExtension.class)
class CertificateProvisionerTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path tempDir;

    private CertificateFiles files() {
        return new CertificateFiles(tempDir.resolve("certs"));
    }

    private static CertificateProvisioner provisioner(TlsProperties properties, Instant now) {
        return new CertificateProvisioner(properties, Clock.fixed(now, ZoneOffset.UTC));
    }

    private Result provision(boolean generate, List<String> dnsNames, Instant now) {
        return provisioner(properties(tempDir.resolve("certs"), generate, dnsNames), now).ensureCertificates();
    }

    @Test
    void generatesCaAndServingCertificateIntoAMissingDirectory() throws Exception {
        Result result = provision(true, CLUSTER_DNS_NAMES, NOW);

        CertificateFiles files = files();
        assertThat(result.outcome()).isEqualTo(Outcome.GENERATED);
        assertThat(files.caCertificate()).isRegularFile();
        assertThat(files.caKey()).isRegularFile();
        assertThat(files.servingCertificate()).isRegularFile();
        assertThat(files.servingKey()).isRegularFile();
        X509Certificate ca = TlsTestSupport.certificate(files.caCertificate());
        X509Certificate serving = TlsTestSupport.certificate(files.servingCertificate());
        assertThat(result.caCertificate()).isEqualTo(ca);
        assertThat(result.servingCertificate()).isEqualTo(serving);
        serving.verify(ca.getPublicKey());
        assertThat(TlsTestSupport.keyPairMatches(TlsTestSupport.pkcs8PrivateKey(files.servingKey(), "EC"),
                serving.getPublicKey())).isTrue();
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.directory())))
                .isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.caKey())))
                .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.servingKey())))
                .isEqualTo("rw-------");
        }
    }

    @Test
    void runningAgainWithValidFilesChangesNothing() throws Exception {
        provision(true, CLUSTER_DNS_NAMES, NOW);
        Snapshot before = Snapshot.of(files());

        Result result = provision(true, CLUSTER_DNS_NAMES, NOW.plus(Duration.ofDays(100)));

        assertThat(result.outcome()).isEqualTo(Outcome.USED_EXISTING);
        assertThat(Snapshot.of(files())).isEqualTo(before);
    }

    @Test
    void deletedServingPairIsReissuedFromTheSameCa() throws Exception {
        provision(true, CLUSTER_DNS_NAMES, NOW);
        Snapshot before = Snapshot.of(files());
        Files.delete(files().servingCertificate());
        Files.delete(files().servingKey());

        Result result = provision(true, CLUSTER_DNS_NAMES, NOW);

        Snapshot after = Snapshot.of(files());
        assertThat(result.outcome()).isEqualTo(Outcome.REISSUED_SERVING_CERTIFICATE);
        assertThat(after.caCertificate()).isEqualTo(before.caCertificate());
        assertThat(after.caKey()).isEqualTo(before.caKey());
        X509Certificate serving = TlsTestSupport.certificate(files().servingCertificate());
        serving.verify(TlsTestSupport.certificate(files().caCertificate()).getPublicKey());
        assertThat(TlsTestSupport.keyPairMatches(TlsTestSupport.pkcs8PrivateKey(files().servingKey(), "EC"),
                serving.getPublicKey())).isTrue();
    }

    @Test
    void deletingOnlyTheServingKeyAlsoReissuesThePair() throws Exception {
        provision(true, List.of(), NOW);
        Snapshot before = Snapshot.of(files());
        Files.delete(files().servingKey());

        Result result = provision(true, List.of(), NOW);

        assertThat(result.outcome()).isEqualTo(Outcome.REISSUED_SERVING_CERTIFICATE);
        assertThat(Snapshot.of(files()).caCertificate()).isEqualTo(before.caCertificate());
        assertThat(Snapshot.of(files()).servingCertificate()).isNotEqualTo(before.servingCertificate());
    }

    @Test
    void servingCertificateCloseToExpiryIsReissuedFromTheSameCa() throws Exception {
        provision(true, List.of(), NOW);
        Snapshot before = Snapshot.of(files());
        Instant almostExpired = NOW.plus(TlsTestSupport.SERVING_VALIDITY).minus(Duration.ofHours(23));

        Result result = provision(true, List.of(), almostExpired);

        assertThat(result.outcome()).isEqualTo(Outcome.REISSUED_SERVING_CERTIFICATE);
        assertThat(Snapshot.of(files()).caCertificate()).isEqualTo(before.caCertificate());
        assertThat(result.servingCertificate().getNotAfter().toInstant())
            .isEqualTo(almostExpired.plus(TlsTestSupport.SERVING_VALIDITY));
    }

    @Test
    void changedDnsNamesReissueTheServingCertificate() throws Exception {
        provision(true, List.of(), NOW);
        Snapshot before = Snapshot.of(files());

        Result result = provision(true, CLUSTER_DNS_NAMES, NOW);

        assertThat(result.outcome()).isEqualTo(Outcome.REISSUED_SERVING_CERTIFICATE);
        assertThat(Snapshot.of(files()).caCertificate()).isEqualTo(before.caCertificate());
        assertThat(CertificateProvisioner.alternativeNames(result.servingCertificate()))
            .contains("DNS:dapr-guard.dapr-guard.svc", "DNS:dapr-guard.dapr-guard.svc.cluster.local");
    }

    @Test
    void servingKeyThatDoesNotMatchIsReplaced(CapturedOutput output) throws Exception {
        provision(true, List.of(), NOW);
        Files.copy(files().caKey(), files().servingKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Result result = provision(true, List.of(), NOW);

        assertThat(result.outcome()).isEqualTo(Outcome.REISSUED_SERVING_CERTIFICATE);
        assertThat(output).contains("tls.key does not belong to tls.crt");
        assertThat(TlsTestSupport.keyPairMatches(TlsTestSupport.pkcs8PrivateKey(files().servingKey(), "EC"),
                TlsTestSupport.certificate(files().servingCertificate()).getPublicKey())).isTrue();
    }

    @Test
    void expiredCaIsReplacedWithAWarningAboutTheCaBundle(CapturedOutput output) throws Exception {
        provision(true, List.of(), NOW);
        Snapshot before = Snapshot.of(files());

        Result result = provision(true, List.of(), NOW.plus(TlsTestSupport.CA_VALIDITY));

        assertThat(result.outcome()).isEqualTo(Outcome.GENERATED);
        assertThat(Snapshot.of(files()).caCertificate()).isNotEqualTo(before.caCertificate());
        assertThat(output).contains("expired at").contains("The caBundle changes");
    }

    @Test
    void unreadableCaKeyFailsInsteadOfReplacingTheCa() throws Exception {
        provision(true, List.of(), NOW);
        Files.writeString(files().caKey(), "not a key");
        Snapshot before = Snapshot.of(files());

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(() -> provision(true, List.of(), NOW))
            .withMessageContaining(files().caKey().toString())
            .withMessageContaining("delete both to generate a new CA");
        assertThat(Snapshot.of(files())).isEqualTo(before);
    }

    @Test
    void incompleteFilesWithoutACaKeyAreReplaced(CapturedOutput output) throws Exception {
        provision(true, List.of(), NOW);
        Files.delete(files().caKey());
        Files.delete(files().servingKey());
        byte[] oldCa = Files.readAllBytes(files().caCertificate());

        Result result = provision(true, List.of(), NOW);

        assertThat(result.outcome()).isEqualTo(Outcome.GENERATED);
        assertThat(Files.readAllBytes(files().caCertificate())).isNotEqualTo(oldCa);
        assertThat(output).contains("Incomplete TLS files").contains("the caBundle changes");
    }

    @Test
    void providedFilesWithoutCaKeyAreUsedAsTheyAreEvenWhenExpiring(CapturedOutput output) throws Exception {
        provision(true, List.of(), NOW);
        Files.delete(files().caKey());
        Snapshot before = Snapshot.of(files());

        Result result = provision(true, List.of(), NOW.plus(TlsTestSupport.SERVING_VALIDITY));

        assertThat(result.outcome()).isEqualTo(Outcome.USED_EXISTING);
        assertThat(Snapshot.of(files())).isEqualTo(before);
        assertThat(output).contains("expired at").contains("not renewed at start-up because ca.key is absent");
    }

    @Test
    void generationDisabledAndFilesMissingFailsWithAClearMessage() {
        Path dir = tempDir.resolve("certs");

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(() -> provision(false, List.of(), NOW))
            .withMessage("TLS files missing in " + dir.toAbsolutePath().normalize() + ": ca.crt, tls.crt, tls.key."
                    + " Provide ca.crt, tls.crt and tls.key there (for example by mounting the webhook's TLS Secret),"
                    + " or set dapr-guard.tls.generate=true to generate them at start-up.");
        assertThat(dir).doesNotExist();
    }

    @Test
    void generationDisabledNamesOnlyTheMissingFiles() throws Exception {
        provision(true, List.of(), NOW);
        Files.delete(files().servingKey());

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(() -> provision(false, List.of(), NOW))
            .withMessageContaining(": tls.key.")
            .withMessageContaining("dapr-guard.tls.generate=true");
    }

    @Test
    void generationDisabledOnlyWarnsAboutAnExpiringCertificate(CapturedOutput output) throws Exception {
        provision(true, List.of(), NOW);
        Snapshot before = Snapshot.of(files());

        Result result = provision(false, List.of(), NOW.plus(TlsTestSupport.SERVING_VALIDITY).minus(Duration.ofHours(1)));

        assertThat(result.outcome()).isEqualTo(Outcome.USED_EXISTING);
        assertThat(Snapshot.of(files())).isEqualTo(before);
        assertThat(output).contains("expires at")
            .contains("not renewed at start-up because dapr-guard.tls.generate is false");
    }

    @Test
    void generationDisabledWarnsAboutConfiguredNamesTheCertificateLacks(CapturedOutput output) {
        provision(true, List.of(), NOW);

        provision(false, CLUSTER_DNS_NAMES, NOW);

        assertThat(output).contains("does not cover the configured names [dapr-guard.dapr-guard.svc,"
                + " dapr-guard.dapr-guard.svc.cluster.local]");
    }

    @Test
    void generationDisabledFailsWhenTheKeyDoesNotMatchTheCertificate() throws Exception {
        provision(true, List.of(), NOW);
        Files.copy(files().caKey(), files().servingKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(() -> provision(false, List.of(), NOW))
            .withMessageContaining("tls.key does not belong to")
            .withMessageContaining("tls.crt");
    }

    @Test
    void directoryPathThatIsAFileFailsClearly() throws Exception {
        Files.writeString(tempDir.resolve("certs"), "not a directory");

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(() -> provision(true, List.of(), NOW))
            .withMessage("Cannot prepare the TLS files in " + files().directory() + ": " + files().directory()
                    + " exists but is not a directory");
    }

    @Test
    void neverLogsKeyMaterial(CapturedOutput output) throws Exception {
        provision(true, CLUSTER_DNS_NAMES, NOW);
        Files.delete(files().servingKey());
        provision(true, CLUSTER_DNS_NAMES, NOW);

        String caKeyBody = Files.readString(files().caKey()).lines().skip(1).findFirst().orElseThrow();
        String servingKeyBody = Files.readString(files().servingKey()).lines().skip(1).findFirst().orElseThrow();
        assertThat(output).doesNotContain("PRIVATE KEY").doesNotContain(caKeyBody).doesNotContain(servingKeyBody);
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws Exception {
        provision(true, CLUSTER_DNS_NAMES, NOW);
        Files.delete(files().servingCertificate());
        provision(true, CLUSTER_DNS_NAMES, NOW);

        try (Stream<Path> entries = Files.list(files().directory())) {
            assertThat(entries.map((path) -> path.getFileName().toString())).containsExactlyInAnyOrder("ca.crt",
                    "ca.key", "tls.crt", "tls.key");
        }
    }

    @Test
    void posixPermissionsSurviveAReissue() throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        provision(true, List.of(), NOW);
        Files.delete(files().servingCertificate());

        provision(true, List.of(), NOW);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files().servingKey())))
            .isEqualTo("rw-------");
    }

    /** File contents, compared by value. */
    private record Snapshot(String caCertificate, String caKey, String servingCertificate, String servingKey) {

        static Snapshot of(CertificateFiles files) throws Exception {
            return new Snapshot(read(files.caCertificate()), read(files.caKey()), read(files.servingCertificate()),
                    read(files.servingKey()));
        }

        private static String read(Path path) throws Exception {
            return Files.exists(path) ? Files.readString(path) : null;
        }
    }
}

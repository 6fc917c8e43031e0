package io.daprguard.tls;

import java.nio.file.Files;
import java.nio.file.Path;

import io.daprguard.DaprGuardApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** Starts and restarts the whole application against one certificate directory. */
class TlsStartupTest {

    @TempDir
    Path dir;

    @Test
    void failsToStartWithAClearMessageWhenGenerationIsOffAndFilesAreMissing() {
        assertThatException().isThrownBy(() -> start("--dapr-guard.tls.generate=false").close())
            .havingRootCause()
            .isInstanceOf(TlsCertificateException.class)
            .withMessage("TLS files missing in " + dir + ": ca.crt, tls.crt, tls.key. Provide ca.crt, tls.crt and"
                    + " tls.key there (for example by mounting the webhook's TLS Secret), or set"
                    + " dapr-guard.tls.generate=true to generate them at start-up.");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void restartKeepsTheGeneratedCaAndServingCertificate() throws Exception {
        CertificateFiles files = new CertificateFiles(dir);
        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.isRunning()).isTrue();
        }
        byte[] ca = Files.readAllBytes(files.caCertificate());
        byte[] serving = Files.readAllBytes(files.servingCertificate());

        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.isRunning()).isTrue();
        }

        assertThat(Files.readAllBytes(files.caCertificate())).isEqualTo(ca);
        assertThat(Files.readAllBytes(files.servingCertificate())).isEqualTo(serving);
    }

    @Test
    void restartAfterDeletingTheServingPairReissuesItFromTheSameCa() throws Exception {
        CertificateFiles files = new CertificateFiles(dir);
        start().close();
        byte[] ca = Files.readAllBytes(files.caCertificate());
        Files.delete(files.servingCertificate());
        Files.delete(files.servingKey());

        start().close();

        assertThat(Files.readAllBytes(files.caCertificate())).isEqualTo(ca);
        TlsTestSupport.certificate(files.servingCertificate())
            .verify(TlsTestSupport.certificate(files.caCertificate()).getPublicKey());
    }

    @Test
    void generationOffStartsFromProvidedFiles() throws Exception {
        start().close();
        Files.delete(new CertificateFiles(dir).caKey());

        try (ConfigurableApplicationContext context = start("--dapr-guard.tls.generate=false")) {
            assertThat(context.isRunning()).isTrue();
        }
        assertThat(new CertificateFiles(dir).caKey()).doesNotExist();
    }

    @Test
    void certificateReloadingRunsWithTheApplicationAndStopsWithIt() throws Exception {
        CertificateReloadPoller poller;
        try (ConfigurableApplicationContext context = start()) {
            poller = context.getBean(CertificateReloadPoller.class);
            assertThat(poller.isRunning()).isTrue();
            ServingCertificate servingCertificate = context.getBean(ServingCertificate.class);
            assertThat(servingCertificate.loaded()).isTrue();
            assertThat(servingCertificate.current())
                .contains(TlsTestSupport.certificate(new CertificateFiles(dir).servingCertificate()));
        }
        assertThat(poller.isRunning()).isFalse();
    }

    @Test
    void failsToStartWhenTheClientCaFileIsMissing() {
        Path clientCaFile = dir.resolve("no-such-client-ca.crt");

        assertThatException().isThrownBy(() -> start("--dapr-guard.tls.client-ca-file=" + clientCaFile).close())
            .satisfies((failure) -> assertThat(tlsCertificateException(failure))
                .hasMessage("Cannot read certificates from " + clientCaFile + ": no such file. dapr-guard.tls"
                        + ".client-ca-file must name a PEM file with the CA certificate(s) that issue the clients'"
                        + " certificates"));
        assertThat(new CertificateFiles(dir).servingCertificate()).as("the serving pair is provisioned before the client CA file is read").exists();
    }

    private static TlsCertificateException tlsCertificateException(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TlsCertificateException tls) {
                return tls;
            }
        }
        throw new AssertionError("No TlsCertificateException in the causes of " + failure, failure);
    }

    /** Command-line arguments, so they win over application.yaml (unlike default properties). */
    private ConfigurableApplicationContext start(String... extraArguments) {
        String[] arguments = new String[extraArguments.length + 2];
        arguments[0] = "--server.port=0";
        arguments[1] = "--dapr-guard.tls.dir=" + dir;
        System.arraycopy(extraArguments, 0, arguments, 2, extraArguments.length);
        return new SpringApplicationBuilder(DaprGuardApplication.class).run(arguments);
    }
}

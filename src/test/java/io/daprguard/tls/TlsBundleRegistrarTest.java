package io.daprguard.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(OutputCaptureExtension.class)
class TlsBundleRegistrarTest {

    @TempDir
    Path dir;

    @Test
    void generatesTheFilesRegistersTheBundleAndLogsTheCaBundle(CapturedOutput output) throws Exception {
        DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
        TlsBundleRegistrar registrar = new TlsBundleRegistrar(
                new CertificateProvisioner(TlsTestSupport.properties(dir, true, TlsTestSupport.CLUSTER_DNS_NAMES)),
                TlsTestSupport.reloader(dir));

        registrar.registerBundles(registry);

        SslBundle bundle = registry.getBundle(TlsBundleRegistrar.BUNDLE_NAME);
        assertThat(bundle.getOptions().getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        CertificateFiles files = new CertificateFiles(dir);
        String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(files.caCertificate()));
        assertThat(output).contains("TLS CA certificate: " + files.caCertificate());
        assertThat(output).contains("TLS caBundle (base64 of ca.crt, for the webhook configuration's caBundle): "
                + caBundle + System.lineSeparator());
        assertThat(new String(Base64.getDecoder().decode(caBundle))).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(output).doesNotContain("PRIVATE KEY");
    }

    @Test
    void failsBeforeRegisteringWhenFilesAreMissingAndGenerationIsOff() {
        DefaultSslBundleRegistry registry = new DefaultSslBundleRegistry();
        TlsBundleRegistrar registrar = new TlsBundleRegistrar(
                new CertificateProvisioner(TlsTestSupport.properties(dir, false, List.of())), TlsTestSupport.reloader(dir));

        assertThatExceptionOfType(TlsCertificateException.class).isThrownBy(() -> registrar.registerBundles(registry))
            .withMessageContaining("dapr-guard.tls.generate=true");
        assertThat(registry.getBundleNames()).isEmpty();
    }

    @Test
    void refusesAReloaderForAnotherDirectory() {
        CertificateProvisioner provisioner = new CertificateProvisioner(TlsTestSupport.properties(dir, true, List.of()));
        CertificateReloader reloader = TlsTestSupport.reloader(dir.resolve("elsewhere"));

        assertThatExceptionOfType(IllegalArgumentException.class)
            .isThrownBy(() -> new TlsBundleRegistrar(provisioner, reloader))
            .withMessageContaining(dir.resolve("elsewhere").toString());
    }
}

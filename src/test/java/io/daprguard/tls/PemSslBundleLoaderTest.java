package io.daprguard.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.SslBundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PemSslBundleLoaderTest {

    @TempDir
    Path dir;

    private CertificateFiles files;

    @BeforeEach
    void generateFiles() {
        files = new CertificateFiles(dir);
        new CertificateProvisioner(TlsTestSupport.properties(dir, true, List.of())).ensureCertificates();
    }

    @Test
    void bundleHoldsTheServingKeyAndChainAndOnlyModernProtocols() throws Exception {
        SslBundle bundle = new PemSslBundleLoader().load(files);

        assertThat(bundle.getOptions().getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(bundle.getOptions().getCiphers()).as("JDK defaults").isNull();
        assertThat(bundle.getStores().getTrustStore()).as("no client authentication").isNull();
        KeyStore keyStore = bundle.getStores().getKeyStore();
        List<String> aliases = Collections.list(keyStore.aliases());
        assertThat(aliases).hasSize(1);
        assertThat(keyStore.isKeyEntry(aliases.get(0))).isTrue();
        Certificate[] chain = keyStore.getCertificateChain(aliases.get(0));
        assertThat(chain).containsExactly(TlsTestSupport.certificate(files.servingCertificate()));
        SSLContext context = bundle.createSslContext();
        assertThat(context.getProtocol()).isEqualTo("TLS");
    }

    @Test
    void loadingTwiceGivesIndependentBundles() {
        PemSslBundleLoader loader = new PemSslBundleLoader();

        assertThat(loader.load(files)).isNotSameAs(loader.load(files));
    }

    @Test
    void mismatchedKeyIsRejectedWithTheFileNames() throws Exception {
        Files.copy(files.caKey(), files.servingKey(), StandardCopyOption.REPLACE_EXISTING);

        assertThatExceptionOfType(TlsCertificateException.class)
            .isThrownBy(() -> new PemSslBundleLoader().load(files))
            .withMessage(files.servingKey() + " does not belong to " + files.servingCertificate()
                    + " (the first certificate in it)");
    }

    @Test
    void missingFileIsReportedByPath() throws Exception {
        Files.delete(files.servingCertificate());

        assertThatExceptionOfType(TlsCertificateException.class)
            .isThrownBy(() -> new PemSslBundleLoader().load(files))
            .withMessage("Cannot read certificates from " + files.servingCertificate() + ": no such file");
    }
}

package io.daprguard.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
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
        assertThat(keyStore.getType()).as("in memory, without PKCS12's key derivation").isEqualTo("JKS");
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

    @Test
    void aClientCaFileBecomesTheTrustStore() throws Exception {
        CertificateAndKey clientCa = new CertificateGenerator().generateCertificateAuthority(Duration.ofDays(10));
        Path clientCaFile = dir.resolve("client-ca.crt");
        PemFiles.writeCertificates(clientCaFile, List.of(clientCa.certificate()));

        ServingBundle bundle = new PemSslBundleLoader().load(BundleContents.read(files, clientCaFile));

        KeyStore trustStore = bundle.sslBundle().getStores().getTrustStore();
        List<String> aliases = Collections.list(trustStore.aliases());
        assertThat(aliases).hasSize(1);
        assertThat(trustStore.isCertificateEntry(aliases.get(0))).isTrue();
        assertThat(trustStore.getCertificate(aliases.get(0))).isEqualTo(clientCa.certificate());
        assertThat(bundle.clientCas()).containsExactly(clientCa.certificate());
        assertThat(bundle.certificate()).isEqualTo(TlsTestSupport.certificate(files.servingCertificate()));
        assertThat(bundle.digest()).isEqualTo(BundleContents.read(files, clientCaFile).digest())
            .isNotEqualTo(BundleContents.read(files, null).digest());
    }

    @Test
    void aClientCaFileWithoutCertificatesIsRejectedWithItsName() throws Exception {
        Path clientCaFile = dir.resolve("client-ca.crt");
        Files.writeString(clientCaFile, "nothing here\n");
        BundleContents contents = BundleContents.read(files, clientCaFile);

        assertThatExceptionOfType(TlsCertificateException.class)
            .isThrownBy(() -> new PemSslBundleLoader().load(contents))
            .withMessage(clientCaFile + " contains no PEM CERTIFICATE block");
    }
}

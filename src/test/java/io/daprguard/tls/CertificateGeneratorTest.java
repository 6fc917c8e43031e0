package io.daprguard.tls;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;

class CertificateGeneratorTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final CertificateGenerator generator = new CertificateGenerator(Clock.fixed(NOW, ZoneOffset.UTC),
            new SecureRandom());

    @TempDir
    Path dir;

    @Test
    void caIsASelfSignedCaWithCriticalConstraintsAndKeyUsage() throws Exception {
        X509Certificate ca = generator.generateCertificateAuthority(Duration.ofDays(3650)).certificate();

        assertThat(ca.getBasicConstraints()).as("CA:true, pathlen 0").isZero();
        assertThat(ca.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(),
                Extension.keyUsage.getId());
        boolean[] keyUsage = ca.getKeyUsage();
        assertThat(keyUsage[5]).as("keyCertSign").isTrue();
        assertThat(keyUsage[6]).as("cRLSign").isTrue();
        assertThat(keyUsage[0]).as("digitalSignature").isFalse();
        assertThat(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId())).isNotNull();
        assertThat(ca.getSubjectX500Principal()).isEqualTo(ca.getIssuerX500Principal());
        ca.verify(ca.getPublicKey());
        assertThat(ca.getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(ca.getNotBefore().toInstant()).isEqualTo(NOW.minus(CertificateGenerator.CLOCK_SKEW_ALLOWANCE));
        assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
        assertThat(ca.getSerialNumber().signum()).isPositive();
        assertThat(ca.getSerialNumber().bitLength()).isLessThanOrEqualTo(159);
    }

    @Test
    void servingCertificateChainsToTheCaAndHasExactlyTheConfiguredNames() throws Exception {
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(3650));
        X509Certificate serving = generator
            .issueServingCertificate(ca, TlsTestSupport.CLUSTER_DNS_NAMES, Duration.ofDays(365))
            .certificate();

        serving.verify(ca.certificate().getPublicKey());
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(java.util.Date.from(NOW));
        validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(serving)), parameters);

        List<String> names = new ArrayList<>();
        for (List<?> entry : serving.getSubjectAlternativeNames()) {
            names.add(entry.get(0) + ":" + entry.get(1));
        }
        assertThat(names).containsExactly("2:localhost", "2:dapr-guard.dapr-guard.svc",
                "2:dapr-guard.dapr-guard.svc.cluster.local", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1");
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        boolean[] keyUsage = serving.getKeyUsage();
        assertThat(keyUsage[0]).as("digitalSignature").isTrue();
        assertThat(keyUsage[2]).as("keyEncipherment (RSA only)").isFalse();
        assertThat(keyUsage[5]).as("keyCertSign").isFalse();
        assertThat(serving.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(serving.getIssuerX500Principal()).isEqualTo(ca.certificate().getSubjectX500Principal());
        assertThat(authorityKeyId(serving)).isEqualTo(subjectKeyId(ca.certificate()));
        assertThat(serving.getNotBefore().toInstant()).isEqualTo(NOW.minus(CertificateGenerator.CLOCK_SKEW_ALLOWANCE));
        assertThat(serving.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
        assertThat(serving.getSerialNumber().signum()).isPositive();
        assertThat(serving.getSerialNumber()).isNotEqualTo(ca.certificate().getSerialNumber());
        assertThat(serving.getSubjectX500Principal().getName()).isEqualTo("CN=dapr-guard.dapr-guard.svc,O=dapr-guard");
    }

    @Test
    void servingCertificateWithoutExtraNamesCoversOnlyLoopback() throws Exception {
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(3650));
        X509Certificate serving = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(365)).certificate();

        assertThat(serving.getSubjectAlternativeNames()).containsExactly(List.of(2, "localhost"),
                List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(serving.getSubjectX500Principal().getName()).isEqualTo("CN=localhost,O=dapr-guard");
    }

    @Test
    void servingCertificateNeverOutlivesItsCa() {
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(30));
        X509Certificate serving = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(365)).certificate();

        assertThat(serving.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    }

    @Test
    void rejectsNamesThatAreNotDnsNames() {
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(30));

        assertThatIllegalArgumentException()
            .isThrownBy(() -> generator.issueServingCertificate(ca, List.of("bad name"), Duration.ofDays(1)))
            .withMessageContaining("'bad name'");
    }

    @Test
    void writtenFilesParseKeysArePkcs8AndMatchTheirCertificates() throws Exception {
        CertificateFiles files = new CertificateFiles(dir);
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(3650));
        CertificateAndKey serving = generator.issueServingCertificate(ca, TlsTestSupport.CLUSTER_DNS_NAMES,
                Duration.ofDays(365));

        generator.writeCertificateAuthority(ca, files);
        generator.writeServingCertificate(serving, files);

        X509Certificate caFromFile = TlsTestSupport.certificate(files.caCertificate());
        X509Certificate servingFromFile = TlsTestSupport.certificate(files.servingCertificate());
        assertThat(caFromFile).isEqualTo(ca.certificate());
        assertThat(servingFromFile).isEqualTo(serving.certificate());
        assertThat(Files.readString(files.servingCertificate())).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(TlsTestSupport.keyPairMatches(TlsTestSupport.pkcs8PrivateKey(files.servingKey(), "EC"),
                servingFromFile.getPublicKey())).as("tls.key belongs to tls.crt").isTrue();
        assertThat(TlsTestSupport.keyPairMatches(TlsTestSupport.pkcs8PrivateKey(files.caKey(), "EC"),
                caFromFile.getPublicKey())).as("ca.key belongs to ca.crt").isTrue();
        assertThat(TlsTestSupport.keyPairMatches(TlsTestSupport.pkcs8PrivateKey(files.servingKey(), "EC"),
                caFromFile.getPublicKey())).as("tls.key does not belong to ca.crt").isFalse();
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.map((path) -> path.getFileName().toString()))
                .as("no temporary files left behind")
                .containsExactlyInAnyOrder("ca.crt", "ca.key", "tls.crt", "tls.key");
        }
    }

    @Test
    void privateKeysAreOwnerOnlyAndCertificatesWorldReadable() throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        CertificateFiles files = new CertificateFiles(dir.resolve("nested/certs"));
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(3650));

        generator.writeCertificateAuthority(ca, files);
        generator.writeServingCertificate(generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1)), files);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.caKey()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.servingKey())))
            .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.directory())))
            .isEqualTo("rwx------");
        assertThat(Files.getPosixFilePermissions(files.caCertificate())).doesNotContain(
                java.nio.file.attribute.PosixFilePermission.GROUP_WRITE,
                java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }

    @Test
    void rewritingReplacesTheFileAtomicallyAndKeepsOwnerOnlyPermissions() throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        CertificateFiles files = new CertificateFiles(dir);
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(3650));
        generator.writeServingCertificate(generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1)), files);
        byte[] first = Files.readAllBytes(files.servingKey());

        generator.writeServingCertificate(generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1)), files);

        assertThat(Files.readAllBytes(files.servingKey())).isNotEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.servingKey())))
            .isEqualTo("rw-------");
    }

    private static byte[] subjectKeyId(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        return ASN1OctetString.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getOctets();
    }

    private static byte[] authorityKeyId(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
        AuthorityKeyIdentifier identifier = AuthorityKeyIdentifier
            .getInstance(ASN1OctetString.getInstance(extension).getOctets());
        assertThat(identifier.getAuthorityCertIssuer()).as("key id only").isNull();
        return identifier.getKeyIdentifier();
    }
}

package io.daprguard.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM reading without Bouncy Castle: every form the server accepted when Bouncy Castle parsed it, written here by
 * Bouncy Castle (and OpenSSL's traditional forms), read back by the JDK-only reader.
 */
class PemFilesTest {

    private static final Path ORIGIN = Path.of("/etc/dapr-guard/tls/tls.key");

    @TempDir
    Path dir;

    @Test
    void keysWrittenAndReadBackAreTheSameKey() throws Exception {
        for (KeyPair pair : List.of(ec(), rsa())) {
            Path file = dir.resolve("key-" + pair.getPrivate().getAlgorithm() + ".pem");
            PemFiles.writePrivateKey(file, pair.getPrivate());
            String text = Files.readString(file);
            assertThat(text).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
            assertThat(text.lines().filter(line -> !line.startsWith("-----")))
                    .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(64));
            assertThat(PemFiles.readPrivateKey(file)).isEqualTo(pair.getPrivate());
            assertThat(Keys.matches(PemFiles.readPrivateKey(file), pair.getPublic())).isTrue();
        }
    }

    @Test
    void traditionalOpenSslKeysAreRead() throws Exception {
        KeyPair rsa = rsa();
        String pkcs1 = bouncyCastlePem(rsa.getPrivate());
        assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Keys.matches(PemFiles.parsePrivateKey(pkcs1.getBytes(StandardCharsets.US_ASCII), ORIGIN),
                rsa.getPublic())).isTrue();
        // SEC 1 as `openssl ecparam -genkey` writes it: the curve named in the [0] parameters
        for (int size : new int[] {256, 384}) {
            KeyPair ec = ec(size);
            ECPrivateKey key = (ECPrivateKey) ec.getPrivate();
            org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(size, key.getS(),
                    new X962Parameters(size == 256 ? SECObjectIdentifiers.secp256r1 : SECObjectIdentifiers.secp384r1));
            String pem = PemFiles.encode("EC PRIVATE KEY", sec1.getEncoded());
            assertThat(Keys.matches(PemFiles.parsePrivateKey(pem.getBytes(StandardCharsets.US_ASCII), ORIGIN),
                    ec.getPublic())).as("P-" + size).isTrue();
        }
    }

    @Test
    void pkcs8WrittenByBouncyCastleWithCrLfIsRead() throws Exception {
        KeyPair pair = ec();
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
        }
        byte[] crlf = out.toString().replace("\n", "\r\n").replace("\r\r\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(PemFiles.parsePrivateKey(crlf, ORIGIN)).isEqualTo(pair.getPrivate());
    }

    @Test
    void theFirstKeyIsTakenAfterOtherBlocks() throws Exception {
        KeyPair first = ec();
        String pem = PemFiles.encode("CERTIFICATE", new byte[] {1, 2, 3}) + "comment\n"
                + PemFiles.encode("PRIVATE KEY", first.getPrivate().getEncoded())
                + PemFiles.encode("PRIVATE KEY", ec().getPrivate().getEncoded());
        assertThat(PemFiles.parsePrivateKey(pem.getBytes(StandardCharsets.US_ASCII), ORIGIN))
                .isEqualTo(first.getPrivate());
    }

    @Test
    void encryptedKeysAreRefusedWithTheWayOut() throws Exception {
        KeyPair pair = ec();
        StringWriter pkcs8 = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(pkcs8)) {
            writer.writeObject(new JcaPKCS8Generator(pair.getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                            .setProvider(new BouncyCastleProvider()).setPassword("secret".toCharArray()).build()));
        }
        StringWriter traditional = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(traditional)) {
            writer.writeObject(pair.getPrivate(),
                    new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider()).build("secret".toCharArray()));
        }
        assertThat(pkcs8.toString()).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(traditional.toString()).contains("Proc-Type: 4,ENCRYPTED");
        for (String pem : List.of(pkcs8.toString(), traditional.toString())) {
            assertThatExceptionOfType(TlsCertificateException.class)
                    .isThrownBy(() -> PemFiles.parsePrivateKey(pem.getBytes(StandardCharsets.US_ASCII), ORIGIN))
                    .withMessage("Cannot read a private key from " + ORIGIN
                            + ": the key is encrypted; provide it unencrypted (PKCS#8 PEM)");
        }
    }

    @Test
    void contentWithoutAKeyOrWithABrokenOneIsNamed() {
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.parsePrivateKey(
                        PemFiles.encode("CERTIFICATE", new byte[] {1}).getBytes(StandardCharsets.US_ASCII), ORIGIN))
                .withMessage(ORIGIN + " contains no PEM private key");
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.parsePrivateKey(
                        "-----BEGIN PRIVATE KEY-----\n#not base64#\n-----END PRIVATE KEY-----\n"
                                .getBytes(StandardCharsets.US_ASCII), ORIGIN))
                .withMessage("Cannot read a private key from " + ORIGIN
                        + ": the PRIVATE KEY block is not valid base64");
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.parsePrivateKey(
                        PemFiles.encode("PRIVATE KEY", new byte[] {48, 3, 2, 1, 0}).getBytes(StandardCharsets.US_ASCII),
                        ORIGIN))
                .withMessageStartingWith("Cannot read a private key from " + ORIGIN + ": ");
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.parsePrivateKey("-----BEGIN PRIVATE KEY-----\n\u00e9\n"
                        .getBytes(StandardCharsets.UTF_8), ORIGIN))
                .withMessageStartingWith("Cannot read a private key from " + ORIGIN + ": ");
    }

    @Test
    void certificatesAreReadInFileOrderAndOtherBlocksAreSkipped() throws Exception {
        CertificateGenerator generator = new CertificateGenerator();
        CertificateAndKey ca = generator.generateCertificateAuthority(Duration.ofDays(1));
        CertificateAndKey serving = generator.issueServingCertificate(ca, List.of(), Duration.ofDays(1));
        Path file = dir.resolve("chain.crt");
        PemFiles.writeCertificates(file, List.of(serving.certificate(), ca.certificate()));
        Files.writeString(file, "subject=CN=localhost\n" + PemFiles.encode("PRIVATE KEY", new byte[] {1})
                + Files.readString(file));
        List<X509Certificate> read = PemFiles.readCertificates(file);
        assertThat(read).containsExactly(serving.certificate(), ca.certificate());
    }

    @Test
    void aFileWithoutCertificatesOrWithABrokenOneIsNamed() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.crt"), "nothing here\n");
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.readCertificates(empty))
                .withMessage(empty + " contains no PEM CERTIFICATE block");
        Path broken = Files.writeString(dir.resolve("broken.crt"), PemFiles.encode("CERTIFICATE", new byte[] {1, 2}));
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.readCertificates(broken))
                .withMessageStartingWith("Cannot read certificates from " + broken + ": ");
        String whole = PemFiles.encode("CERTIFICATE", new byte[] {1, 2, 3});
        Path truncated = Files.writeString(dir.resolve("truncated.crt"), whole.substring(0, whole.length() / 2));
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.readCertificates(truncated))
                .withMessage("Cannot read certificates from " + truncated
                        + ": a CERTIFICATE block has no END line (is the file incomplete?)");
        assertThatExceptionOfType(TlsCertificateException.class)
                .isThrownBy(() -> PemFiles.readCertificates(dir.resolve("absent.crt")))
                .withMessage("Cannot read certificates from " + dir.resolve("absent.crt") + ": no such file");
    }

    private static String bouncyCastlePem(java.security.PrivateKey key) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        }
        return out.toString();
    }

    private static KeyPair ec() throws Exception {
        return ec(256);
    }

    private static KeyPair ec(int size) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(size);
        return generator.generateKeyPair();
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }
}

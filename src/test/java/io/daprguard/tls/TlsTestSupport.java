package io.daprguard.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Helpers shared by the TLS tests; they use only the JDK so they check the production code independently. */
final class TlsTestSupport {

    static final Duration CA_VALIDITY = Duration.ofDays(3650);

    static final Duration SERVING_VALIDITY = Duration.ofDays(365);

    static final List<String> CLUSTER_DNS_NAMES = List.of("dapr-guard.dapr-guard.svc",
            "dapr-guard.dapr-guard.svc.cluster.local");

    private TlsTestSupport() {
    }

    static TlsProperties properties(Path dir, boolean generate, List<String> dnsNames) {
        return new TlsProperties(dir, generate, dnsNames, CA_VALIDITY, SERVING_VALIDITY);
    }

    /** Parses a PEM certificate file with the JDK's own X.509 parser. */
    static X509Certificate certificate(Path file) throws Exception {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Parses an unencrypted PKCS#8 {@code PRIVATE KEY} PEM file with the JDK only, failing for any other form. */
    static PrivateKey pkcs8PrivateKey(Path file, String algorithm) throws Exception {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (!pem.startsWith("-----BEGIN PRIVATE KEY-----\n") || !pem.strip().endsWith("-----END PRIVATE KEY-----")) {
            throw new AssertionError(file + " is not a PKCS#8 PRIVATE KEY PEM file");
        }
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** Whether the private key signs what the public key verifies. */
    static boolean keyPairMatches(PrivateKey privateKey, PublicKey publicKey) throws Exception {
        byte[] data = "dapr-guard".getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(privateKey);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(data);
        return verifier.verify(signature);
    }

    /** A client SSL context whose only trust anchor is the given CA certificate. */
    static SSLContext trustingOnly(X509Certificate ca) throws Exception {
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("dapr-guard-ca", ca);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers.getTrustManagers(), null);
        return context;
    }
}

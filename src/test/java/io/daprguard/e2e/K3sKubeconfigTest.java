package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The suite's client is built from the kubeconfig k3s writes: EC keys (an {@code EC PRIVATE KEY} client key), the
 * certificates inline as {@code *-data}. Here such a kubeconfig drives fabric8 against a stand-in apiserver that
 * requires that client certificate, so the suite cannot fail at its first request for want of key support.
 */
class K3sKubeconfigTest {

    @Test
    void k3sShapedKubeconfigAuthenticatesWithItsEcClientCertificate() throws Exception {
        KeyPair caKeys = ecKeys();
        X509Certificate ca = certificate("CN=k3s-server-ca", caKeys.getPublic(), "CN=k3s-server-ca", caKeys, true,
                null);
        KeyPair serverKeys = ecKeys();
        X509Certificate server = certificate("CN=k3s", serverKeys.getPublic(), "CN=k3s-server-ca", caKeys, false,
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        KeyPair clientKeys = ecKeys();
        X509Certificate client = certificate("O=system:masters,CN=system:admin", clientKeys.getPublic(),
                "CN=k3s-server-ca", caKeys, false, null);
        String clientKeyPem = sec1Pem(clientKeys);

        List<String> clients = new CopyOnWriteArrayList<>();
        HttpsServer apiserver = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        SSLContext tls = serverContext(serverKeys.getPrivate(), new Certificate[] {server, ca}, ca);
        apiserver.setHttpsConfigurator(new HttpsConfigurator(tls) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = tls.getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                parameters.setSSLParameters(ssl);
            }
        });
        apiserver.createContext("/api/v1/namespaces/default", exchange -> {
            SSLSession session = ((com.sun.net.httpserver.HttpsExchange) exchange).getSSLSession();
            clients.add(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName());
            byte[] body = """
                    {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"}}"""
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        apiserver.start();
        try {
            String url = "https://127.0.0.1:" + apiserver.getAddress().getPort();
            // As K3sContainer hands it over: k3s.yaml with the server URL replaced, current-context "default".
            String kubeconfig = """
                    apiVersion: v1
                    clusters:
                    - cluster:
                        certificate-authority-data: %s
                        server: %s
                      name: default
                    contexts:
                    - context:
                        cluster: default
                        user: default
                      name: default
                    current-context: default
                    kind: Config
                    preferences: {}
                    users:
                    - name: default
                      user:
                        client-certificate-data: %s
                        client-key-data: %s
                    """.formatted(base64(pem(ca)), url, base64(pem(client) + pem(ca)), base64(clientKeyPem));

            Config config = Config.fromKubeconfig(kubeconfig);
            assertThat(config.getMasterUrl()).startsWith(url);
            try (KubernetesClient kubernetes = new ApiWarnings().client(config)) {
                Namespace namespace = kubernetes.namespaces().withName("default").get();
                assertThat(namespace.getMetadata().getName()).isEqualTo("default");
            }
            assertThat(clients).containsExactly("CN=system:admin,O=system:masters");
        }
        finally {
            apiserver.stop(0);
        }
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, PublicKey key, String issuer, KeyPair issuerKeys,
            boolean isCa, GeneralNames names) throws Exception {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), new X500Name(subject), key);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (names != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, names);
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static SSLContext serverContext(PrivateKey key, Certificate[] chain, X509Certificate ca)
            throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, new char[0], chain);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /**
     * The key as Go's {@code x509.MarshalECPrivateKey} writes it, and so k3s: SEC1 with the curve and the public key
     * (a JCA key run through a PEM writer lacks the curve, which fabric8's SEC1 reader needs).
     */
    private static String sec1Pem(KeyPair keys) throws Exception {
        ASN1BitString publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
        byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(), publicKey,
                X9ObjectIdentifiers.prime256v1).getEncoded();
        return "-----BEGIN EC PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END EC PRIVATE KEY-----\n";
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}

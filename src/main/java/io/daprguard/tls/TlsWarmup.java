package io.daprguard.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS part of the start-up warm-up ({@code io.daprguard.ops.StartupWarmup}): Bouncy Castle's PEM parsing
 * (its jars are signed, so the JDK's class-data cache cannot hold them and every class is verified when it is
 * loaded), an in-memory PKCS#12 key store as Spring Boot's PEM bundle and Tomcat build one (PBKDF2 with
 * 10 000 rounds each way: slow until the JIT has compiled it), and a TLS 1.3 handshake between two in-memory
 * engines. Everything is made in memory and thrown away: a fresh key pair and a self-signed certificate valid
 * for an hour, never written anywhere; the certificate directory is not touched.
 */
public final class TlsWarmup {

    private TlsWarmup() {
    }

    /**
     * Runs the whole TLS warm-up on the calling thread.
     *
     * @throws IllegalStateException if a step fails (the caller logs it; nothing depends on it)
     */
    public static void run() {
        handshake(throwawayCertificate());
    }

    /** A self-signed certificate and key made and read back as the provisioner and the bundle loader do. */
    private static CertificateAndKey throwawayCertificate() {
        CertificateAndKey ca = new CertificateGenerator(Clock.systemUTC(), new SecureRandom())
                .generateCertificateAuthority(Duration.ofHours(1));
        try {
            Path origin = Path.of("warm-up");
            X509Certificate certificate = PemFiles.parseCertificates(
                    pem("CERTIFICATE", ca.certificate().getEncoded()), origin).get(0);
            PrivateKey key = PemFiles.parsePrivateKey(pem("PRIVATE KEY", ca.privateKey().getEncoded()), origin);
            if (!Keys.matches(key, certificate.getPublicKey())) {
                throw new IllegalStateException("the read key does not match");
            }
            return new CertificateAndKey(certificate, key);
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The key in a PKCS#12 key store, as Spring Boot's PEM bundle and Tomcat hold it, and a TLS 1.3 handshake
     * between a server and a client engine in memory, trusting that certificate.
     */
    private static void handshake(CertificateAndKey pair) {
        try {
            char[] password = new char[0];
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("warm-up", pair.privateKey(), password, new X509Certificate[] {pair.certificate()});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("warm-up", pair.certificate());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(keys.getKeyManagers(), null, null);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, trust.getTrustManagers(), null);
            SSLEngine serverEngine = server.createSSLEngine();
            serverEngine.setUseClientMode(false);
            SSLEngine clientEngine = client.createSSLEngine("localhost", 8443);
            clientEngine.setUseClientMode(true);
            for (SSLEngine engine : new SSLEngine[] {serverEngine, clientEngine}) {
                engine.setEnabledProtocols(new String[] {"TLSv1.3"});
            }
            exchange(clientEngine, serverEngine);
        } catch (java.io.IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e.getClass().getSimpleName(), e);
        }
    }

    /** Drives both engines until the handshake is done and one application record has gone each way. */
    private static void exchange(SSLEngine client, SSLEngine server) throws SSLException {
        int size = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int appSize = Math.max(client.getSession().getApplicationBufferSize(),
                server.getSession().getApplicationBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size);
        ByteBuffer toClient = ByteBuffer.allocate(size);
        ByteBuffer clientIn = ByteBuffer.allocate(appSize);
        ByteBuffer serverIn = ByteBuffer.allocate(appSize);
        ByteBuffer clientOut = ByteBuffer.wrap("POST /mutate".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer serverOut = ByteBuffer.wrap("HTTP/1.1 200".getBytes(StandardCharsets.US_ASCII));
        for (int round = 0; round < 100; round++) {
            step(client, clientOut, toServer);
            step(server, serverOut, toClient);
            toServer.flip();
            toClient.flip();
            unwrap(server, toServer, serverIn);
            unwrap(client, toClient, clientIn);
            toServer.compact();
            toClient.compact();
            if (!clientOut.hasRemaining() && !serverOut.hasRemaining() && serverIn.position() > 0
                    && clientIn.position() > 0) {
                return;
            }
        }
        throw new SSLException("the in-memory handshake did not finish");
    }

    private static void step(SSLEngine engine, ByteBuffer out, ByteBuffer net) throws SSLException {
        runTasks(engine);
        SSLEngineResult result = engine.wrap(out, net);
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("engine closed");
        }
        runTasks(engine);
    }

    private static void unwrap(SSLEngine engine, ByteBuffer net, ByteBuffer app) throws SSLException {
        while (net.hasRemaining()) {
            SSLEngineResult result = engine.unwrap(net, app);
            runTasks(engine);
            if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
                return;
            }
        }
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

}

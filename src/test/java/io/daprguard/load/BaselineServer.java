package io.daprguard.load;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The lean baseline of the burst benchmark: the JDK's own {@code HttpsServer} (TLS 1.3, HTTP/1.1 keep-alive) that
 * reads each request body to its end and answers a fixed AdmissionReview per path ({@code /mutate},
 * {@code /validate}): the same bytes dapr-guard answers for the benchmark's bodies. Whatever dapr-guard costs beyond it is Tomcat, Spring, parsing, the policy and the
 * logs; the ratio of the two under the same load is what the benchmark reports. JDK only.
 *
 * <pre>
 * java -cp target/test-classes io.daprguard.load.BaselineServer PORT KEYSTORE.p12 PASSWORD MUTATE.json VALIDATE.json \
 *     [THREADS]
 * </pre>
 * The keystore holds one key entry (for example from {@code keytool -genkeypair -keyalg EC -groupname secp256r1},
 * the key type dapr-guard generates). Runs until killed.
 */
public final class BaselineServer {

    private BaselineServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            throw new IllegalArgumentException(
                    "usage: BaselineServer PORT KEYSTORE.p12 PASSWORD MUTATE.json VALIDATE.json [THREADS]");
        }
        int port = Integer.parseInt(args[0]);
        char[] password = args[2].toCharArray();
        byte[] mutate = Files.readAllBytes(Path.of(args[3]));
        byte[] validate = Files.readAllBytes(Path.of(args[4]));
        int threads = args.length > 5 ? Integer.parseInt(args[5]) : 16;

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(args[1])) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(keys.getKeyManagers(), null, null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.transferTo(OutputStream.nullOutputStream());
            }
            byte[] answer = exchange.getRequestURI().getPath().endsWith("/validate") ? validate : mutate;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
        System.out.println("baseline listening on https://127.0.0.1:" + port + " with " + threads + " threads");
    }
}

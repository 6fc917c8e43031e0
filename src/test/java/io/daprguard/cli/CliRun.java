package io.daprguard.cli;

import io.daprguard.cluster.MockCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code check} run in-process with no standard input, and a kubeconfig for a mock API server. */
record CliRun(int code, String out, String err) {

    /** Runs {@code check} with these arguments. */
    static CliRun check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CheckCommand.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A kubeconfig file in {@code dir} whose current context ({@code mock}) is {@code cluster}, as a user's would be. */
    static Path kubeconfig(MockCluster cluster, Path dir) throws IOException {
        String server = cluster.server.url("/").replaceAll("/$", "");
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: me, user: {token: not-a-secret}}]
                contexts: [{name: mock, context: {cluster: mock, user: me}}]
                current-context: mock
                """.formatted(server));
    }
}

package io.daprguard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The review bodies written by {@code bench/gen_bodies.py}. The directory is the system property
 * {@code daprguard.bench.bodies} (default {@code bench/bodies}, relative to the working directory; JMH's forks
 * inherit it).
 */
final class Bodies {

    private Bodies() {}

    static byte[] read(String name) {
        Path dir = Path.of(System.getProperty("daprguard.bench.bodies", "bench/bodies"));
        Path file = dir.resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file.toAbsolutePath() + " is missing: run bench/gen_bodies.py "
                    + dir + " first, or set -Ddaprguard.bench.bodies=<dir>");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

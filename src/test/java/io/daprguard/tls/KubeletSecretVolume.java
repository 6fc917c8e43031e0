package io.daprguard.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A directory written exactly the way the kubelet's {@code AtomicWriter} writes a Secret volume
 * (kubernetes {@code pkg/volume/util/atomic_writer.go}):
 *
 * <pre>
 * tls.crt -&gt; ..data/tls.crt                      user-visible symlinks, created once
 * tls.key -&gt; ..data/tls.key
 * ..data  -&gt; ..2026_11_24_10_15_42.1234567890      relative symlink, replaced atomically on update
 * ..2026_11_24_10_15_42.1234567890/tls.crt       the payload, one new directory per update
 * </pre>
 *
 * An update writes the payload into a new timestamped directory, points a new {@code ..data_tmp}
 * symlink at it, renames {@code ..data_tmp} over {@code ..data} (rename(2): atomic), creates
 * missing user-visible symlinks, and removes the previous timestamped directory.
 */
final class KubeletSecretVolume {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss")
        .withZone(ZoneOffset.UTC);

    private static final String DATA = "..data";

    private static final String DATA_TMP = "..data_tmp";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;

    private KubeletSecretVolume(Path directory) {
        this.directory = directory;
    }

    /** Creates the volume in an existing, empty directory with a first payload (file name to content). */
    static KubeletSecretVolume create(Path directory, Map<String, byte[]> payload) throws IOException {
        KubeletSecretVolume volume = new KubeletSecretVolume(directory);
        volume.update(payload);
        return volume;
    }

    /** Replaces the whole payload atomically, as the kubelet does when the Secret changes. */
    void update(Map<String, byte[]> payload) throws IOException {
        Path dataLink = directory.resolve(DATA);
        Path previous = Files.isSymbolicLink(dataLink) ? directory.resolve(Files.readSymbolicLink(dataLink)) : null;
        Path timestamped = newTimestampedDirectory();
        for (Map.Entry<String, byte[]> file : payload.entrySet()) {
            Files.write(timestamped.resolve(file.getKey()), file.getValue());
        }
        Path dataTmp = directory.resolve(DATA_TMP);
        Files.createSymbolicLink(dataTmp, timestamped.getFileName());
        Files.move(dataTmp, dataLink, StandardCopyOption.ATOMIC_MOVE);
        for (String name : payload.keySet()) {
            Path visible = directory.resolve(name);
            if (!Files.exists(visible, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(visible, Path.of(DATA, name));
            }
        }
        if (previous != null) {
            deleteRecursively(previous);
        }
    }

    private Path newTimestampedDirectory() throws IOException {
        String prefix = ".." + TIMESTAMP.format(Instant.now()) + ".";
        while (true) {
            Path candidate = directory.resolve(prefix + Math.abs(RANDOM.nextLong() % 10_000_000_000L));
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Files.createDirectory(candidate);
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

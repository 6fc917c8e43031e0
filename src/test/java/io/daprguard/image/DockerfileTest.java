package io.daprguard.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image's invariants, checked on the Dockerfile itself (no Docker engine runs here): pinned base images, a
 * numeric non-root user, an exec-form entrypoint, the extracted layered jar, labels, and a tight build context.
 */
class DockerfileTest {

    private static List<String> instructions;

    @BeforeAll
    static void read() throws IOException {
        instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                instructions.add(current.toString());
                current.setLength(0);
            }
        }
    }

    private static List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.startsWith(keyword + " ")).toList();
    }

    private static String last(String keyword) {
        List<String> found = all(keyword);
        assertThat(found).as("%s instructions", keyword).isNotEmpty();
        return found.get(found.size() - 1);
    }

    @Test
    void everyBaseImageIsPinnedToAnExactVersion() {
        Pattern pinned = Pattern.compile("FROM [a-z0-9./-]+:\\d+\\.\\d+\\.\\d+_\\d+-[a-z]+-[a-z]+( AS \\w+)?|FROM \\S+@sha256:[0-9a-f]{64}( AS \\w+)?");
        assertThat(all("FROM")).hasSize(2).allSatisfy(from -> {
            assertThat(from).doesNotContain(":latest");
            assertThat(pinned.matcher(from).matches()).as("pinned: %s", from).isTrue();
        });
        assertThat(last("FROM")).as("runtime is a Temurin 25 JRE").startsWith("FROM eclipse-temurin:25.").contains("-jre-");
    }

    @Test
    void runsAsNumericNonRootUser() {
        assertThat(last("USER")).matches("USER [1-9][0-9]*(:[1-9][0-9]*)?").isEqualTo("USER 65532:65532");
        int lastUser = instructions.lastIndexOf(last("USER"));
        assertThat(instructions.subList(lastUser, instructions.size())).noneMatch(i -> i.startsWith("RUN "));
    }

    @Test
    void entrypointIsExecFormOnTheExtractedLayersWithTheAotCache() {
        assertThat(last("ENTRYPOINT"))
                .isEqualTo("ENTRYPOINT [\"java\", \"-XX:AOTCache=/app/dapr-guard.aot\", \"-jar\", \"dapr-guard.jar\"]");
        assertThat(last("WORKDIR")).isEqualTo("WORKDIR /app");
        assertThat(all("CMD")).isEmpty();
        assertThat(all("COPY").stream().filter(c -> c.startsWith("COPY --from=build /layers/")).map(c -> c.split(" ")[2]))
                .containsExactly("/layers/dependencies/", "/layers/spring-boot-loader/",
                        "/layers/snapshot-dependencies/", "/layers/application/");
        assertThat(String.join("\n", instructions))
                .contains("java -Djarmode=tools -jar target/dapr-guard.jar extract --layers --destination /layers");
    }

    @Test
    void aotCacheIsTrainedInTheRuntimeImageWithItsOwnOptionsAndLeavesNoKeys() {
        List<String> runs = all("RUN");
        String training = runs.get(runs.size() - 1);
        // In the runtime stage, after its ENV (same JVM, same jars, same options as the ENTRYPOINT's run)...
        assertThat(instructions.indexOf(training)).isGreaterThan(instructions.indexOf(last("FROM")))
                .isGreaterThan(instructions.indexOf(last("ENV"))).isLessThan(instructions.indexOf(last("USER")));
        // ...the same jar and cache path as the ENTRYPOINT, trained on reviews the server sends itself (the shedding
        // path included), under the chart's memory limit; the throw-away certificates are removed in the same layer.
        // The certificates are made by a first start that exits when its context is up; the recorded run reads them
        // (generating loads Bouncy Castle, whose signed jars the cache cannot hold).
        String[] steps = training.replaceAll("\\s+", " ").split(" && ");
        assertThat(steps[0]).startsWith("RUN java -Dspring.context.exit=onRefresh -XX:MaxRAM=256m -jar dapr-guard.jar")
                .contains("--dapr-guard.tls.dir=/tmp/aot-training").contains("--dapr-guard.tls.generate=true")
                .doesNotContain("AOTCache");
        assertThat(steps[1]).startsWith("java -XX:AOTCacheOutput=/app/dapr-guard.aot -XX:MaxRAM=256m -jar dapr-guard.jar")
                .contains("--dapr-guard.aot-training=true").contains("--dapr-guard.limits.max-concurrent-reviews=1")
                .contains("--dapr-guard.shutdown.drain-period=0s").contains("--dapr-guard.tls.generate=false")
                .contains("--dapr-guard.tls.dir=/tmp/aot-training");
        assertThat(training.replaceAll("\\s+", " "))
                .endsWith("rm -rf /tmp/aot-training /tmp/aot-training.log && chmod 0444 /app/dapr-guard.aot");
    }

    /** The image runs the context Spring's ahead-of-time processing generated in the build (pom.xml). */
    @Test
    void theImageRunsTheBuildTimeContext() throws IOException {
        assertThat(last("ENV")).contains("-Dspring.aot.enabled=true");
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<goal>process-aot</goal>");
    }

    @Test
    void ociLabels() {
        String labels = String.join(" ", all("LABEL"));
        for (String key : new String[] {"title", "description", "version", "revision", "source", "licenses"}) {
            assertThat(labels).contains("org.opencontainers.image." + key + "=");
        }
    }

    @Test
    void buildContextLeavesOutSecretsAndBuildOutput() throws IOException {
        List<String> ignore = Files.readAllLines(Path.of(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore.get(0)).as("deny everything first").isEqualTo("*");
        assertThat(ignore).contains("!pom.xml", "!mvnw", "!.mvn/", "!src/").doesNotContain("!certs/", "!target/");
    }
}

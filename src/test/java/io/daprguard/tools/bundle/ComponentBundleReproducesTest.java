package io.daprguard.tools.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shipped bundle is exactly what the generator makes from the releases it names: run with checkouts of
 * dapr/components-contrib and dapr/dapr at the tags of {@code tools/component-bundle/dapr-reads.yaml}, as
 * {@code ./mvnw test -Dtest=ComponentBundleReproducesTest -Dbundle.contrib=DIR -Dbundle.dapr=DIR} (or the
 * environment variables {@code BUNDLE_CONTRIB} and {@code BUNDLE_DAPR}); skipped without them.
 */
class ComponentBundleReproducesTest {

    private static Path checkout(String property, String variable) {
        String value = System.getProperty(property, System.getenv(variable));
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    @Test
    void theGeneratorReproducesTheShippedBundleByteForByte() throws IOException {
        Path contrib = checkout("bundle.contrib", "BUNDLE_CONTRIB");
        Path dapr = checkout("bundle.dapr", "BUNDLE_DAPR");
        assumeTrue(contrib != null && dapr != null, "no checkouts given: set -Dbundle.contrib=DIR and -Dbundle.dapr=DIR "
                + "(components-contrib and dapr at the tags of " + ComponentBundleGenerator.DEFAULT_READS + ")");
        byte[] generated = ComponentBundleGenerator.generate(contrib, dapr, ComponentBundleGenerator.DEFAULT_READS);
        byte[] shipped = Files.readAllBytes(ComponentBundleGenerator.SHIPPED);
        assertThat(new String(generated, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(new String(shipped, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(generated).isEqualTo(shipped);
    }
}

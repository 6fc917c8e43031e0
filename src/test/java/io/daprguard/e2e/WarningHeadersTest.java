package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarningHeadersTest {

    @Test
    void oneWarningPerHeaderLineAsTheApiserverWritesThem() {
        assertThat(WarningHeaders.texts(List.of(
                "299 - \"[sidecar-resources] would deny: dapr.io/sidecar-memory-limit \\\"1000MB\\\" is not a quantity\"",
                "299 - \"[api-token] set dapr.io/api-token-secret\"")))
                .containsExactly("[sidecar-resources] would deny: dapr.io/sidecar-memory-limit \"1000MB\" is not a quantity",
                        "[api-token] set dapr.io/api-token-secret");
    }

    @Test
    void severalWarningsInOneHeaderLineAsSomeClientsJoinThem() {
        assertThat(WarningHeaders.texts(List.of("299 - \"a, b\", 299 - \"c\" \"Tue, 15 Nov 1994 08:12:31 GMT\" ,199 x \"d\"")))
                .containsExactly("a, b", "c", "d");
    }

    @Test
    void backslashesAreUnescaped() {
        assertThat(WarningHeaders.texts(List.of("299 - \"C:\\\\dapr \\\"x\\\"\""))).containsExactly("C:\\dapr \"x\"");
    }

    @Test
    void malformedRestsAreDroppedLikeClientGoDoes() {
        assertThat(WarningHeaders.texts(List.of("299 - \"ok\", nonsense", "29 - \"short code\"", "299 - unquoted",
                "299 - \"unterminated", "299 - \"first\" junk"))).containsExactly("ok");
        assertThat(WarningHeaders.texts(null)).isEmpty();
        assertThat(WarningHeaders.texts(Arrays.asList((String) null, ""))).isEmpty();
    }
}

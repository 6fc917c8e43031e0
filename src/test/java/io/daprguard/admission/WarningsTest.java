package io.daprguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarningsTest {

    @Test
    void shortAsciiWarningsPassUnchanged() {
        assertThat(Warnings.fit(List.of("[log-level] bad", "[api-token] missing")))
                .containsExactly("[log-level] bad", "[api-token] missing");
    }

    @Test
    void nonAsciiAndLineBreaksAreReplaced() {
        assertThat(Warnings.fit(List.of("caf\u00e9 \ud83d\ude00\nnext"))).containsExactly("caf? ? next");
    }

    @Test
    void longWarningsAreShortenedTo256() {
        String fitted = Warnings.fit(List.of("x".repeat(1000))).get(0);
        assertThat(fitted).hasSize(256).endsWith("...");
    }

    @Test
    void totalStaysWithin4096AndTheRestIsCounted() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add("[unknown-annotation] dapr.io/typo-" + i + " is not a Dapr annotation and is ignored; remove it"
                    + " ".repeat(20));
        }
        List<String> fitted = Warnings.fit(many);
        int total = fitted.stream().mapToInt(String::length).sum();
        assertThat(total).isLessThanOrEqualTo(4096);
        assertThat(fitted.get(fitted.size() - 1)).matches("\\d+ more warnings not shown");
        int shown = fitted.size() - 1;
        assertThat(fitted.get(fitted.size() - 1)).isEqualTo((100 - shown) + " more warnings not shown");
    }
}

package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's time.ParseDuration, as Dapr reads block-shutdown-duration and duration metadata. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1} s")
    @CsvSource({"0, 0", "30s, 30", "1m, 60", "1m30s, 90", "1.5h, 5400", "300ms, 0.3", "-2s, -2", "+1h2m3s, 3723",
            ".5s, 0.5", "1.s, 1", "10us, 0.00001", "10\u00b5s, 0.00001", "1ns, 0.000000001"})
    void parsesAsGoDoes(String text, String seconds) {
        assertThat(GoDuration.seconds(text)).hasValueSatisfying(
                value -> assertThat(value).isEqualByComparingTo(new BigDecimal(seconds)));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "30", "s", ".s", "1 s", " 1s", "1S", "1d", "1m30", "5 seconds", "-", "1.2.3s", "1h-2m"})
    void refusesWhatGoRefuses(String text) {
        assertThat(GoDuration.isValid(text)).isFalse();
    }
}

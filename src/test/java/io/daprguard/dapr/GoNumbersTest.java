package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Go's strconv number syntax, as components decode metadata values into number fields. */
class GoNumbersTest {

    @Test
    void integersInEveryBaseGoReadsWithBaseZero() {
        assertThat(GoNumbers.parseInt("42")).isEqualTo(42L);
        assertThat(GoNumbers.parseInt("-7")).isEqualTo(-7L);
        assertThat(GoNumbers.parseInt("+1")).isEqualTo(1L);
        assertThat(GoNumbers.parseInt("0x1F")).isEqualTo(31L);
        assertThat(GoNumbers.parseInt("0b101")).isEqualTo(5L);
        assertThat(GoNumbers.parseInt("0o17")).isEqualTo(15L);
        assertThat(GoNumbers.parseInt("017")).isEqualTo(15L);
        assertThat(GoNumbers.parseInt("0x_1F")).isEqualTo(31L);
        assertThat(GoNumbers.parseInt("01")).isEqualTo(1L);
        assertThat(GoNumbers.parseInt("0")).isEqualTo(0L);
    }

    @Test
    void whatGoRefuses() {
        assertThat(GoNumbers.parseInt("")).isNull();
        assertThat(GoNumbers.parseInt("1.5")).isNull();
        assertThat(GoNumbers.parseInt("0x")).isNull();
        assertThat(GoNumbers.parseInt("09")).isNull();
        assertThat(GoNumbers.parseInt("1_000")).isNull();
        assertThat(GoNumbers.parseInt("0x1__F")).isNull();
        assertThat(GoNumbers.parseInt("0xG")).isNull();
        assertThat(GoNumbers.parseInt("٣")).isNull();
        assertThat(GoNumbers.parseInt("99999999999999999999")).isNull();
    }

    @Test
    void numbersAreFloatsOrIntegers() {
        assertThat(GoNumbers.isNumber("1.5e3")).isTrue();
        assertThat(GoNumbers.isNumber(".5")).isTrue();
        assertThat(GoNumbers.isNumber("0x10")).isTrue();
        assertThat(GoNumbers.isNumber("ten")).isFalse();
        assertThat(GoNumbers.isNumber("<int>")).isFalse();
    }
}

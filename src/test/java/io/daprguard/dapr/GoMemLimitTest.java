package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoMemLimitTest {

    @ParameterizedTest(name = "[{0}] = {1} bytes")
    @CsvSource({
            "943718400, 943718400",
            "900MiB, 943718400",
            "1GiB, 1073741824",
            "0, 0",
            "1B, 1",
            "1KiB, 1024",
            "1TiB, 1099511627776",
            "00900MiB, 943718400",
            "9223372036854775807, 9223372036854775807",
            "9223372036854775807B, 9223372036854775807",
            "8796093022207MiB, 9223372036853727232",
            "8388607TiB, 9223370937343148032",
            // Go's runtime Atoi64 takes a leading '-' and even no digits after it; only a negative result fails
            "-0, 0",
            "-0B, 0",
            "-0MiB, 0",
            "-KiB, 0",
    })
    void acceptsWhatGoParseByteCountAccepts(String value, long bytes) {
        assertThat(GoMemLimit.isValid(value)).isTrue();
        assertThat(GoMemLimit.isOff(value)).isFalse();
        assertThat(GoMemLimit.bytes(value)).hasValue(bytes);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "900Mi", "900M", "900MB", "0.9GiB", "900mib", " 900MiB", "900MiB ", "-1", "-1MiB", "OFF", "Off",
            "B", "iB", "1iB", "KiB", "-", "-B", "1PiB", "1EiB", "1kiB", "1KB", "1Ki", "1 MiB", "+1", "1_000",
            "\uFF11", "1e3", "0x10", "9223372036854775808", "8796093022208MiB", "8388608TiB",
            "99999999999999999999", "-9223372036854775809", "1MiBB", "MiB", "1.0",
    })
    void rejectsWhatGoRejects(String value) {
        assertThat(GoMemLimit.isValid(value)).isFalse();
        assertThat(GoMemLimit.bytes(value)).isEmpty();
    }

    @Test
    void offIsValidButHasNoByteCount() {
        assertThat(GoMemLimit.isValid("off")).isTrue();
        assertThat(GoMemLimit.isOff("off")).isTrue();
        assertThat(GoMemLimit.bytes("off")).isEqualTo(OptionalLong.empty());
        assertThat(GoMemLimit.isOff("OFF")).isFalse();
        assertThat(GoMemLimit.isOff(" off")).isFalse();
        assertThat(GoMemLimit.isOff(null)).isFalse();
    }

    /** Go's readGOMEMLIMIT: {@code if p == "" || p == "off" { return maxInt64 }}: empty is "no limit", not an error. */
    @Test
    void anEmptyValueIsValidAndMeansNoSoftLimit() {
        assertThat(GoMemLimit.isValid("")).isTrue();
        assertThat(GoMemLimit.isUnset("")).isTrue();
        assertThat(GoMemLimit.isUnset(" ")).isFalse();
        assertThat(GoMemLimit.isValid(" ")).isFalse();
        assertThat(GoMemLimit.bytes("")).isEmpty();
        assertThat(GoMemLimit.hint("")).startsWith("nothing to fix");
    }

    @Test
    void nullIsNeitherValidNorABytecount() {
        assertThat(GoMemLimit.isValid(null)).isFalse();
        assertThat(GoMemLimit.bytes(null)).isEmpty();
    }

    @ParameterizedTest(name = "{0} bytes at {1}% -> {2}")
    @CsvSource({
            "1048576000, 90, 900MiB",     // 1000Mi
            "1073741824, 90, 921MiB",     // 1Gi
            "1000000000, 90, 858MiB",     // 1G
            "268435456, 90, 230MiB",      // 256Mi
            "262144000, 90, 225MiB",      // 250Mi
            "1048576000, 100, 1000MiB",
            "1048576000, 1, 10MiB",
            "1610612736, 90, 1382MiB",    // 1.5Gi: 1449551462.4 bytes
            "1048576, 90, 943718",        // 1Mi: under 1 MiB, falls back to bytes
            "1165084, 90, 1048575",       // one byte short of 1 MiB
            "1165085, 90, 1MiB",          // 1048576.5 bytes
            "1000, 90, 900",
            "2, 50, 1",
            "1, 90, 0",
            "0.5, 100, 0",
            "1048576000.9, 90, 900MiB",
    })
    void forLimitFloorsToWholeMebibytes(String limitBytes, int percent, String expected) {
        String result = GoMemLimit.forLimit(new BigDecimal(limitBytes), percent);
        assertThat(result).isEqualTo(expected);
        assertThat(GoMemLimit.isValid(result)).isTrue();
        assertThat(result).doesNotContain(".");
    }

    @Test
    void forLimitWorksFromParsedQuantities() {
        assertThat(GoMemLimit.forLimit(Quantity.parse("1000Mi").orElseThrow().value(), 90)).isEqualTo("900MiB");
        assertThat(GoMemLimit.forLimit(Quantity.parse("1Gi").orElseThrow().value(), 90)).isEqualTo("921MiB");
        assertThat(GoMemLimit.forLimit(Quantity.parse("1G").orElseThrow().value(), 90)).isEqualTo("858MiB");
        assertThat(GoMemLimit.forLimit(Quantity.parse("256Mi").orElseThrow().value(), 90)).isEqualTo("230MiB");
        assertThat(GoMemLimit.forLimit(Quantity.parse("1e3").orElseThrow().value(), 90)).isEqualTo("900");
    }

    @Test
    void forLimitNeverExceedsTheShareOfTheLimitAndIsAlwaysValid() {
        for (long limit = 1; limit < 50_000_000_000L; limit = limit * 3 + 7) {
            for (int percent : new int[] {1, 50, 89, 90, 99, 100}) {
                String result = GoMemLimit.forLimit(BigDecimal.valueOf(limit), percent);
                assertThat(GoMemLimit.isValid(result)).as("%d at %d%%: %s", limit, percent, result).isTrue();
                BigDecimal share = BigDecimal.valueOf(limit).multiply(BigDecimal.valueOf(percent))
                        .divide(BigDecimal.valueOf(100), 0, RoundingMode.FLOOR);
                long bytes = GoMemLimit.bytes(result).orElseThrow();
                assertThat(BigDecimal.valueOf(bytes)).isLessThanOrEqualTo(share);
                // floored to MiB: less than one MiB below the share (or the share itself, in bytes)
                assertThat(share.subtract(BigDecimal.valueOf(bytes))).isLessThan(BigDecimal.valueOf(1 << 20));
            }
        }
    }

    @Test
    void forLimitCapsAtTheLargestValueGoAccepts() {
        String capped = GoMemLimit.forLimit(new BigDecimal("1e30"), 90);
        assertThat(capped).isEqualTo("8796093022207MiB");
        assertThat(GoMemLimit.isValid(capped)).isTrue();
        assertThat(GoMemLimit.forLimit(Quantity.parse("9Ei").orElseThrow().value(), 100)).isEqualTo("8796093022207MiB");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"0", "-1", "-1048576000", "0.0"})
    void forLimitRejectsANonPositiveLimit(String limit) {
        BigDecimal l = limit == null ? null : new BigDecimal(limit);
        assertThatThrownBy(() -> GoMemLimit.forLimit(l, 90)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101, 1000, Integer.MIN_VALUE})
    void forLimitRejectsAPercentageOutside1To100(int percent) {
        assertThatThrownBy(() -> GoMemLimit.forLimit(BigDecimal.valueOf(1048576000L), percent))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hintForTheKubernetesSpelling() {
        assertThat(GoMemLimit.hint("900Mi")).isEqualTo("use 900MiB (Go needs the B: KiB, MiB, GiB, TiB)");
        assertThat(GoMemLimit.hint("1Gi")).isEqualTo("use 1GiB (Go needs the B: KiB, MiB, GiB, TiB)");
        assertThat(GoMemLimit.hint("900mi")).startsWith("use 900MiB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"900M", "900MB", "900mb"})
    void hintForDecimalUnitsSuggestsMebibytes(String value) {
        assertThat(GoMemLimit.hint(value))
                .contains("no decimal units")
                .contains("900000000 bytes")
                .contains("use 858MiB");
    }

    @Test
    void hintForDecimals() {
        assertThat(GoMemLimit.hint("0.9GiB")).contains("no decimals").contains("use 921MiB");
        assertThat(GoMemLimit.hint("1.5G")).contains("no decimals").contains("use 1430MiB");
    }

    @Test
    void hintForTheWrongCase() {
        assertThat(GoMemLimit.hint("900mib")).isEqualTo("use 900MiB (the unit is case-sensitive)");
        assertThat(GoMemLimit.hint("1GIB")).isEqualTo("use 1GiB (the unit is case-sensitive)");
        assertThat(GoMemLimit.hint("OFF")).contains("use off");
        assertThat(GoMemLimit.hint("Off")).contains("use off");
    }

    @Test
    void hintForSpaces() {
        assertThat(GoMemLimit.hint(" 900MiB")).isEqualTo("remove the spaces: use 900MiB");
        assertThat(GoMemLimit.hint("900MiB ")).isEqualTo("remove the spaces: use 900MiB");
        assertThat(GoMemLimit.hint(" 900Mi ")).startsWith("remove the spaces").contains("use 900MiB");
        assertThat(GoMemLimit.hint("   ")).startsWith("only spaces");
    }

    @Test
    void hintForOtherMistakes() {
        String generic = "use a whole number of bytes with an optional KiB, MiB, GiB or TiB suffix, e.g. 900MiB, or off";
        assertThat(GoMemLimit.hint("-1")).contains("cannot be negative");
        assertThat(GoMemLimit.hint("1PiB")).contains("only KiB, MiB, GiB and TiB");
        assertThat(GoMemLimit.hint("2Pi")).contains("only KiB, MiB, GiB and TiB").contains("use 2147483648MiB");
        assertThat(GoMemLimit.hint("99999999999999999999")).contains("too large");
        assertThat(GoMemLimit.hint("99999999999999Mi")).contains("too large");
        assertThat(GoMemLimit.hint("abc")).isEqualTo(generic);
        assertThat(GoMemLimit.hint("lots")).isEqualTo(generic);
        assertThat(GoMemLimit.hint(null)).isEqualTo(generic);
        assertThat(GoMemLimit.hint("900MiB")).startsWith("nothing to fix");
    }
}

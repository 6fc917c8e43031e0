package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuantityTest {

    private static BigDecimal valueOf(String text) {
        return Quantity.parse(text).orElseThrow(() -> new AssertionError("did not parse: [" + text + "]")).value();
    }

    /**
     * Ground truth from Go: each row was produced by running ParseQuantity and parseQuantityString, copied from
     * kubernetes/apimachinery pkg/api/resource/quantity.go, compiled with go1.19 and gopkg.in/inf.v0 (the exact
     * stored value). "invalid" means ParseQuantity returned an error. Inputs are in single quotes; '' is the
     * empty string.
     */
    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            '' | invalid
            '0' | 0
            '1' | 1
            '100m' | 0.1
            '300m' | 0.3
            '0.5' | 0.5
            '1000Mi' | 1048576000
            '250Mi' | 262144000
            '1Gi' | 1073741824
            '1G' | 1000000000
            '1e3' | 1000
            '1E3' | 1000
            '1E' | 1000000000000000000
            '1Ei' | 1152921504606846976
            '+1' | 1
            '-1' | -1
            '.5Gi' | 536870912
            '5.' | 5
            '1.5Gi' | 1610612736
            '100k' | 100000
            '1Ki' | 1024
            '1k' | 1000
            '1n' | 0.000000001
            '1u' | 0.000001
            '1.G' | 1000000000
            '1E-3' | 0.001
            '1.3E+6' | 1300000
            '0.9n' | 0.000000001
            '3.001n' | 0.000000004
            '1.1E-9' | 0.000000002
            '1e-20' | 0.000000001
            '-1e-20' | -0.000000001
            '0.00000012345' | 0.000000124
            '8Ei' | 9223372036854775807
            '9Ei' | 9223372036854775807
            '-9Ei' | -9223372036854775807
            '9223372036854775807Ki' | 9223372036854775807
            '12E' | 12000000000000000000
            '100.035Ki' | 102435.84
            '0.000000000001Ki' | 0.000000002
            '.001' | 0.001
            '.0001k' | 0.1
            '123456789012345678901234567890' | 123456789012345678901234567890
            '12345678901234567890e5' | 1234567890123456789000000
            '1e4294967296' | 1
            '1e-9223372036854775808' | 1
            '1e9223372036854775807' | 0.1
            '1e9223372036854775808' | invalid
            '0e-2147483648' | 0
            'Mi' | 0
            'Ki' | 0
            'Ti' | 0
            'Pi' | invalid
            'Ei' | invalid
            'k' | 0
            'n' | 0
            '.' | 0
            '-' | 0
            '+' | 0
            '-.' | 0
            '-.Ki' | 0
            '.Pi' | invalid
            'e-9' | 0
            'e-10' | invalid
            '1000MB' | invalid
            '1gi' | invalid
            '1 Gi' | invalid
            ' 1Gi' | invalid
            '1Gi ' | invalid
            '1,5Gi' | invalid
            'abc' | invalid
            '1K' | invalid
            '1.2.3' | invalid
            '--1' | invalid
            '1e' | invalid
            '1e+' | invalid
            '1E-' | invalid
            '1Ee3' | invalid
            '1e3.5' | invalid
            '1kk' | invalid
            '1M3' | invalid
            '0.1mi' | invalid
            '0.1am' | invalid
            '1i' | invalid
            '.5i' | invalid
            '-3.01i' | invalid
            '1+1.0M' | invalid
            '""' | invalid
            """)
    void agreesWithGoParseQuantity(String text, String expected) {
        Optional<Quantity> q = Quantity.parse(text);
        if (expected.equals("invalid")) {
            assertThat(q).as("[%s]", text).isEmpty();
            assertThat(Quantity.isValid(text)).isFalse();
        } else {
            assertThat(q).as("[%s]", text).isPresent();
            assertThat(q.get().value()).as("[%s]", text).isEqualByComparingTo(new BigDecimal(expected));
            assertThat(Quantity.isValid(text)).isTrue();
            assertThat(q.get().text()).isEqualTo(text);
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
            "100m, 0.1",
            "0.5, 0.5",
            "1, 1",
            "1000Mi, 1048576000",
            "1Gi, 1073741824",
            "1G, 1000000000",
            "1e3, 1000",
            "1E3, 1000",
            "1E, 1000000000000000000",
            "+1, 1",
            "-1, -1",
            ".5Gi, 536870912",
            "5., 5",
            "1.5Gi, 1610612736",
            "100k, 100000",
            "1Ki, 1024",
            "1k, 1000",
            "250Mi, 262144000",
            "300m, 0.3",
            "1Ti, 1099511627776",
            "1Pi, 1125899906842624",
            "1Ei, 1152921504606846976",
            "1T, 1000000000000",
            "1P, 1000000000000000",
            "1M, 1000000",
            "1u, 0.000001",
            "1n, 0.000000001",
            "1.3E+6, 1300000",
            "1e-3, 0.001",
            "2.5e-1, 0.25",
            "007, 7",
            "0.0005k, 0.5",
    })
    void parsesValidQuantitiesToExactValues(String text, String expected) {
        assertThat(Quantity.isValid(text)).isTrue();
        assertThat(valueOf(text)).isEqualByComparingTo(new BigDecimal(expected));
    }

    @Test
    void valueIsExactWithoutExponentFormOrTrailingZeros() {
        assertThat(valueOf("1Gi")).isEqualByComparingTo(BigDecimal.valueOf(1073741824));
        assertThat(valueOf("1e3").toPlainString()).isEqualTo("1000");
        assertThat(valueOf("1e3").scale()).isZero();
        assertThat(valueOf("100m").toPlainString()).isEqualTo("0.1");
        assertThat(valueOf("1.50").toPlainString()).isEqualTo("1.5");
        assertThat(valueOf("1E").toString()).isEqualTo("1000000000000000000");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "1000MB", "1gi", "1 Gi", " 1Gi", "1Gi ", "\t1", "1,5Gi", "abc", "1K", "1.2.3", "--1", "1e", "\"\"",
            "", "1e+", "1E-", "1Ee3", "1e3.5", "1kk", "1M3", "1i", "1mi", "1Gib", "1GB", "1KB", "0x10", "1_000",
            "1e9223372036854775808", "Ei", "Pi", ".Pi", "e-10", "\uFF11", "1\u00A0Gi", "1.5.Gi", "++1", "+-1",
            "1-", "1+", "NaN", "Infinity", "1/2",
    })
    void rejectsWhatKubernetesRejects(String text) {
        assertThat(Quantity.parse(text)).isEmpty();
        assertThat(Quantity.isValid(text)).isFalse();
    }

    @Test
    void nullIsNotAQuantity() {
        assertThat(Quantity.parse(null)).isEmpty();
        assertThat(Quantity.isValid(null)).isFalse();
    }

    /**
     * The scanner is looser than the documented grammar: Go reads a missing number as zero, for every bare suffix
     * but {@code Pi} and {@code Ei}. Those two leave {@code ParseQuantity}'s int64 fast path (its precision
     * estimate {@code 15 - 1 - exponent*3/10 - 1} is negative for exponents 50 and 60), and the slow path's
     * {@code inf.Dec.SetString("")} needs a digit: ErrNumeric ({@link #rejectsWhatKubernetesRejects}).
     */
    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"Ki", "Mi", "Gi", "Ti", "n", "u", "m", "k", "M", "G", "T", "P", "E", ".", "-", "+", "-.",
            "-.Ki", "e-9", "000", "-0", "0Ki", "0Ei"})
    void goAcceptsAMissingNumberAsZero(String text) {
        Quantity q = Quantity.parse(text).orElseThrow();
        assertThat(q.isZero()).isTrue();
        assertThat(q.signum()).isZero();
        assertThat(q.isPositive()).isFalse();
        assertThat(q.isNegative()).isFalse();
    }

    @Test
    void oneEIsExaButOneEThreeIsAnExponent() {
        assertThat(valueOf("1E")).isEqualByComparingTo(new BigDecimal(BigDecimal.TEN.pow(18).toBigInteger()));
        assertThat(Quantity.parse("1E").orElseThrow().format()).isEqualTo(Quantity.Format.DECIMAL_SI);
        assertThat(valueOf("1E3")).isEqualByComparingTo(BigDecimal.valueOf(1000));
        assertThat(Quantity.parse("1E3").orElseThrow().format()).isEqualTo(Quantity.Format.DECIMAL_EXPONENT);
        assertThat(valueOf("1Ei")).isEqualByComparingTo(new BigDecimal("1152921504606846976"));
        assertThat(Quantity.parse("1Ei").orElseThrow().format()).isEqualTo(Quantity.Format.BINARY_SI);
    }

    @Test
    void keepsNanoPrecisionRoundingAwayFromZero() {
        assertThat(valueOf("0.9n")).isEqualByComparingTo("0.000000001");
        assertThat(valueOf("3.001n")).isEqualByComparingTo("0.000000004");
        assertThat(valueOf("-3.001n")).isEqualByComparingTo("-0.000000004");
        assertThat(valueOf("1e-20")).isEqualByComparingTo("0.000000001");
        assertThat(valueOf("-1e-20")).isEqualByComparingTo("-0.000000001");
        assertThat(valueOf("0.000000000001Ki")).isEqualByComparingTo("0.000000002");
        assertThat(valueOf("1.0000000001")).isEqualByComparingTo("1.000000001");
    }

    @Test
    void capsBinaryValuesAtMaxInt64LikeKubernetes() {
        BigDecimal max = BigDecimal.valueOf(Long.MAX_VALUE);
        assertThat(valueOf("8Ei")).isEqualByComparingTo(max);
        assertThat(valueOf("9223372036854775807Ki")).isEqualByComparingTo(max);
        assertThat(valueOf("-9Ei")).isEqualByComparingTo(max.negate());
        // decimal values are not capped
        assertThat(valueOf("12E")).isEqualByComparingTo(new BigDecimal("12000000000000000000"));
        assertThat(valueOf("123456789012345678901234567890"))
                .isEqualByComparingTo(new BigDecimal("123456789012345678901234567890"));
    }

    @Test
    void truncatesTheExponentTo32BitsLikeGo() {
        assertThat(valueOf("1e4294967296")).isEqualByComparingTo(BigDecimal.ONE);   // 2^32 -> 0
        assertThat(valueOf("1e9223372036854775807")).isEqualByComparingTo("0.1"); // 2^63-1 -> -1
        assertThat(valueOf("1e-9223372036854775808")).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(Quantity.isValid("1e9223372036854775808")).isFalse();          // not an int64
    }

    @Test
    void rejectsAbsurdlyLargeDecimalValuesWithoutHanging() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertThat(Quantity.isValid("1e999999999")).isFalse();
            assertThat(Quantity.isValid("1e2147483647")).isFalse();
            assertThat(Quantity.isValid("1234567890123456789012e999999999")).isFalse();
            assertThat(Quantity.isValid("1e-2147483648")).isFalse(); // Go's scale negation overflows here
            assertThat(Quantity.isValid("1e1000")).isFalse();
            assertThat(Quantity.isValid("-1e1000")).isFalse();
            assertThat(Quantity.isValid("0.1e1001")).isFalse();
            // just below the limit, and tiny values, are fine
            assertThat(valueOf("9.99e999")).isEqualByComparingTo(new BigDecimal("9.99e999"));
            assertThat(valueOf("0.1e1000")).isEqualByComparingTo(new BigDecimal("1e999"));
            assertThat(valueOf("1e-999999999")).isEqualByComparingTo("0.000000001");
            assertThat(valueOf("1e-2147483647")).isEqualByComparingTo("0.000000001");
            assertThat(valueOf("0e-2147483648").signum()).isZero();
            assertThat(valueOf("0e999999999").signum()).isZero();
        });
    }

    @Test
    void rejectsOverlongTextButAcceptsTheMaximumLength() {
        String longest = "1" + "0".repeat(Quantity.MAX_TEXT_LENGTH - 3) + "Ki"; // binary values are capped
        assertThat(longest).hasSize(Quantity.MAX_TEXT_LENGTH);
        assertThat(valueOf(longest)).isEqualByComparingTo(BigDecimal.valueOf(Long.MAX_VALUE));
        assertThat(Quantity.isValid("0".repeat(Quantity.MAX_TEXT_LENGTH))).isTrue();
        assertThat(Quantity.isValid("0".repeat(Quantity.MAX_TEXT_LENGTH + 1))).isFalse();
        assertThat(valueOf("0." + "0".repeat(1000) + "1")).isEqualByComparingTo("0.000000001");
    }

    @Test
    void negativeValuesParseAndReportTheirSign() {
        Quantity q = Quantity.parse("-1").orElseThrow();
        assertThat(q.signum()).isEqualTo(-1);
        assertThat(q.isNegative()).isTrue();
        assertThat(q.isPositive()).isFalse();
        Quantity p = Quantity.parse("+250Mi").orElseThrow();
        assertThat(p.signum()).isEqualTo(1);
        assertThat(p.isPositive()).isTrue();
        assertThat(valueOf("-100m")).isEqualByComparingTo("-0.1");
    }

    @Test
    void comparesByValueAcrossUnits() {
        Quantity oneK = Quantity.parse("1k").orElseThrow();
        Quantity thousand = Quantity.parse("1000").orElseThrow();
        assertThat(oneK.compareTo(thousand)).isZero();
        assertThat(Quantity.parse("1Gi").orElseThrow()).isGreaterThan(Quantity.parse("1G").orElseThrow());
        assertThat(Quantity.parse("500m").orElseThrow()).isGreaterThan(Quantity.parse("300m").orElseThrow());
        assertThat(Quantity.parse("0.3").orElseThrow().compareTo(Quantity.parse("300m").orElseThrow())).isZero();

        List<Quantity> list = new ArrayList<>();
        for (String s : List.of("1Gi", "100Mi", "1G", "-1", "1e3", "999", "0")) {
            list.add(Quantity.parse(s).orElseThrow());
        }
        Collections.sort(list);
        assertThat(list).extracting(Quantity::text).containsExactly("-1", "0", "999", "1e3", "100Mi", "1G", "1Gi");
    }

    @Test
    void equalityIsByTextAndValueNotByValueAlone() {
        Quantity a = Quantity.parse("1Gi").orElseThrow();
        Quantity b = Quantity.parse("1Gi").orElseThrow();
        Quantity c = Quantity.parse("1024Mi").orElseThrow();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(c);
        assertThat(a.compareTo(c)).isZero();
        assertThat((Object) a).isNotEqualTo("1Gi");
        assertThat(a.toString()).isEqualTo("1Gi");
        assertThat(a.text()).isEqualTo("1Gi");
    }

    @Test
    void reportsTheSuffixFamilyKubernetesRemembers() {
        assertThat(Quantity.parse("1Gi").orElseThrow().format()).isEqualTo(Quantity.Format.BINARY_SI);
        assertThat(Quantity.parse("100m").orElseThrow().format()).isEqualTo(Quantity.Format.DECIMAL_SI);
        assertThat(Quantity.parse("5").orElseThrow().format()).isEqualTo(Quantity.Format.DECIMAL_SI);
        assertThat(Quantity.parse("1e3").orElseThrow().format()).isEqualTo(Quantity.Format.DECIMAL_EXPONENT);
        assertThat(Quantity.parse("0.5Ki").orElseThrow().format()).isEqualTo(Quantity.Format.BINARY_SI);
        // a binary value strictly between -1 and 1 becomes decimal SI, as in Go
        assertThat(Quantity.parse(".0001Ki").orElseThrow().format()).isEqualTo(Quantity.Format.DECIMAL_SI);
    }

    @Test
    void parsingIsFastEnoughForTheAdmissionHotPath() {
        String[] inputs = {"100m", "300m", "250Mi", "1000Mi", "1Gi", "0.5", "1e3", "abc", "1000MB"};
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            int ok = 0;
            for (int i = 0; i < 180_000; i++) {
                if (Quantity.isValid(inputs[i % inputs.length])) {
                    ok++;
                }
            }
            assertThat(ok).isEqualTo(140_000); // 7 of every 9 inputs are valid
        });
    }
}

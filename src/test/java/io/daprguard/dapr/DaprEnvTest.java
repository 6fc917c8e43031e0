package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.daprguard.dapr.DaprEnv.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DaprEnvTest {

    private static List<Entry> entries(String raw) {
        return DaprEnv.parse(raw).entries();
    }

    private static Entry e(String name, String value) {
        return new Entry(name, value);
    }

    @Test
    void commaSeparatesOnlyBeforeAnIdentifierAndEquals() {
        assertThat(entries("NO_PROXY=a,b,HTTP_PROXY=x"))
                .containsExactly(e("NO_PROXY", "a,b"), e("HTTP_PROXY", "x"));
        assertThat(entries("NO_PROXY=localhost,127.0.0.1,.svc,LOG=1"))
                .containsExactly(e("NO_PROXY", "localhost,127.0.0.1,.svc"), e("LOG", "1"));
    }

    /** The cases of Dapr's own TestParseEnvString (pkg/injector/patcher/sidecar_container_test.go). */
    @Test
    void matchesDaprsOwnTestCases() {
        assertThat(entries("ENV1=value1,ENV2=value2, ENV3=value3"))
                .containsExactly(e("ENV1", "value1"), e("ENV2", "value2"), e("ENV3", "value3"));
        assertThat(entries("HTTP_PROXY=http://myproxy.com, NO_PROXY=\"localhost,127.0.0.1,.amazonaws.com\""))
                .containsExactly(e("HTTP_PROXY", "http://myproxy.com"),
                        e("NO_PROXY", "\"localhost,127.0.0.1,.amazonaws.com\""));
        // dapr.io/env-from-secret uses the same separators (Dapr's test "KEY1=NAME1 ,KEY2=NAME2:SECRETKEY2 ")
        assertThat(entries("KEY1=NAME1 ,KEY2=NAME2:SECRETKEY2 "))
                .containsExactly(e("KEY1", "NAME1"), e("KEY2", "NAME2:SECRETKEY2"));
    }

    @Test
    void splitsAtTheFirstEqualsSign() {
        assertThat(entries("OTEL_RESOURCE_ATTRIBUTES=service.name=x,deployment.environment=prod"))
                .containsExactly(e("OTEL_RESOURCE_ATTRIBUTES", "service.name=x,deployment.environment=prod"));
        assertThat(entries("A=b=c=d")).containsExactly(e("A", "b=c=d"));
        assertThat(entries("A==")).containsExactly(e("A", "="));
        assertThat(entries("A=")).containsExactly(e("A", ""));
    }

    @Test
    void anIdentifierInsideAValueStillSplits() {
        // the classic surprise: "env" is an identifier followed by '=', so it becomes its own variable
        assertThat(entries("OTEL_RESOURCE_ATTRIBUTES=service=a,env=prod"))
                .containsExactly(e("OTEL_RESOURCE_ATTRIBUTES", "service=a"), e("env", "prod"));
    }

    @Test
    void quotesAreNotSpecial() {
        assertThat(entries("A=\"x,y\",B='1'")).containsExactly(e("A", "\"x,y\""), e("B", "'1'"));
        assertThat(entries("A=\"x,B=y\"")).containsExactly(e("A", "\"x"), e("B", "y\""));
    }

    @Test
    void trailingAndLeadingCommas() {
        assertThat(entries("A=1,")).containsExactly(e("A", "1,"));
        assertThat(entries("A=1,,")).containsExactly(e("A", "1,,"));
        assertThat(entries(",A=1")).containsExactly(e("A", "1"));
        assertThat(entries(",")).isEmpty();
    }

    @Test
    void trimsEachPartWithGoTrimSpaceButOnlyAtItsEnds() {
        assertThat(entries("  A = 1 ,  B=2  ")).containsExactly(e("A ", " 1"), e("B", "2"));
        assertThat(entries("GOMEMLIMIT= 900MiB")).containsExactly(e("GOMEMLIMIT", " 900MiB"));
        assertThat(entries("GOMEMLIMIT=900MiB \t\n")).containsExactly(e("GOMEMLIMIT", "900MiB"));
        // Go trims the no-break space (Java's strip() would not) ...
        assertThat(entries("A=1\u00A0")).containsExactly(e("A", "1"));
        assertThat(entries("A=1\u2007,B=2\u3000")).containsExactly(e("A", "1"), e("B", "2"));
        // ... and does not trim U+001C (Java's strip() would)
        assertThat(entries("A=1\u001C")).containsExactly(e("A", "1\u001C"));
    }

    @Test
    void usesGosMeaningOfWhitespaceInTheSeparator() {
        assertThat(entries("A=1,\tB=2")).containsExactly(e("A", "1"), e("B", "2"));
        assertThat(entries("A=1,\nB=2")).containsExactly(e("A", "1"), e("B", "2"));
        assertThat(entries("A=1,\r\n  B=2")).containsExactly(e("A", "1"), e("B", "2"));
        // Go's \s has no vertical tab (Java's has): no split here
        assertThat(entries("A=1,\u000BB=2")).containsExactly(e("A", "1,\u000BB=2"));
        // nor a no-break space
        assertThat(entries("A=1,\u00A0B=2")).containsExactly(e("A", "1,\u00A0B=2"));
    }

    @Test
    void identifierRulesForTheSeparator() {
        assertThat(entries("A=1,_B=2")).containsExactly(e("A", "1"), e("_B", "2"));
        assertThat(entries("A=1,b2=2")).containsExactly(e("A", "1"), e("b2", "2"));
        assertThat(entries("A=1,2B=2")).containsExactly(e("A", "1,2B=2"));
        assertThat(entries("A=1,MY-VAR=2")).containsExactly(e("A", "1,MY-VAR=2"));
        assertThat(entries("A=1,MY VAR=2")).containsExactly(e("A", "1,MY VAR=2"));
        assertThat(entries("A=1,\u00C9T\u00C9=2")).containsExactly(e("A", "1,\u00C9T\u00C9=2"));
    }

    @Test
    void aFirstPartWithoutEqualsIsDroppedLikeDaprDoes() {
        assertThat(entries("garbage,A=1")).containsExactly(e("A", "1"));
        assertThat(entries("garbage")).isEmpty();
        assertThat(entries("   ")).isEmpty();
        // an empty name is kept, as Dapr keeps it (Kubernetes then rejects the pod)
        assertThat(entries("=x")).containsExactly(e("", "x"));
        assertThat(entries(" = x ,A=1")).containsExactly(e("", " x"), e("A", "1"));
    }

    @Test
    void duplicatesAreKeptAndTheLastOneWins() {
        DaprEnv env = DaprEnv.parse("A=1,B=2,A=3");
        assertThat(env.entries()).containsExactly(e("A", "1"), e("B", "2"), e("A", "3"));
        assertThat(env.lastValue("A")).contains("3");
        assertThat(env.lastValue("B")).contains("2");
        assertThat(env.lastValue("a")).isEmpty();
        assertThat(env.lastValue("C")).isEmpty();
        assertThat(env.lastValue(null)).isEmpty();
        assertThat(env.contains("A")).isTrue();
        assertThat(env.contains("C")).isFalse();
        assertThat(env.contains(null)).isFalse();
        assertThat(env.isEmpty()).isFalse();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t\n", "\u00A0"})
    void nullOrBlankIsEmpty(String raw) {
        DaprEnv env = DaprEnv.parse(raw);
        assertThat(env.entries()).isEmpty();
        assertThat(env.isEmpty()).isTrue();
        assertThat(env.lastValue("A")).isEmpty();
    }

    @Test
    void isImmutable() {
        DaprEnv env = DaprEnv.parse("A=1");
        assertThatThrownBy(() -> env.entries().add(e("B", "2"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> DaprEnv.parse("").entries().add(e("B", "2")))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> new Entry(null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Entry("x", null)).isInstanceOf(NullPointerException.class);
        assertThat(DaprEnv.parse("A=1,B=2")).isEqualTo(DaprEnv.parse(" A=1, B=2 "))
                .hasSameHashCodeAs(DaprEnv.parse(" A=1, B=2 "));
        assertThat(e("A", "1").toString()).isEqualTo("A=1");
    }

    @Test
    void listsWhatDapr1161AndOlderDrop() {
        DaprEnv env = DaprEnv.parse("A=1,OTEL_RESOURCE_ATTRIBUTES=service.name=x,B=c=d");
        assertThat(env.legacyDroppedEntries())
                .containsExactly(e("OTEL_RESOURCE_ATTRIBUTES", "service.name=x"), e("B", "c=d"));
        assertThat(DaprEnv.parse("A=1").legacyDroppedEntries()).isEmpty();
    }

    // --- append --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  ", "\t"})
    void appendToNothing(String raw) {
        assertThat(DaprEnv.append(raw, "GOMEMLIMIT", "900MiB")).isEqualTo("GOMEMLIMIT=900MiB");
    }

    @Test
    void appendKeepsTheOriginalTextExactly() {
        assertThat(DaprEnv.append("NO_PROXY=a,b,LOG=1", "GOMEMLIMIT", "900MiB"))
                .isEqualTo("NO_PROXY=a,b,LOG=1,GOMEMLIMIT=900MiB");
        assertThat(DaprEnv.append(" A = 1 ,", "B", "2")).isEqualTo(" A = 1 ,,B=2");
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
            "NO_PROXY=a,b,LOG=1",
            "A=1",
            "A=1,",
            "A=1, ",
            "A=1,,",
            "A=\"x,y\"",
            "A=\"x,y\",B='z'",
            "A=b=c",
            "OTEL_RESOURCE_ATTRIBUTES=service.name=x,deployment.environment=prod",
            "  A=1  ",
            "A= x",
            "garbage",
            "=x",
            ",",
            ",A=1",
            "A=1,\u000BB=2",
            "A=1,FOO",
            "A=1,FOO ",
            "A=1,FOO=",
            "A=1,\n",
            "A=\u00A0",
            "A=1\u00A0",
            "A=1,GOMEMLIMIT=800MiB",
            "X=a,b,",
            "HTTP_PROXY=http://myproxy.com, NO_PROXY=\"localhost,127.0.0.1,.amazonaws.com\"",
    })
    void parseOfAppendIsTheOriginalEntriesPlusTheNewOne(String raw) {
        for (String[] nv : new String[][] {
                {"GOMEMLIMIT", "900MiB"}, {"NO_PROXY", "a,b,c"}, {"X", "k=v"}, {"_Y", ""}, {"Z", " lead"},
                {"Q", "\"quoted,with,commas\""}, {"LOG", ",leading-comma"}}) {
            String appended = DaprEnv.append(raw, nv[0], nv[1]);
            assertThat(appended).startsWith(raw);
            List<Entry> expected = new ArrayList<>(entries(raw));
            expected.add(e(nv[0], nv[1]));
            assertThat(entries(appended)).as("append(%s, %s, %s)", raw, nv[0], nv[1]).isEqualTo(expected);
            assertThat(DaprEnv.parse(appended).lastValue(nv[0])).contains(nv[1]);
        }
    }

    @Test
    void appendRoundTripsOnGeneratedInput() {
        String alphabet = "AB_x1=, \t\u000B\u00A0\"'";
        Random random = new Random(20240601L);
        for (int i = 0; i < 20_000; i++) {
            int len = random.nextInt(14);
            StringBuilder sb = new StringBuilder(len);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String raw = sb.toString();
            String appended = DaprEnv.append(raw, "GOMEMLIMIT", "900MiB");
            List<Entry> expected = new ArrayList<>(entries(raw));
            expected.add(e("GOMEMLIMIT", "900MiB"));
            assertThat(entries(appended)).as("raw [%s]", raw).isEqualTo(expected);
            if (!GoStrings.trimSpace(raw).isEmpty()) {
                assertThat(appended).isEqualTo(raw + ",GOMEMLIMIT=900MiB");
            }
        }
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "MY-VAR", "1A", "A B", "A=B", " A", "\u00C9T\u00C9", "A,B"})
    void appendRejectsANameDaprWouldNotSplitOn(String name) {
        assertThatThrownBy(() -> DaprEnv.append("A=1", name, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"a,B=c", "x, Y=1", "trailing ", "tab\t", "nbsp\u00A0", "a,\nB=1"})
    void appendRejectsAValueDaprWouldChange(String value) {
        assertThatThrownBy(() -> DaprEnv.append("A=1", "B", value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setReplacesTheVariableAndKeepsEverythingElseExactly() {
        assertThat(DaprEnv.set("NO_PROXY=a,b, GOMEMLIMIT=900MiB ,LOG=1", "GOMEMLIMIT", "180MiB"))
                .isEqualTo("NO_PROXY=a,b, GOMEMLIMIT=180MiB ,LOG=1");
        assertThat(DaprEnv.set("GOMEMLIMIT=1GiB,A=1,GOMEMLIMIT=900Mi", "GOMEMLIMIT", "180MiB"))
                .isEqualTo("GOMEMLIMIT=180MiB,A=1,GOMEMLIMIT=180MiB");
        assertThat(DaprEnv.set("A=1", "GOMEMLIMIT", "180MiB")).isEqualTo("A=1,GOMEMLIMIT=180MiB");
        assertThat(DaprEnv.set(null, "GOMEMLIMIT", "180MiB")).isEqualTo("GOMEMLIMIT=180MiB");
        assertThat(DaprEnv.set("XGOMEMLIMIT=1,GOMEMLIMITX=2", "GOMEMLIMIT", "180MiB"))
                .isEqualTo("XGOMEMLIMIT=1,GOMEMLIMITX=2,GOMEMLIMIT=180MiB");
        assertThat(DaprEnv.parse(DaprEnv.set("A=x=y,GOMEMLIMIT=1GiB", "GOMEMLIMIT", "2GiB")).entries())
                .containsExactly(new Entry("A", "x=y"), new Entry("GOMEMLIMIT", "2GiB"));
    }
}

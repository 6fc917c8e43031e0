package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.fixtures.NativeCases;
import io.daprguard.nativepolicy.NativeExport;
import io.daprguard.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code check} and {@code export native} agree: for every fixture object, the findings {@code check} reports for the
 * rules with a native form (its mutation first, templates included, then validation) are the ones the exported
 * policies give, with the README's listed differences only.
 */
class CheckAgreesWithNativePoliciesTest {

    @TestFactory
    Stream<DynamicTest> checkFindsWhatTheNativePoliciesFind() throws Exception {
        Set<String> nativeRules = NativeExport.expressibleRules();
        ObjectChecker checker = new ObjectChecker(Policy.standard(), "default");
        List<DynamicTest> tests = new ArrayList<>();
        for (NativeCases.Case fixture : NativeCases.cases()) {
            tests.add(DynamicTest.dynamicTest(fixture.name(), () -> {
                ManifestReader.KubeObject object = new ManifestReader.KubeObject(1, fixture.name(),
                        fixture.object().path("apiVersion").asString(), fixture.object().path("kind").asString(),
                        fixture.object(), SourceLines.NONE);
                Set<String> checked = new TreeSet<>();
                for (Finding finding : checker.check(object).findings()) {
                    if (finding.rule() != null && nativeRules.contains(finding.rule())) {
                        checked.add(finding.level() + " [" + finding.rule() + "] " + finding.message());
                    }
                }
                Set<String> natively = NativeCases.nativeFindings(fixture.object());
                assertThat(natively).as("native findings (check: %s)", checked)
                        .isEqualTo(NativeCases.asNative(natively, checked));
            }));
        }
        assertThat(tests).hasSizeGreaterThan(100);
        return tests.stream();
    }
}

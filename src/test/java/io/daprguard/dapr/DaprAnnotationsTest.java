package io.daprguard.dapr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class DaprAnnotationsTest {

    @Test
    void constantsHaveTheKeysDaprReads() {
        assertThat(DaprAnnotations.PREFIX).isEqualTo("dapr.io/");
        assertThat(DaprAnnotations.SIDECAR_CONTAINER_NAME).isEqualTo("daprd");
        assertThat(DaprAnnotations.ENABLED).isEqualTo("dapr.io/enabled");
        assertThat(DaprAnnotations.APP_ID).isEqualTo("dapr.io/app-id");
        assertThat(DaprAnnotations.SIDECAR_CPU_REQUEST).isEqualTo("dapr.io/sidecar-cpu-request");
        assertThat(DaprAnnotations.SIDECAR_CPU_LIMIT).isEqualTo("dapr.io/sidecar-cpu-limit");
        assertThat(DaprAnnotations.SIDECAR_MEMORY_REQUEST).isEqualTo("dapr.io/sidecar-memory-request");
        assertThat(DaprAnnotations.SIDECAR_MEMORY_LIMIT).isEqualTo("dapr.io/sidecar-memory-limit");
        assertThat(DaprAnnotations.ENV).isEqualTo("dapr.io/env");
        assertThat(DaprAnnotations.ENV_FROM_SECRET).isEqualTo("dapr.io/env-from-secret");
        assertThat(DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE).isEqualTo("dapr.io/sidecar-seccomp-profile-type");
        assertThat(DaprAnnotations.API_TOKEN_SECRET).isEqualTo("dapr.io/api-token-secret");
        assertThat(DaprAnnotations.APP_TOKEN_SECRET).isEqualTo("dapr.io/app-token-secret");
        assertThat(DaprAnnotations.LOG_LEVEL).isEqualTo("dapr.io/log-level");
        assertThat(DaprAnnotations.ENABLE_NATIVE_SIDECAR).isEqualTo("dapr.io/enable-native-sidecar");
        assertThat(DaprAnnotations.CONFIG).isEqualTo("dapr.io/config");
        assertThat(DaprAnnotations.APP_PORT).isEqualTo("dapr.io/app-port");
        assertThat(DaprAnnotations.APP_PROTOCOL).isEqualTo("dapr.io/app-protocol");
        assertThat(DaprAnnotations.ENABLE_METRICS).isEqualTo("dapr.io/enable-metrics");
        assertThat(DaprAnnotations.METRICS_PORT).isEqualTo("dapr.io/metrics-port");
        assertThat(DaprAnnotations.LOG_LEVELS).containsExactlyInAnyOrder("debug", "info", "warn", "error", "fatal");
        assertThat(DaprAnnotations.APP_PROTOCOLS).containsExactlyInAnyOrder("http", "grpc", "https", "grpcs", "h2c");
    }

    /** The list is traceable: the same keys as annotations.go of the release {@code KNOWN_FROM_DAPR} names. */
    @Test
    void knownIsTheListOfTheDaprReleaseItNames() throws java.io.IOException {
        String resource = "/dapr/injector-annotations-" + DaprAnnotations.KNOWN_FROM_DAPR + ".txt";
        try (var in = DaprAnnotationsTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            List<String> keys = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
            assertThat(DaprAnnotations.KNOWN).containsExactlyInAnyOrderElementsOf(keys);
        }
    }

    @Test
    void knownHoldsTheInjectorsCompleteList() {
        assertThat(DaprAnnotations.KNOWN).hasSize(64).allMatch(k -> k.startsWith("dapr.io/"));
        assertThat(DaprAnnotations.KNOWN).contains(
                DaprAnnotations.ENABLED, DaprAnnotations.APP_ID, DaprAnnotations.SIDECAR_CPU_REQUEST,
                DaprAnnotations.SIDECAR_CPU_LIMIT, DaprAnnotations.SIDECAR_MEMORY_REQUEST,
                DaprAnnotations.SIDECAR_MEMORY_LIMIT, DaprAnnotations.ENV, DaprAnnotations.ENV_FROM_SECRET,
                DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE, DaprAnnotations.API_TOKEN_SECRET,
                DaprAnnotations.APP_TOKEN_SECRET, DaprAnnotations.LOG_LEVEL, DaprAnnotations.ENABLE_NATIVE_SIDECAR,
                DaprAnnotations.CONFIG, DaprAnnotations.APP_PORT, DaprAnnotations.APP_PROTOCOL,
                DaprAnnotations.ENABLE_METRICS, DaprAnnotations.METRICS_PORT,
                "dapr.io/placement-host-address", "dapr.io/scheduler-host-address", "dapr.io/app-ssl",
                "dapr.io/sentry-request-jwt-audiences", "dapr.io/sidecar-svc-annotations",
                "dapr.io/disable-init-endpoints", "dapr.io/max-body-size", "dapr.io/read-buffer-size",
                "dapr.io/block-shutdown-duration", "dapr.io/app-channel-address", "dapr.io/grpc-port",
                "dapr.io/internal-grpc-port", "dapr.io/inject-pluggable-components");
        assertThat(DaprAnnotations.KNOWN).contains(
                "dapr.io/actors-disseminate-timeout", "dapr.io/app-binding-options-timeout");
        assertThat(DaprAnnotations.KNOWN).doesNotContain("dapr.io/sidecar-injected", "dapr.io/port", "dapr.io/id");
        assertThatThrownBy(() -> DaprAnnotations.KNOWN.add("dapr.io/x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void isKnownIsExactAndCaseSensitive() {
        assertThat(DaprAnnotations.isKnown("dapr.io/app-id")).isTrue();
        assertThat(DaprAnnotations.isKnown("dapr.io/enable-native-sidecar")).isTrue();
        assertThat(DaprAnnotations.isKnown("dapr.io/App-Id")).isFalse();
        assertThat(DaprAnnotations.isKnown("dapr.io/app-id ")).isFalse();
        assertThat(DaprAnnotations.isKnown("dapr.io/sidecar-cpu-limits")).isFalse();
        assertThat(DaprAnnotations.isKnown("")).isFalse();
        assertThat(DaprAnnotations.isKnown(null)).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "dapr.io/sidecar-cpu-limits, dapr.io/sidecar-cpu-limit",
            "dapr.io/sidecar-memory-limits, dapr.io/sidecar-memory-limit",
            "dapr.io/sidecar-cpu-requests, dapr.io/sidecar-cpu-request",
            "dapr.io/app_id, dapr.io/app-id",
            "dapr.io/App-Id, dapr.io/app-id",
            "dapr.io/appid, dapr.io/app-id",
            "dapr.io/enable, dapr.io/enabled",
            "dapr.io/enabeld, dapr.io/enabled",
            "dapr.io/Enabled, dapr.io/enabled",
            "dapr.io/log_level, dapr.io/log-level",
            "dapr.io/env-from-secrets, dapr.io/env-from-secret",
            "dapr.io/sidecar-seccomp-profile, dapr.io/sidecar-seccomp-profile-type",
            "dapr.io/enable-native-sidecars, dapr.io/enable-native-sidecar",
            "dapr.io/en, dapr.io/env",
            "dapr.i0/app-id, dapr.io/app-id",
            "dapr.io/app-id, dapr.io/app-id",
    })
    void nearestKnownSuggestsTheIntendedKey(String unknown, String expected) {
        assertThat(DaprAnnotations.nearestKnown(unknown)).contains(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @NullSource
    @ValueSource(strings = {"", "dapr.io/zzzzzzzzzzzz", "dapr.io/x", "dapr.io/", "app-id", "example.com/foo",
            "dapr.io/completely-unrelated-annotation-name"})
    void nearestKnownStaysQuietWhenNothingIsClose(String unknown) {
        assertThat(DaprAnnotations.nearestKnown(unknown)).isEmpty();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"true", "TRUE", "True", "tRuE"})
    void isTrueAcceptsTrueInAnyCase(String value) {
        assertThat(DaprAnnotations.isTrue(value)).isTrue();
        assertThat(DaprAnnotations.isLegacyTruthy(value)).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @NullSource
    @ValueSource(strings = {"", " true", "true ", "yes", "1", "on", "t", "y", "truee", "false", "\"true\"",
            "tru\u0435"})
    void isTrueRejectsEverythingElse(String value) {
        assertThat(DaprAnnotations.isTrue(value)).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"y", "Y", "yes", "YES", "Yes", "t", "T", "on", "ON", "On", "1", " true", "true\n",
            "\tTRUE ", " yes ", "\u00A0on", "1\r\n"})
    void legacyTruthyValuesAreTheOnesOnly118Drops(String value) {
        assertThat(DaprAnnotations.isLegacyTruthy(value)).isTrue();
        assertThat(DaprAnnotations.isTrue(value)).isFalse();
    }

    @ParameterizedTest(name = "[{0}]")
    @NullSource
    @ValueSource(strings = {"true", "TRUE", "false", "0", "no", "off", "", " ", "enabled", "yess", "tt", "2",
            "\u001Con", "y e s"})
    void notLegacyTruthy(String value) {
        assertThat(DaprAnnotations.isLegacyTruthy(value)).isFalse();
    }

    @Test
    void logLevelsAreExactlyDaprs() {
        assertThat(DaprAnnotations.LOG_LEVELS).isEqualTo(Set.of("debug", "info", "warn", "error", "fatal"));
        assertThat(DaprAnnotations.LOG_LEVELS).doesNotContain("INFO", "warning", "trace");
    }
}

package io.daprguard.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SkipAnnotationsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
    private static final Policy POLICY = Policy.standard();

    @Test
    void aDateLastsThroughThatDayInUtcAndADateTimeUntilItsInstant() {
        assertThat(SkipAnnotations.end("2026-11-24")).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
        assertThat(SkipAnnotations.end("2026-11-24T18:00:00+02:00")).isEqualTo(Instant.parse("2026-11-24T16:00:00Z"));
        assertThat(SkipAnnotations.end("2026-11-24t18:00:00.5z")).as("RFC 3339 allows lower case")
                .isEqualTo(Instant.parse("2026-11-24T18:00:00.5Z"));
        assertThat(SkipAnnotations.end("2026-02-30")).isNull();
        assertThat(SkipAnnotations.end("24.11.2026")).isNull();
        assertThat(SkipAnnotations.end("2026-11-24T18:00:00")).as("a date-time needs its offset").isNull();
    }

    @Test
    void todayStillAppliesAndTheLimitIsInclusive() {
        SkipAnnotations.Decision today = decide(Map.of("daprguard.io/skip", "api-token",
                "daprguard.io/skip-until", "2026-11-24"), POLICY);
        assertThat(today.skipped()).containsOnlyKeys("api-token");

        Policy week = POLICY.withSkipRules(new SkipRules(Duration.ofDays(7), false));
        assertThat(decide(Map.of("daprguard.io/skip", "api-token",
                "daprguard.io/skip-until", "2026-12-01T12:00:00Z"), week).skipped()).containsOnlyKeys("api-token");
        assertThat(decide(Map.of("daprguard.io/skip", "api-token",
                "daprguard.io/skip-until", "2026-12-01"), week).warnings())
                .containsExactly("daprguard.io/skip-until 2026-12-01 is more than 7 days away"
                        + " (dapr-guard.skip.max-duration); the skip of api-token is refused");
    }

    @Test
    void thePodsSkipWinsOverAnExpiredOneOnTheWorkload() {
        SkipAnnotations.Decision decision = SkipAnnotations.decide(List.of(
                        Map.of("daprguard.io/skip", "api-token", "daprguard.io/skip-until", "2026-12-01"),
                        Map.of("daprguard.io/skip", "app-token", "daprguard.io/skip-until", "2026-11-01")),
                POLICY, NOW);
        assertThat(decision.skipped()).containsOnlyKeys("api-token");
        assertThat(decision.expired()).containsExactly(Map.entry("app-token", "2026-11-01"));
    }

    @Test
    void aLongReasonIsShortenedAndControlCharactersHidden() {
        SkipAnnotations.Decision decision = decide(Map.of("daprguard.io/skip", "api-token",
                "daprguard.io/skip-reason", "x\u001b[31m" + "y".repeat(100)), POLICY);
        assertThat(decision.warnings().get(0)).contains("(reason: x?[31m" + "y".repeat(58) + "...)");
    }

    private static SkipAnnotations.Decision decide(Map<String, String> annotations, Policy policy) {
        return SkipAnnotations.decide(List.of(annotations), policy, NOW);
    }
}

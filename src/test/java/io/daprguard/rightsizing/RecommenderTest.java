package io.daprguard.rightsizing;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.rules.SidecarSizing.Resources;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The method of the README's "Right-sizing" section, on cases computed by hand with the default settings. */
class RecommenderTest {

    private static final double MIB = 1024.0 * 1024.0;
    private static final Instant END = Instant.parse("2026-12-07T00:00:00Z");
    private static final Recommender DEFAULTS = new Recommender(RightSizingSettings.defaults(90));

    private static final Resources NONE = new Resources("", "", "", "", "");

    private static java.util.Optional<Resources> recommend(WorkloadUsage usage) {
        return DEFAULTS.recommend(usage, NONE);
    }

    private static WorkloadUsage usage(double p95Mib, double peakMib, double cpuP95, double cpuPeak, double oomMib,
            long samples, Duration span) {
        return new WorkloadUsage(3, samples, p95Mib * MIB, peakMib * MIB, cpuP95, cpuPeak, oomMib * MIB,
                END.minus(span), END);
    }

    private static WorkloadUsage week(double p95Mib, double peakMib, double cpuP95, double cpuPeak, double oomMib) {
        return usage(p95Mib, peakMib, cpuP95, cpuPeak, oomMib, 20160, Duration.ofDays(7));
    }

    @Test
    void steadyUse() {
        // memory: 100Mi x 1.15 = 115 -> 120Mi (10Mi steps); 120Mi x 1.3 = 156 -> 200Mi (50Mi steps)
        // cpu: 20m x 1.15 = 23 -> 30m (10m steps); 50m x 1.3 = 65 -> 100m (50m steps); GOMEMLIMIT 90% of 200Mi
        assertThat(recommend(week(100, 120, 0.020, 0.050, 0)))
                .contains(new Resources("30m", "100m", "120Mi", "200Mi", "180MiB"));
    }

    @Test
    void anOomKillRaisesTheLimitToOneAndAHalfTimesTheLimitDaprdDiedAt() {
        // request: 600 x 1.15 = 690Mi; limit: max(1000 x 1.3 = 1300, 1000 x 1.5 = 1500) = 1500Mi
        assertThat(recommend(week(600, 1000, 0.1, 0.3, 1000)))
                .contains(new Resources("120m", "400m", "690Mi", "1500Mi", "1350MiB"));
    }

    @Test
    void floorsAndCeilings() {
        // 10Mi x 1.15 -> 20 -> floor 32Mi; 15 x 1.3 -> 50 -> floor 128Mi; 1m -> 10m; 1.3m -> 50m
        assertThat(recommend(week(10, 15, 0.001, 0.001, 0)))
                .contains(new Resources("10m", "50m", "32Mi", "128Mi", "115MiB"));
        // 9Gi x 1.15 = 10598.4 -> 10600 -> ceiling 8192; 10Gi x 1.3 -> ceiling 8192; 5 cores -> 4000m ceiling
        assertThat(recommend(week(9 * 1024, 10 * 1024, 5, 6, 0)))
                .contains(new Resources("4000m", "4000m", "8192Mi", "8192Mi", "7372MiB"));
    }

    @Test
    void noRecommendationWithoutEnoughHistory() {
        assertThat(recommend(usage(100, 120, 0.02, 0.05, 0, 999, Duration.ofDays(7)))).isEmpty();
        assertThat(recommend(usage(100, 120, 0.02, 0.05, 0, 20160, Duration.ofHours(23)))).isEmpty();
        assertThat(recommend(usage(100, 120, 0.02, 0.05, 0, 1000, Duration.ofHours(24)))).isPresent();
    }

    @Test
    void onlyMaterialDifferencesCount() {
        Resources guideline = new Resources("100m", "300m", "250Mi", "1000Mi", "900MiB");
        // 240Mi against 250Mi: neither 20% nor 64Mi apart
        assertThat(DEFAULTS.material(guideline, new Resources("100m", "300m", "240Mi", "1000Mi", "900MiB"))).isFalse();
        // 200Mi against 1000Mi limit: far apart
        assertThat(DEFAULTS.material(guideline, new Resources("100m", "300m", "250Mi", "200Mi", "180MiB"))).isTrue();
        // 30% off but only 30m: below the 50m absolute threshold
        assertThat(DEFAULTS.material(guideline, new Resources("70m", "300m", "250Mi", "1000Mi", "900MiB"))).isFalse();
        // nothing set now: material
        assertThat(DEFAULTS.material(new Resources("", "", "", "", ""), guideline)).isTrue();
    }

    @Test
    void theWindowIsWrittenAsPrometheusReadsIt() {
        assertThat(RightSizingSettings.defaults(90).windowText()).isEqualTo("7d");
    }

    @Test
    void cpuThatWasNotMeasuredStaysAsItIs() {
        Resources now = new Resources("100m", "300m", "250Mi", "1000Mi", "900MiB");
        WorkloadUsage noCpu = week(100, 120, Double.NaN, Double.NaN, 0);
        assertThat(DEFAULTS.recommend(noCpu, now)).contains(new Resources("100m", "300m", "120Mi", "200Mi", "180MiB"));
        assertThat(DEFAULTS.material(now, DEFAULTS.recommend(noCpu, now).orElseThrow())).isTrue();
        assertThat(DEFAULTS.material(now, new Resources("100m", "300m", "250Mi", "1000Mi", "900MiB"))).isFalse();
        assertThat(WorkloadUsage.of(java.util.List.of(
                new PodUsage("shop", "a", 1, 1, Double.NaN, Double.NaN, 1, END, END),
                new PodUsage("shop", "b", 1, 1, 0.2, 0.3, 1, END, END)), 0).cpuPeak()).isEqualTo(0.3);
    }
}

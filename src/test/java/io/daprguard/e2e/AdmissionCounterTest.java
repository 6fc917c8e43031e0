package io.daprguard.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.metrics.AdmissionMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AdmissionCounterTest {

    @Test
    void sumsEverySeriesOfTheRequestCounter() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // The server registers every webhook/mode series with zero at start.
        new AdmissionMetrics(registry, true, "test");
        assertThat(registry.find(AdmissionCounter.REQUESTS).counters()).isNotEmpty();
        assertThat(AdmissionCounter.total(registry)).isZero();

        Counter.builder(AdmissionCounter.REQUESTS).tags("webhook", "mutate", "namespace", "shop", "dry_run", "false")
                .register(registry).increment(2);
        Counter.builder(AdmissionCounter.REQUESTS).tags("webhook", "validate", "namespace", "shop", "dry_run", "true")
                .register(registry).increment();
        Counter.builder(AdmissionCounter.REQUESTS).tags("webhook", "validate", "namespace", "other", "dry_run", "true")
                .register(registry).increment(4);
        Counter.builder("daprguard.rule.results").tags("rule", "app-id").register(registry).increment(100);

        assertThat(AdmissionCounter.total(registry)).isEqualTo(7);
        assertThat(AdmissionCounter.total(registry, "namespace", "shop")).isEqualTo(3);
        assertThat(AdmissionCounter.total(registry, "namespace", "shop", "dry_run", "true")).isEqualTo(1);
        assertThat(AdmissionCounter.total(registry, "namespace", "nowhere")).isZero();
    }
}

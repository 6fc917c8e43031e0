package io.daprguard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StartupWarmupTest {

    @Test
    void everyStepRunsToTheEnd() {
        List<StartupWarmup.Step> steps = StartupWarmup.run();

        assertThat(steps).extracting(StartupWarmup.Step::name).containsExactly("tls", "reviews");
        assertThat(steps).allSatisfy(step -> {
            assertThat(step.failure()).as(step.name()).isNull();
            assertThat(step.ok()).as(step.name()).isTrue();
        });
    }

    @Test
    void onlyFalseTurnsItOff() {
        java.util.Properties properties = new java.util.Properties();
        assertThat(StartupWarmup.enabled(properties)).isTrue();
        properties.setProperty("dapr-guard.startup-warmup", "true");
        assertThat(StartupWarmup.enabled(properties)).isTrue();
        properties.setProperty("dapr-guard.startup-warmup", " FALSE ");
        assertThat(StartupWarmup.enabled(properties)).isFalse();
    }

    @Test
    void theThreadIsADaemonAndFinishes() throws InterruptedException {
        Thread thread = StartupWarmup.start();

        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.getName()).isEqualTo("dapr-guard-warmup");
        StartupWarmup.await(thread);
        assertThat(thread.isAlive()).isFalse();
        StartupWarmup.await(null);
    }
}

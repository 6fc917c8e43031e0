package io.daprguard.metrics;

import io.daprguard.Reviews;
import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.Rules;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AdmissionMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AdmissionMetrics metrics = new AdmissionMetrics(registry, false, "1.2.3");
    private final AdmissionHandler handler = new AdmissionHandler(new PolicyEngine(Policy.standard()), Mode.ENFORCE,
            new AdmissionReviewCodec(), false);

    private static final String BAD_POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"orders-","annotations":
            {"dapr.io/enabled":"true","dapr.io/app-id":"orders","dapr.io/sidecar-memory-limit":"1000MB"}},
             "spec":{"containers":[{"name":"orders","image":"orders:1"}]}}""";

    @Test
    void everyRuleAndWebhookSeriesExistsAtZeroBeforeAnyReview() {
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("daprguard_build_info{version=\"1.2.3\"} 1\n")
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"violation\",rule=\"sidecar-resources\"} 0.0")
                .contains("daprguard_rule_results_total{mode=\"audit\",outcome=\"skipped\",rule=\"log-level\"} 0.0")
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                        + "operation=\"CREATE\",result=\"denied\",webhook=\"validate\"} 0.0")
                .contains("daprguard_admission_duration_seconds_count{dry_run=\"false\",kind=\"Pod\",mode=\"audit\","
                        + "operation=\"CREATE\",webhook=\"mutate\"} 0");
        assertThat(scrape.lines().filter(l -> l.startsWith("daprguard_rule_results_total{")).count())
                .as("every rule x 6 outcomes x 2 modes").isEqualTo(Rules.all().size() * 6L * 2L);
    }

    @Test
    void skippedAndExpiredExceptionsAreCounted() {
        Policy policy = Policy.standard();
        AdmissionHandler dated = new AdmissionHandler(new PolicyEngine(policy, Clock.fixed(
                Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC)), Mode.ENFORCE, new AdmissionReviewCodec(), false);
        String expired = BAD_POD.replace("\"dapr.io/enabled\"", "\"daprguard.io/skip\":\"api-token\","
                + "\"daprguard.io/skip-until\":\"2026-11-23\",\"dapr.io/enabled\"");
        String current = BAD_POD.replace("\"dapr.io/enabled\"", "\"daprguard.io/skip\":\"app-token\","
                + "\"daprguard.io/skip-until\":\"2026-12-01\",\"dapr.io/enabled\"");
        for (String pod : new String[] {expired, current}) {
            AdmissionHandler.Result result = dated.handle(Reviews.podCreate("admission.k8s.io/v1", "u", pod)
                    .getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
            metrics.reviewed(result.outcome(), 1000);
        }
        assertThat(registry.scrape())
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"expired\",rule=\"api-token\"} 1.0")
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"warning\",rule=\"api-token\"} 2.0")
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"skipped\",rule=\"app-token\"} 1.0")
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"warning\",rule=\"app-token\"} 1.0");
    }

    @Test
    void reviewsAreCountedWithBoundedLabels() {
        serve(Reviews.podCreate("admission.k8s.io/v1", "u1", BAD_POD), Webhook.VALIDATE, false);
        serve(Reviews.podCreate("admission.k8s.io/v1", "u2", BAD_POD), Webhook.MUTATE, false);
        serve(Reviews.podCreate("admission.k8s.io/v1", "u3", BAD_POD), Webhook.VALIDATE, true);
        serve("{not json", Webhook.VALIDATE, false);
        serve(Reviews.podCreate("admission.k8s.io/v1", "u4", BAD_POD).replace("\"Pod\"},", "\"Widget\"},"),
                Webhook.VALIDATE, false);
        String scrape = registry.scrape();
        assertThat(scrape)
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                        + "operation=\"CREATE\",result=\"denied\",webhook=\"validate\"} 1.0")
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                        + "operation=\"CREATE\",result=\"patched\",webhook=\"mutate\"} 1.0")
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"audit\","
                        + "operation=\"CREATE\",result=\"allowed\",webhook=\"validate\"} 1.0")
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"unknown\",mode=\"enforce\","
                        + "operation=\"unknown\",result=\"error\",webhook=\"validate\"} 1.0")
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"other\",mode=\"enforce\","
                        + "operation=\"CREATE\",result=\"allowed\",webhook=\"validate\"} 1.0")
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"violation\",rule=\"sidecar-resources\"} 1.0")
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"mutated\",rule=\"sidecar-resources\"} 1.0")
                .contains("daprguard_rule_results_total{mode=\"audit\",outcome=\"violation\",rule=\"sidecar-resources\"} 1.0")
                .contains("daprguard_admission_duration_seconds_bucket{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                        + "operation=\"CREATE\",webhook=\"validate\",le=\"5.0E-4\"}")
                .contains("le=\"5.0\"}")
                .doesNotContain("orders-").doesNotContain("u1");
    }

    @Test
    void repeatedReviewsKeepCountingOnTheSameSeries() throws InterruptedException {
        // The meters are looked up once per series and reused: counts and the histogram must still add up,
        // also when several threads review at once.
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 25; i++) {
                    serve(Reviews.podCreate("admission.k8s.io/v1", "u", BAD_POD), Webhook.VALIDATE, false);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(registry.scrape())
                .contains("daprguard_admission_requests_total{dry_run=\"false\",kind=\"Pod\",mode=\"enforce\","
                        + "operation=\"CREATE\",result=\"denied\",webhook=\"validate\"} 100.0")
                .contains("daprguard_admission_duration_seconds_count{dry_run=\"false\",kind=\"Pod\","
                        + "mode=\"enforce\",operation=\"CREATE\",webhook=\"validate\"} 100")
                .contains("daprguard_rule_results_total{mode=\"enforce\",outcome=\"violation\","
                        + "rule=\"sidecar-resources\"} 100.0");
    }

    @Test
    void namespaceLabelOnlyWhenSwitchedOn() {
        PrometheusMeterRegistry withNamespace = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AdmissionMetrics labelled = new AdmissionMetrics(withNamespace, true, "1");
        AdmissionHandler.Result result = handler.handle(Reviews.podCreate("admission.k8s.io/v1", "u", BAD_POD)
                .getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
        labelled.reviewed(result.outcome(), TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(withNamespace.scrape()).contains("namespace=\"shop\",operation=\"CREATE\",result=\"denied\"");
        assertThat(registry.scrape()).doesNotContain("namespace=");
    }

    private void serve(String body, Webhook webhook, boolean audit) {
        AdmissionHandler.Result result = handler.handle(body.getBytes(StandardCharsets.UTF_8), webhook, audit);
        metrics.reviewed(result.outcome(), TimeUnit.MICROSECONDS.toNanos(300));
    }
}

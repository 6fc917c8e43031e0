package io.daprguard.e2e;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;

/**
 * Reads {@code daprguard_admission_requests_total} (Micrometer {@code daprguard.admission.requests}) from the
 * server's registry: the number of reviews the server answered, summed over every series.
 */
final class AdmissionCounter {

    /** The Micrometer name of the series Prometheus shows as {@code daprguard_admission_requests_total}. */
    static final String REQUESTS = "daprguard.admission.requests";

    private AdmissionCounter() {
    }

    /** The sum over all series. */
    static double total(MeterRegistry registry) {
        return sum(registry.find(REQUESTS));
    }

    /** The sum over the series with that tag (e.g. {@code namespace}, {@code dry_run}, {@code result}). */
    static double total(MeterRegistry registry, String... tagKeysAndValues) {
        return sum(registry.find(REQUESTS).tags(tagKeysAndValues));
    }

    private static double sum(Search search) {
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }
}

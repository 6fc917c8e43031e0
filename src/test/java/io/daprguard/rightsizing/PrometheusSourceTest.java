package io.daprguard.rightsizing;

import static io.daprguard.rightsizing.PrometheusServer.OpenMetrics.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PrometheusSource} against a real Prometheus holding a week of daprd history, loaded with promtool. Every
 * expected value is computed from the generators below the way Prometheus computes it.
 */
class PrometheusSourceTest {

    private static final double MIB = 1024 * 1024;
    /** A week at 30 s, a little less so that the 7-day window holds every sample. */
    private static final int COUNT = 20_000;
    private static final Duration STEP = Duration.ofMinutes(5);
    private static final int RECENT = 120;

    private static final IntToDoubleFunction STEADY = i -> 100 * MIB;
    private static final IntToDoubleFunction SPIKY = i -> i % 100 == 50 ? 400 * MIB : 100 * MIB;
    private static final IntToDoubleFunction GROWING = i -> 50 * MIB + 250 * MIB * i / (COUNT - 1);
    /** Climbs from 200 to 1000 MiB in 8 hours, is OOM-killed and starts again. */
    private static final IntToDoubleFunction OOM = i -> 200 * MIB + 800 * MIB * (i % 960) / 959.0;
    private static final IntToDoubleFunction OLD = i -> 80 * MIB;

    /** Cumulative CPU seconds at 30 s a sample: 0.05, 0.02, 0.03 cores; the OOM pod's counter restarts. */
    private static final IntToDoubleFunction CPU_STEADY = i -> 1.5 * i;
    private static final IntToDoubleFunction CPU_SPIKY = i -> 0.6 * i;
    private static final IntToDoubleFunction CPU_OLD = i -> 0.9 * i;
    private static final IntToDoubleFunction CPU_OOM = i -> 3.0 * (i % 960 + 1);

    private static final String ORDERS = "orders-6d8f9c7b5-abcde";
    private static final String OLD_1 = "orders-5c4b7a9d8-q9w3z";
    private static final String OLD_2 = "orders-5c4b7a9d8-x2k7p";
    private static final String CART = "cart-0";
    private static final String INVOICES = "invoices-7f9b8c6d5-lmnop";
    private static final String LEDGER = "ledger-2xk9p";

    private static Instant now;
    private static Instant start;
    private static Instant end;
    private static int oldCount;
    private static Instant oldEnd;
    private static PrometheusServer prometheus;
    private static PrometheusSource source;

    @BeforeAll
    static void startPrometheus() throws Exception {
        PrometheusServer.assumeAvailable();
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        end = now.minus(Duration.ofMinutes(2));
        start = end.minus(PrometheusServer.OpenMetrics.INTERVAL.multipliedBy(COUNT - 1));
        // The old ReplicaSet's pods stopped 3 days ago.
        oldCount = (int) (Duration.between(start, now.minus(Duration.ofDays(3))).toSeconds() / 30) + 1;
        oldEnd = start.plus(PrometheusServer.OpenMetrics.INTERVAL.multipliedBy(oldCount - 1));
        Instant recent = end.minus(PrometheusServer.OpenMetrics.INTERVAL.multipliedBy(RECENT - 1));
        Instant oldRecent = oldEnd.minus(PrometheusServer.OpenMetrics.INTERVAL.multipliedBy(RECENT - 1));

        String history = new PrometheusServer.OpenMetrics()
                .daprd("shop", ORDERS, start, COUNT, STEADY, CPU_STEADY)
                .daprd("shop", OLD_1, start, oldCount, OLD, CPU_OLD)
                .daprd("shop", OLD_2, start, oldCount, OLD, CPU_OLD)
                .daprd("shop", CART, start, COUNT, SPIKY, CPU_SPIKY)
                .daprd("billing", INVOICES, start, COUNT, GROWING, null)
                .daprd("billing", LEDGER, start, COUNT, OOM, CPU_OOM)
                // Absurd values, each in its own pod, and a series without a pod label
                .daprd("lab", "absurd-nan", recent, RECENT, i -> Double.NaN, null)
                .daprd("lab", "absurd-negative", recent, RECENT, i -> -5, null)
                .daprd("lab", "absurd-huge", recent, RECENT, i -> 1e30, null)
                .series("container_memory_working_set_bytes", "gauge",
                        labels("namespace", "lab", "container", "daprd"), recent, RECENT, STEADY)
                .podOwner("shop", ORDERS, "ReplicaSet", "orders-6d8f9c7b5", recent, RECENT)
                .podOwner("shop", OLD_1, "ReplicaSet", "orders-5c4b7a9d8", oldRecent, RECENT)
                .podOwner("shop", OLD_2, "ReplicaSet", "orders-5c4b7a9d8", oldRecent, RECENT)
                .podOwner("shop", CART, "StatefulSet", "cart", recent, RECENT)
                .podOwner("shop", "web-7c9d8-zzzzz", "ReplicaSet", "web-7c9d8", recent, RECENT)
                .podOwner("billing", INVOICES, "ReplicaSet", "invoices-7f9b8c6d5", recent, RECENT)
                .podOwner("billing", LEDGER, "<none>", "<none>", recent, RECENT)
                .replicaSetOwner("shop", "orders-6d8f9c7b5", "Deployment", "orders", recent, RECENT)
                .replicaSetOwner("shop", "orders-5c4b7a9d8", "Deployment", "orders", oldRecent, RECENT)
                .replicaSetOwner("shop", "web-7c9d8", "Deployment", "web", recent, RECENT)
                .text();
        prometheus = PrometheusServer.start(history);
        source = new PrometheusSource(prometheus.url(), Optional.empty(), Optional.empty(), Duration.ofSeconds(30),
                Duration.ofDays(7));
    }

    @AfterAll
    static void stopPrometheus() {
        if (prometheus != null) {
            prometheus.close();
        }
    }

    @Test
    void memoryOfEachShapeIsItsP95AndPeak() throws SourceException {
        UsageSnapshot all = source.fetch(Set.of(), now);

        assertMemory(pod(all, "shop", ORDERS), STEADY, COUNT, 100 * MIB);
        assertMemory(pod(all, "shop", CART), SPIKY, COUNT, 400 * MIB);
        assertMemory(pod(all, "billing", INVOICES), GROWING, COUNT, 300 * MIB);
        assertMemory(pod(all, "billing", LEDGER), OOM, COUNT, 1000 * MIB);
        assertMemory(pod(all, "shop", OLD_1), OLD, oldCount, 80 * MIB);
        // The rare spikes stay above the 95th percentile; the growing pod's is 95 % of the way.
        assertThat(pod(all, "shop", CART).memoryP95()).isEqualTo(100 * MIB);
        assertThat(pod(all, "billing", INVOICES).memoryP95()).isCloseTo(287.5 * MIB, within(1.0));
        assertThat(pod(all, "billing", LEDGER).memoryP95()).isBetween(950 * MIB, 1000 * MIB);
    }

    @Test
    void samplesAndTheirTimes() throws SourceException {
        UsageSnapshot all = source.fetch(Set.of(), now);

        // First and last are 5-minute steps: the first at most 5 minutes after the real sample, the last at most 5
        // minutes from it (a running pod's last samples follow the last step before now).
        for (String name : new String[] {ORDERS, CART}) {
            PodUsage usage = pod(all, "shop", name);
            assertThat(usage.samples()).isEqualTo(COUNT);
            assertThat(usage.first()).isBetween(start, start.plus(STEP));
            assertThat(usage.last()).isBetween(end.minus(STEP), now);
        }
        PodUsage old = pod(all, "shop", OLD_2);
        assertThat(old.samples()).isEqualTo(oldCount);
        assertThat(old.first()).isBetween(start, start.plus(STEP));
        assertThat(old.last()).isBetween(oldEnd, oldEnd.plus(STEP));
    }

    @Test
    void cpuInCores() throws SourceException {
        UsageSnapshot all = source.fetch(Set.of(), now);

        assertCpu(pod(all, "shop", ORDERS), 0.05);
        assertCpu(pod(all, "shop", CART), 0.02);
        assertCpu(pod(all, "shop", OLD_1), 0.03);
        // The counter restarts with each OOM kill; rate() sees through it.
        assertCpu(pod(all, "billing", LEDGER), 0.1);
        // No CPU series: not measured (NaN), never "no use"
        assertThat(pod(all, "billing", INVOICES).cpuP95()).isNaN();
        assertThat(pod(all, "billing", INVOICES).cpuPeak()).isNaN();
    }

    @Test
    void everyPodWithSamplesSortedAndOwnersToTheTopController() throws SourceException {
        UsageSnapshot all = source.fetch(Set.of(), now);

        assertThat(all.pods()).extracting(p -> p.namespace() + "/" + p.pod()).containsExactly(
                "billing/" + INVOICES, "billing/" + LEDGER,
                "shop/" + CART, "shop/" + OLD_1, "shop/" + OLD_2, "shop/" + ORDERS);
        assertThat(all.owners()).isEqualTo(Map.of(
                "shop/" + ORDERS, "Deployment/orders",
                "shop/" + OLD_1, "Deployment/orders",
                "shop/" + OLD_2, "Deployment/orders",
                "shop/" + CART, "StatefulSet/cart",
                "billing/" + INVOICES, "ReplicaSet/invoices-7f9b8c6d5"));
    }

    @Test
    void absurdValuesAndMissingLabelsAreIgnoredAndCounted() throws SourceException {
        UsageSnapshot all = source.fetch(Set.of(), now);
        UsageSnapshot lab = source.fetch(Set.of("lab"), now);

        // NaN, negative and 1e30: their p95 and peak (2 x 3); no pod label: the 5 memory queries
        assertThat(all.ignored()).isEqualTo(11);
        assertThat(lab.ignored()).isEqualTo(11);
        assertThat(lab.pods()).isEmpty();
        assertThat(lab.owners()).isEmpty();
        assertThat(all.pods()).noneMatch(p -> p.namespace().equals("lab"));
    }

    @Test
    void namespacesFilterWithTheSameNumberOfQueries() throws SourceException {
        UsageSnapshot all = source.fetch(Set.of(), now);
        UsageSnapshot billing = source.fetch(Set.of("billing"), now);
        UsageSnapshot two = source.fetch(Set.of("billing", "shop"), now);

        assertThat(billing.pods()).extracting(PodUsage::pod).containsExactly(INVOICES, LEDGER);
        assertThat(billing.owners()).isEqualTo(Map.of("billing/" + INVOICES, "ReplicaSet/invoices-7f9b8c6d5"));
        assertThat(billing.ignored()).isZero();
        assertThat(two.pods()).isEqualTo(all.pods());
        assertThat(two.owners()).isEqualTo(all.owners());
        assertThat(all.queries()).isEqualTo(9);
        assertThat(billing.queries()).isEqualTo(9);
        assertThat(two.queries()).isEqualTo(9);
    }

    @Test
    void hostileNamespaceNamesMatchNothing() throws SourceException {
        for (String hostile : new String[] {"a\"}|x", ".*", "shop|billing", "shop\"} or vector(1) # "}) {
            UsageSnapshot snapshot = source.fetch(Set.of(hostile), now);

            assertThat(snapshot.pods()).as(hostile).isEmpty();
            assertThat(snapshot.owners()).as(hostile).isEmpty();
            assertThat(snapshot.ignored()).as(hostile).isZero();
            assertThat(snapshot.queries()).as(hostile).isEqualTo(9);
        }
        assertThat(source.fetch(Set.of("billing", ".*"), now).pods()).extracting(PodUsage::pod)
                .containsExactly(INVOICES, LEDGER);
    }

    private static void assertMemory(PodUsage usage, IntToDoubleFunction bytes, int count, double peak) {
        assertThat(usage.memoryP95()).as(usage.pod()).isCloseTo(quantile(0.95, bytes, count), within(1.0));
        assertThat(usage.memoryPeak()).as(usage.pod()).isEqualTo(peak);
    }

    private static void assertCpu(PodUsage usage, double cores) {
        assertThat(usage.cpuP95()).as(usage.pod()).isCloseTo(cores, within(1e-9));
        assertThat(usage.cpuPeak()).as(usage.pod()).isCloseTo(cores, within(1e-9));
    }

    /** Prometheus's quantile: linear interpolation at rank q * (n - 1) of the sorted samples. */
    private static double quantile(double q, IntToDoubleFunction values, int count) {
        double[] sorted = new double[count];
        Arrays.setAll(sorted, values::applyAsDouble);
        Arrays.sort(sorted);
        double rank = q * (count - 1);
        int lower = (int) Math.floor(rank);
        int upper = Math.min(lower + 1, count - 1);
        double weight = rank - lower;
        return sorted[lower] * (1 - weight) + sorted[upper] * weight;
    }

    private static PodUsage pod(UsageSnapshot snapshot, String namespace, String name) {
        return snapshot.pods().stream()
                .filter(p -> p.namespace().equals(namespace) && p.pod().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(namespace + "/" + name + " not in " + snapshot.pods()));
    }
}

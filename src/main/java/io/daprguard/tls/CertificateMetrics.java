package io.daprguard.tls;

import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Micrometer meters for the server's certificates ({@value #EXPIRY} and {@value #RELOADS}; the README's metrics
 * table says what they mean). All are registered when this object is created, so every series exists from start-up
 * on (the expiry gauges NaN, the counters 0) and alerts see them before the first reload.
 */
public final class CertificateMetrics {

    /** Name of the expiry gauge. */
    public static final String EXPIRY = "daprguard.certificate.expiry.timestamp";

    /** Name of the reload counter. */
    public static final String RELOADS = "daprguard.certificate.reloads";

    private volatile double servingNotAfter = Double.NaN;

    private volatile double caNotAfter = Double.NaN;

    private final Counter successes;

    private final Counter failures;

    /**
     * Registers the meters.
     *
     * @param registry where to register them
     */
    public CertificateMetrics(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        expiryGauge("serving", (metrics) -> metrics.servingNotAfter).register(registry);
        expiryGauge("ca", (metrics) -> metrics.caNotAfter).register(registry);
        successes = reloadCounter("success").register(registry);
        failures = reloadCounter("failure").register(registry);
    }

    private Gauge.Builder<CertificateMetrics> expiryGauge(String certificate, ToDoubleFunction<CertificateMetrics> value) {
        // One description for both series: Prometheus shows a single HELP line per metric name.
        return Gauge.builder(EXPIRY, this, value)
            .strongReference(true)
            .baseUnit("seconds")
            .tag("certificate", certificate)
            .description("End of validity (notAfter) as Unix epoch seconds of the loaded certificate: serving = the"
                    + " admission port's serving certificate, ca = the first certificate in ca.crt");
    }

    private static Counter.Builder reloadCounter(String result) {
        return Counter.builder(RELOADS)
            .tag("result", result)
            .description("Reloads of the admission port's certificate after start-up, by result");
    }

    /** The serving certificate now loaded. */
    void servingCertificateLoaded(X509Certificate certificate) {
        servingNotAfter = epochSeconds(certificate);
    }

    /** The CA certificate now read from {@code ca.crt}. */
    void caCertificateLoaded(X509Certificate certificate) {
        caNotAfter = epochSeconds(certificate);
    }

    /** A changed serving bundle was put into service. */
    void reloadSucceeded() {
        successes.increment();
    }

    /** A changed serving bundle was refused. */
    void reloadFailed() {
        failures.increment();
    }

    private static double epochSeconds(X509Certificate certificate) {
        return certificate.getNotAfter().toInstant().getEpochSecond();
    }
}

package io.daprguard.ops;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The first thing to stop on SIGTERM. By then Spring Boot has turned readiness to refusing traffic; this waits
 * the drain period while the server still accepts and serves new connections (endpoints controllers and
 * kube-proxy need a moment to stop routing to this pod), then lets the web server's graceful shutdown finish the
 * reviews in flight before the process exits.
 */
public final class DrainOnShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainOnShutdown.class);

    private final Duration drainPeriod;
    private volatile boolean running;

    public DrainOnShutdown(Duration drainPeriod) {
        this.drainPeriod = drainPeriod;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        if (drainPeriod.isZero()) {
            return;
        }
        log.info("shutting down: not ready any more; still serving new requests for {} ms, then finishing those in "
                + "flight", drainPeriod.toMillis());
        try {
            Thread.sleep(drainPeriod.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("drain period over; stopping the web server gracefully");
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server (whose graceful shutdown runs in a lower phase). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}

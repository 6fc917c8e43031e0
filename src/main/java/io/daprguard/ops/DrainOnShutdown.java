package io.daprguard.ops;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The first thing to stop on SIGTERM. By then Spring Boot has turned readiness to refusing traffic; this starts the
 * connection drain (every answer now ends its kept-alive connection: {@code Connection: close}) and waits the drain
 * period while the server still accepts and serves new connections (endpoints controllers and kube-proxy need a
 * moment to stop routing to this pod, and how long cannot be seen from here, so the period is waited in full). By
 * its end every connection in use has been closed after a complete answer; the web server's graceful shutdown then
 * finishes the reviews in flight and closes what stayed idle the whole period.
 */
public final class DrainOnShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DrainOnShutdown.class);

    private final Duration drainPeriod;
    private final Runnable startDrain;
    private volatile boolean running;

    /** @param startDrain makes every answer from now on end its connection */
    public DrainOnShutdown(Duration drainPeriod, Runnable startDrain) {
        this.drainPeriod = drainPeriod;
        this.startDrain = startDrain;
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
        startDrain.run();
        if (drainPeriod.isZero()) {
            return;
        }
        log.info("shutting down: not ready any more; still serving new requests for {} ms, each answer ending its "
                + "connection, then finishing those in flight", drainPeriod.toMillis());
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

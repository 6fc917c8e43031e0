package io.daprguard.cluster;

import java.util.concurrent.TimeUnit;

/**
 * Spaces calls evenly at no more than {@code qps} per second (client-go's QPS without the burst): the audit's list
 * calls never arrive at the apiserver in a burst, whatever the page size.
 */
final class RateLimiter {

    private final long intervalNanos;
    private long next;

    RateLimiter(double qps) {
        if (!(qps > 0)) {
            throw new IllegalArgumentException("qps must be positive, was " + qps);
        }
        this.intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / qps);
        this.next = System.nanoTime();
    }

    /** Waits for the next slot. */
    synchronized void acquire() throws InterruptedException {
        long now = System.nanoTime();
        if (next - now > 0) {
            TimeUnit.NANOSECONDS.sleep(next - now);
            now = System.nanoTime();
        }
        next = Math.max(next, now) + intervalNanos;
    }
}

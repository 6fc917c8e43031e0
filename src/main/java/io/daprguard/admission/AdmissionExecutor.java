package io.daprguard.admission;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the admission port's socket work (TLS handshakes, reading and answering reviews) and decides, before a
 * review is read and parsed, whether it is served or refused with a fast code-429 answer.
 *
 * <p>Reviews are CPU work: a fixed pool of platform threads serves them first come, first served, so the
 * requests being read, parsed and answered at any time are bounded by the pool, not by the number of
 * connections. (With a virtual thread per socket, as Tomcat runs with {@code spring.threads.virtual.enabled},
 * every connection with data started a review at once; at 64 to 256 connections the half-done reviews and their
 * Tomcat buffers filled the old generation and the server collapsed into back-to-back full collections:
 * bench/results.) Work beyond {@code maxInProgress} (queued or running) goes to a shedding lane of its own, so
 * that its 429 answer does not wait behind the queue it would add to; {@link #refusal()} tells the
 * controller, on the thread that serves the request, why it must refuse it. A task that waited in the queue
 * longer than {@code maxWait} is refused too: when the queue is that long, an answer after parsing and
 * evaluating would come too late to help.
 */
public final class AdmissionExecutor implements Executor, AutoCloseable {

    private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor shedding;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final int maxInProgress;
    private final long maxWaitNanos;

    /**
     * @param threads worker threads
     * @param maxInProgress socket tasks queued or running at once before more are refused
     * @param maxWait the longest wait in the queue after which a review is refused instead of evaluated
     */
    public AdmissionExecutor(int threads, int maxInProgress, Duration maxWait) {
        this.workers = pool("admission-", threads);
        // As many threads as the workers: when both lanes are busy, refusals get about half the CPU, so that a 429
        // comes fast while the reviews already admitted still progress.
        this.shedding = pool("admission-shed-", threads);
        this.maxInProgress = maxInProgress;
        this.maxWaitNanos = maxWait.toNanos();
    }

    private static ThreadPoolExecutor pool(String prefix, int threads) {
        AtomicInteger number = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, prefix + number.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    @Override
    public void execute(Runnable command) {
        boolean shed = inProgress.incrementAndGet() > maxInProgress;
        if (shed) {
            inProgress.decrementAndGet();
        }
        Task task = new Task(command, System.nanoTime(), shed);
        try {
            (shed ? shedding : workers).execute(task);
        } catch (RuntimeException e) {
            if (!shed) {
                inProgress.decrementAndGet();
            }
            throw e;
        }
    }

    /** Socket tasks queued for or running on the workers now; the shedding lane is not counted. */
    public int inProgress() {
        return inProgress.get();
    }

    /**
     * Why the request served on this thread must be answered with code 429 instead of being evaluated, or null to
     * serve it. Null too on a thread this executor does not run (tests that call the controller directly).
     */
    public static String refusal() {
        Task task = CURRENT.get();
        if (task == null) {
            return null;
        }
        if (task.shed) {
            return "more than " + task.owner().maxInProgress + " reviews in progress";
        }
        long waited = System.nanoTime() - task.queued;
        if (waited > task.owner().maxWaitNanos) {
            return "waited " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms for a worker (more than "
                    + TimeUnit.NANOSECONDS.toMillis(task.owner().maxWaitNanos) + " ms)";
        }
        return null;
    }

    /** Stops taking work and waits up to 10 seconds for what runs to finish. */
    @Override
    public void close() {
        for (ThreadPoolExecutor pool : List.of(workers, shedding)) {
            pool.shutdown();
        }
        try {
            for (ThreadPoolExecutor pool : List.of(workers, shedding)) {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Task implements Runnable {
        private final Runnable command;
        private final long queued;
        private final boolean shed;

        Task(Runnable command, long queued, boolean shed) {
            this.command = command;
            this.queued = queued;
            this.shed = shed;
        }

        AdmissionExecutor owner() {
            return AdmissionExecutor.this;
        }

        @Override
        public void run() {
            CURRENT.set(this);
            try {
                command.run();
            } finally {
                CURRENT.remove();
                if (!shed) {
                    inProgress.decrementAndGet();
                }
            }
        }
    }
}

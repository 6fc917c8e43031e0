package io.daprguard.tls;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.context.SmartLifecycle;

/**
 * Calls {@link CertificateReloader#reload(SslBundleRegistry)} every {@code dapr-guard.tls.reload-interval}
 * on one daemon thread, {@value #THREAD_NAME}, from application start until the context closes.
 *
 * <p>Polling, not file events: the kubelet updates a mounted Secret by swapping a symlink, which
 * file watchers report unreliably, while reading the files catches every kind of update at the
 * cost of reading a few small files per interval.
 *
 * <p>As a {@link SmartLifecycle} in the default phase it starts after the web server and stops
 * before it: {@link #stop()} lets a check that is running finish (a reload is never cut in half) and
 * waits up to {@link #STOP_TIMEOUT} for it.
 */
public final class CertificateReloadPoller implements SmartLifecycle {

    /** Name of the polling thread. */
    public static final String THREAD_NAME = "dapr-guard-certificate-reload";

    /** How long {@link #stop()} waits for a running check. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(CertificateReloadPoller.class);

    private final CertificateReloader reloader;

    private final SslBundleRegistry registry;

    private final Duration interval;

    private final ThreadFactory threadFactory;

    private ScheduledThreadPoolExecutor executor;

    /**
     * @param reloader does the checking
     * @param registry the registry holding the bundle, as used by the web server
     * @param interval time between the end of one check and the start of the next
     */
    public CertificateReloadPoller(CertificateReloader reloader, SslBundleRegistry registry, Duration interval) {
        this(reloader, registry, interval, CertificateReloadPoller::newThread);
    }

    CertificateReloadPoller(CertificateReloader reloader, SslBundleRegistry registry, Duration interval,
            ThreadFactory threadFactory) {
        this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
        this.reloader = Objects.requireNonNull(reloader, "reloader");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, but was " + interval);
        }
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        ScheduledThreadPoolExecutor started = new ScheduledThreadPoolExecutor(1, threadFactory);
        started.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        started.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        long millis = interval.toMillis();
        started.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
        executor = started;
        log.info("Checking {} every {} for a changed TLS certificate", reloader.files().directory(), interval);
    }

    @Override
    public synchronized void stop() {
        ScheduledThreadPoolExecutor stopping = executor;
        if (stopping == null) {
            return;
        }
        executor = null;
        stopping.shutdown();
        try {
            if (!stopping.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The TLS certificate check did not finish within {}; interrupting it", STOP_TIMEOUT);
                stopping.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            stopping.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("Stopped checking {} for a changed TLS certificate", reloader.files().directory());
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /** The polling thread: named {@value #THREAD_NAME}, and a daemon, so it never keeps the JVM alive. */
    static Thread newThread(Runnable task) {
        Thread thread = new Thread(task, THREAD_NAME);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * One check. An unexpected exception is logged and the next check still runs (an exception
     * escaping a periodic task would silently cancel all later ones); an {@link Error} is logged and
     * ends the polling.
     */
    void check() {
        try {
            reloader.reload(registry);
        }
        catch (RuntimeException ex) {
            log.error("Checking the TLS files for a changed certificate failed unexpectedly; trying again in {}",
                    interval, ex);
        }
        catch (Error ex) {
            log.error("Checking the TLS files for a changed certificate failed with an error; certificate reloading"
                    + " stops until the application is restarted", ex);
            throw ex;
        }
    }
}

package io.daprguard.ops;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.Webhook;
import io.daprguard.tls.TlsWarmup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs, on a second thread while Spring starts on the main one, the code the first moments of the server need
 * anyway: the TLS set-up ({@link TlsWarmup}) and one review of each kind through the codec and the policy
 * engine. On a machine with a spare core, classes are loaded and code is
 * compiled before the main thread reaches it, so the first review comes sooner (bench/README.md, "start-up").
 *
 * <p>Nothing here touches the certificate directory, the network or the Spring context, and nothing it makes is
 * kept: the key pair and certificates are throwaway, generated in memory. A step that fails is logged at debug
 * level and skipped; the server never depends on this having run. {@code -Ddapr-guard.startup-warmup=false}
 * turns it off (a container limited to one CPU gains nothing from it).
 */
public final class StartupWarmup {

    private static final Logger log = LoggerFactory.getLogger(StartupWarmup.class);

    /** A Dapr pod as a Deployment's ReplicaSet sends it: mutated (defaults added) and then validated. */
    private static final String REVIEW = """
            {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
             "uid":"00000000-0000-0000-0000-00000000warm","kind":{"group":"","version":"v1","kind":"Pod"},
             "resource":{"group":"","version":"v1","resource":"pods"},"namespace":"warmup","operation":"CREATE",
             "userInfo":{"username":"system:serviceaccount:kube-system:replicaset-controller"},"dryRun":false,
             "object":{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"warmup-","namespace":"warmup",
              "annotations":{"dapr.io/enabled":"true","dapr.io/app-id":"warmup","dapr.io/app-port":"8080",
               "dapr.io/sidecar-memory-limit":"1000Mi","dapr.io/env":"LOG_FORMAT=json"}},
              "spec":{"containers":[{"name":"app","image":"warmup:1","env":[{"name":"A","value":"1"}],
               "resources":{"limits":{"memory":"256Mi"}}},
               {"name":"daprd","image":"daprd:1.16","env":[{"name":"B","value":"2"}]}]}}}}""";

    /** The outcome of one step, for the debug log and the tests. */
    public record Step(String name, boolean ok, long millis, String failure) {}

    private StartupWarmup() {
    }

    /** The JVM system property that turns the warm-up off when {@code false}. */
    public static final String SWITCH = "dapr-guard.startup-warmup";

    /** Whether {@code properties} (the JVM's system properties) leave the warm-up on: anything but "false". */
    public static boolean enabled(java.util.Properties properties) {
        return !"false".equalsIgnoreCase(properties.getProperty(SWITCH, "true").strip());
    }

    /** Starts the warm-up on a daemon thread (it never holds up the exit) and returns at once. */
    public static Thread start() {
        Thread thread = new Thread(StartupWarmup::runAndLog, "dapr-guard-warmup");
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY - 1);
        thread.start();
        return thread;
    }

    /** Waits (at most 30 s) for a warm-up started by {@link #start()} to end; {@code null} returns at once. */
    public static void await(Thread warmup) {
        if (warmup == null) {
            return;
        }
        try {
            warmup.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void runAndLog() {
        for (Step step : run()) {
            if (step.ok()) {
                log.debug("start-up warm-up: {} in {} ms", step.name(), step.millis());
            } else {
                log.debug("start-up warm-up: {} failed after {} ms ({})", step.name(), step.millis(), step.failure());
            }
        }
    }

    /** Runs every step on the calling thread; a failed step does not stop the others. */
    public static List<Step> run() {
        List<Step> steps = new ArrayList<>();
        steps.add(step("tls", () -> {
            TlsWarmup.run();
            return null;
        }));
        steps.add(step("reviews", () -> {
            reviews();
            return null;
        }));
        return steps;
    }

    private static Step step(String name, Supplier<Void> work) {
        long start = System.nanoTime();
        try {
            work.get();
            return new Step(name, true, (System.nanoTime() - start) / 1_000_000, null);
        } catch (Exception | LinkageError e) {
            return new Step(name, false, (System.nanoTime() - start) / 1_000_000, e.getClass().getSimpleName());
        }
    }

    /** One review of each kind through the codec and the engine (the same classes the endpoints use). */
    private static void reviews() {
        AdmissionHandler handler = new AdmissionHandler(
                new PolicyEngine(Policy.standard()), Mode.ENFORCE, new AdmissionReviewCodec(), false);
        byte[] body = REVIEW.getBytes(StandardCharsets.UTF_8);
        for (Webhook webhook : Webhook.values()) {
            for (boolean audit : new boolean[] {false, true}) {
                AdmissionHandler.Result result = handler.handle(body, webhook, audit);
                if (result.status() != 200) {
                    throw new IllegalStateException(webhook + " answered " + result.status());
                }
            }
        }
    }
}

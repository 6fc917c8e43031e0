package io.daprguard.bench;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.Webhook;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link AdmissionHandler#handle}: decode the review bytes, run the engine, encode the answer; everything the
 * webhook does per request except HTTP, TLS, metrics and the audit log. The body parameter runs the typical pod
 * and the large ones, so the scores show how cost grows with size. /mutate gets the pod as the mutating webhook
 * sees it; /validate gets the {@code -admitted} variant (after mutation and the Dapr injector), as in a cluster.
 */
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-XX:NewRatio=1", "-Xms80m", "-Xmx80m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AdmissionHandlerBench {

    @Param({"pod-typical", "pod-10k", "pod-100k", "pod-1m"})
    public String body;

    @Param({"MUTATE", "VALIDATE"})
    public Webhook webhook;

    private AdmissionHandler handler;
    private byte[] bytes;

    @Setup
    public void setUp() {
        String name = body;
        if (webhook == Webhook.VALIDATE) {
            name = body + "-admitted";
        }
        bytes = Bodies.read(name);
        handler = new AdmissionHandler(new PolicyEngine(Policy.standard()), Mode.ENFORCE, new AdmissionReviewCodec(),
                false);
        AdmissionHandler.Result result = handler.handle(bytes, webhook, false);
        String answer = new String(result.body(), StandardCharsets.UTF_8);
        if (result.status() != 200 || !"allowed patched".contains(result.outcome().result())) {
            throw new IllegalStateException(name + " on " + webhook + ": HTTP " + result.status() + " "
                    + result.outcome().result() + " " + answer.substring(0, Math.min(300, answer.length())));
        }
    }

    @Benchmark
    public AdmissionHandler.Result handle() {
        return handler.handle(bytes, webhook, false);
    }
}

package io.daprguard.bench;

import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PolicyEngine#review} alone: the request is decoded once in setup, so this is rule evaluation (plus, for
 * /mutate, the copy-on-write working copy and the JSON diff that makes the patch). One thread: the score is
 * evaluations per second per core.
 *
 * <p>{@code pod-typical} on MUTATE is patched (cpu-limit, memory-request, GOMEMLIMIT, seccomp); on VALIDATE the
 * engine gets {@code pod-typical-admitted}, the pod as the validating webhook sees it (after mutation and the Dapr
 * injector; allowed). {@code deployment-typical} on MUTATE is not patched (templates are not mutated by default)
 * and on VALIDATE is checked as mutation will leave its template (a working copy, mutated, then validated;
 * allowed).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-XX:NewRatio=1", "-Xms80m", "-Xmx80m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PolicyEngineBench {

    @Param({"pod-typical", "deployment-typical"})
    public String body;

    @Param({"MUTATE", "VALIDATE"})
    public Webhook webhook;

    private PolicyEngine engine;
    private ReviewRequest request;

    @Setup
    public void setUp() {
        // /validate sees a pod after mutation and the Dapr injector (the -admitted body); a Deployment as it is.
        String name = webhook == Webhook.VALIDATE && body.startsWith("pod-") ? body + "-admitted" : body;
        request = new AdmissionReviewCodec().decode(Bodies.read(name)).request();
        engine = new PolicyEngine(Policy.standard());
        Verdict verdict = engine.review(request, webhook, io.daprguard.policy.Mode.ENFORCE);
        if (!verdict.reviewed()) {
            throw new IllegalStateException(body + " was not reviewed: the benchmark would measure nothing");
        }
    }

    @Benchmark
    public Verdict review() {
        return engine.review(request, webhook, io.daprguard.policy.Mode.ENFORCE);
    }
}

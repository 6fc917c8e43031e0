package io.daprguard.bench;

import io.daprguard.admission.AdmissionReviewCodec;
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
 * {@link AdmissionReviewCodec#decode} alone (strict Jackson tree parse and envelope checks): the share of
 * {@link AdmissionHandlerBench} that is JSON parsing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-XX:NewRatio=1", "-Xms80m", "-Xmx80m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CodecBench {

    @Param({"pod-typical", "pod-100k", "pod-1m"})
    public String body;

    private AdmissionReviewCodec codec;
    private byte[] bytes;

    @Setup
    public void setUp() {
        codec = new AdmissionReviewCodec();
        bytes = Bodies.read(body);
    }

    @Benchmark
    public AdmissionReviewCodec.Decoded decode() {
        return codec.decode(bytes);
    }
}

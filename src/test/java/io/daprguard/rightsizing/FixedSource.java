package io.daprguard.rightsizing;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A usage source for tests: "prometheus" answering with the pods the test sets, or failing with its message. */
public final class FixedSource implements UsageSource {

    private volatile List<PodUsage> pods;
    private volatile String failure;
    private volatile int calls;

    public FixedSource(List<PodUsage> pods) {
        this.pods = List.copyOf(pods);
    }

    /** From now on, answers with these pods. */
    public FixedSource answer(List<PodUsage> answer) {
        this.pods = List.copyOf(answer);
        this.failure = null;
        return this;
    }

    /** From now on, fails with this message. */
    public FixedSource fail(String message) {
        this.failure = message;
        return this;
    }

    /** How many times it was read. */
    public int calls() {
        return calls;
    }

    @Override
    public String name() {
        return "prometheus";
    }

    @Override
    public UsageSnapshot fetch(Set<String> namespaces, Instant now) throws SourceException {
        calls++;
        if (failure != null) {
            throw new SourceException(failure);
        }
        return new UsageSnapshot(pods, Map.of(), 9, 0);
    }
}

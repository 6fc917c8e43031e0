package io.daprguard.rightsizing;

import java.time.Instant;
import java.util.Set;

/** Where daprd's measured use comes from: Prometheus, or metrics.k8s.io samples. */
public interface UsageSource {

    /** A short name for logs, metrics and reports: {@code prometheus}, {@code metrics-server}. */
    String name();

    /** The use of every pod with daprd samples in the namespaces (all when empty), as of {@code now}. */
    UsageSnapshot fetch(Set<String> namespaces, Instant now) throws SourceException;
}

package io.daprguard.rules;

import java.util.List;
import java.util.Set;

/**
 * Right-sizing as the cluster audit sees it: before a run it may refresh what it knows of the cluster's use (never
 * while a review waits), and for each namespace it sizes the workloads whose daprd containers run there. The audit
 * knows nothing of where the use comes from (Prometheus, metrics.k8s.io): the implementation lives beside it.
 */
public interface SidecarSizer {

    /** Sizes nothing: the audit without right-sizing. */
    SidecarSizer NONE = new SidecarSizer() {
        @Override
        public void prepare(Set<String> namespaces) {}

        @Override
        public List<SidecarSizing> size(String namespace, List<NamespaceFacts.Sidecars> sidecars) {
            return List.of();
        }
    };

    /** The factor over the limit daprd was OOM-killed at that advice and recommendations use. */
    default double oomFactor() {
        return 1.5;
    }

    /** Drops what the last runs found (this replica no longer audits: its numbers would be stale). */
    default void forget() {}

    /** Refreshes what the sizer knows, for the namespaces the run audits; never throws. */
    void prepare(Set<String> namespaces);

    /** The sizing of every workload of the namespace that has a recommendation. */
    List<SidecarSizing> size(String namespace, List<NamespaceFacts.Sidecars> sidecars);
}

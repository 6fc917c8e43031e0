package io.daprguard.cluster;

/**
 * What the audit shares with every replica through the cluster (right-sizing's recommendations): the leader publishes
 * it after each complete run, and every replica reads it back now and then, so that all of them admit pods alike,
 * whichever holds the lease. Failures are the implementation's to report; they never stop the audit.
 */
public interface SharedState {

    /** Nothing to share. */
    SharedState NONE = new SharedState() {
        @Override
        public void publish(KubeApi api) {}

        @Override
        public void refresh(KubeApi api) {}
    };

    /** On the leader, after a complete run: writes what changed. */
    void publish(KubeApi api);

    /** On every replica: reads what the leader published. */
    void refresh(KubeApi api);
}

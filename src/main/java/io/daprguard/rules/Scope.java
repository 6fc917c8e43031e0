package io.daprguard.rules;

/** What a rule looks at. */
public enum Scope {
    /** A Dapr-enabled Pod, or the pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob. */
    POD,
    /** A Dapr {@code Component} ({@code dapr.io/v1alpha1}). */
    COMPONENT,
    /** A Dapr {@code Configuration} ({@code dapr.io/v1alpha1}). */
    CONFIGURATION,
    /** A Deployment or StatefulSet of the Dapr control plane (operator, sentry, injector, placement, scheduler). */
    CONTROL_PLANE,
    /**
     * Several objects of one namespace together ({@link ClusterRule}): only the cluster audit runs these rules, the
     * webhook stays stateless.
     */
    CLUSTER
}

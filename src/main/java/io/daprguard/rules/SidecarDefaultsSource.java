package io.daprguard.rules;

import tools.jackson.databind.JsonNode;

/**
 * The sidecar defaults mutation adds to one pod, when they are not the policy's: right-sizing's recommendation for
 * the pod's workload ({@code dapr-guard.rightsizing.apply: defaults}). Called on the admission path, so an
 * implementation answers from memory, never from the network.
 */
public interface SidecarDefaultsSource {

    /** The policy's defaults for every pod. */
    SidecarDefaultsSource POLICY = (namespace, pod) -> null;

    /** The defaults for this pod (a Pod object being created), or null for the policy's. */
    SidecarDefaults forPod(String namespace, JsonNode pod);
}

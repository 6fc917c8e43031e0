package io.daprguard.rules;

import io.daprguard.dapr.InjectorAccounts;
import java.util.List;

/**
 * What rules may know beyond the pod itself.
 *
 * @param defaults the values mutation adds
 * @param podTemplate true when the pod is a workload's template (it has no name and no injected sidecar yet)
 * @param secretNames which Component metadata names hold secrets
 * @param controlPlaneMemoryLimits whether memory limits on control-plane pods are advised (the seed guideline) or
 *     advised against (the current upstream production page)
 * @param creation who creates the pod, as far as it is known
 */
public record RuleContext(
        SidecarDefaults defaults, boolean podTemplate, SecretNames secretNames, boolean controlPlaneMemoryLimits,
        Creation creation) {

    /**
     * Who creates a pod, and whether it already runs.
     *
     * @param user the requester's user name; empty when unknown (the offline check, a pod the audit cannot trace to a
     *     controller)
     * @param groups the requester's groups
     * @param injector whose pods Dapr's sidecar injector injects
     * @param running true when the pod already exists (the cluster audit judges running pods)
     */
    public record Creation(String user, List<String> groups, InjectorAccounts injector, boolean running) {

        /** Nothing known: a pod of a manifest, or a workload's template. */
        public static final Creation UNKNOWN = new Creation("", List.of(), InjectorAccounts.DEFAULT, false);

        public Creation {
            groups = List.copyOf(groups);
        }

        /** Whether the requester is known at all. */
        public boolean known() {
            return !user.isEmpty() || !groups.isEmpty();
        }

        /** Whether Dapr's injector serves the requester (false when unknown). */
        public boolean injectorServes() {
            return known() && injector.authorizes(user, groups);
        }
    }
}

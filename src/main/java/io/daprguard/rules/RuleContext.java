package io.daprguard.rules;

/**
 * What rules may know beyond the pod itself.
 *
 * @param defaults the values mutation adds
 * @param podTemplate true when the pod is a workload's template (it has no name and no injected sidecar yet)
 * @param secretNames which Component metadata names hold secrets
 * @param controlPlaneMemoryLimits whether memory limits on control-plane pods are advised (the seed guideline) or
 *     advised against (the current upstream production page)
 */
public record RuleContext(
        SidecarDefaults defaults, boolean podTemplate, SecretNames secretNames, boolean controlPlaneMemoryLimits) {}

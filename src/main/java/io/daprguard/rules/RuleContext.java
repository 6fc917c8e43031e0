package io.daprguard.rules;

/**
 * What rules may know beyond the pod itself.
 *
 * @param defaults the values mutation adds
 * @param podTemplate true when the pod is a workload's template (it has no name and no injected sidecar yet)
 * @param secretNames which Component metadata names hold secrets
 */
public record RuleContext(SidecarDefaults defaults, boolean podTemplate, SecretNames secretNames) {}

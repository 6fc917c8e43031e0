package io.daprguard.rules;

/**
 * What a {@link ClusterRule} found, and on which object it is reported.
 *
 * @param subject the object the finding belongs to (a workload, a Component)
 * @param problem what is wrong and how to fix it
 */
public record ClusterProblem(NamespaceFacts.ObjectRef subject, Problem problem) {}

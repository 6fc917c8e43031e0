package io.daprguard.cli;

import io.daprguard.cluster.AuditFinding;
import io.daprguard.cluster.AuditResult;
import io.daprguard.cluster.ClusterAudit;
import io.daprguard.cluster.KubeApi;
import io.daprguard.cluster.NamespaceModes;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rules.NamespaceFacts.ObjectRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code check --cluster}: the server's audit, run once with the user's kubeconfig, reported like a file: every object
 * judged (workloads, pods through their owner, Components, Configurations) is one object of the report, and an
 * incomplete read is an error of it (exit code 2, with everything that could be read still reported).
 */
final class ClusterCheck {

    /** Namespaces the check leaves out, as the chart's webhook configurations always do. */
    static final Set<String> EXCLUDED = Set.of("kube-system");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int PAGE_SIZE = 500;
    private static final double QPS = 50;

    private ClusterCheck() {}

    /** Connects with the options' kubeconfig and checks. */
    static FileReport check(CheckOptions.Cluster options, Policy policy, Mode mode) {
        String title = "cluster" + (options.context() == null ? "" : " (context " + options.context() + ")")
                + (options.namespace() == null ? "" : ", namespace " + options.namespace());
        KubeApi api;
        try {
            api = new KubeApi(KubeApi.connect(options.kubeconfig(), options.context(), TIMEOUT), PAGE_SIZE, QPS,
                    TIMEOUT);
        } catch (RuntimeException e) {
            return new FileReport(title, List.of(), List.of(InputError.file(
                    "cannot use the kubeconfig: " + e.getMessage())));
        }
        try (api) {
            return check(title + " " + api.server(), policy, mode, options.namespace(),
                    audit -> audit.run(api, options.namespace()));
        }
    }

    /** Runs the audit with {@code run} and turns its result into a report of one "file". */
    static FileReport check(String title, Policy policy, Mode mode, String namespace,
            Function<ClusterAudit, AuditResult> run) {
        AuditResult result = run.apply(new ClusterAudit(policy, new NamespaceModes(EXCLUDED, mode)));
        Map<ObjectRef, List<Finding>> bySubject = new LinkedHashMap<>();
        result.subjects().stream()
                .sorted(Comparator.comparing(ObjectRef::namespace).thenComparing(ObjectRef::kind)
                        .thenComparing(ObjectRef::name))
                .forEach(subject -> bySubject.put(subject, new ArrayList<>()));
        for (AuditFinding finding : result.findings()) {
            bySubject.computeIfAbsent(finding.subject(), key -> new ArrayList<>()).add(new Finding(finding.rule(),
                    finding.level() == AuditFinding.Level.DENY ? Finding.Level.DENY : Finding.Level.WARN,
                    finding.message()));
        }
        List<ObjectReport> objects = new ArrayList<>();
        bySubject.forEach((subject, findings) -> {
            findings.sort(Comparator.comparing(Finding::level));
            objects.add(new ObjectReport(subject.apiVersion(), subject.kind(), subject.namespace(), subject.name(), 0,
                    null, true, findings, List.of()));
        });
        List<InputError> errors = result.complete() ? List.of()
                : List.of(InputError.file( "incomplete: " + result.failure()));
        return new FileReport(title, objects, errors);
    }
}

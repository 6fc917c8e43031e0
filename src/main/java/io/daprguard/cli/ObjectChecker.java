package io.daprguard.cli;

import io.daprguard.cli.ManifestReader.KubeObject;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.RuleOutcome;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.MalformedObjectException;
import io.fabric8.zjsonpatch.JsonPatch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Runs one object through the engine exactly as the webhook would see it on CREATE: mutation first, then
 * validation of the mutated object.
 *
 * <p>Mutation runs with the policy but {@code mutateTemplates} on, so a workload's pod template shows what pod
 * mutation would add to the pods it creates. Both steps run in enforce mode; audit mode is applied to the report
 * ({@link CheckReport#in}), the way the server's audit mode turns denials into warnings.
 */
final class ObjectChecker {

    private final PolicyEngine mutator;
    private final PolicyEngine validator;
    private final String defaultNamespace;

    ObjectChecker(Policy policy, String defaultNamespace) {
        this(policy, defaultNamespace, Clock.systemUTC());
    }

    /** @param clock tells whether a {@code daprguard.io/skip-until} has passed */
    ObjectChecker(Policy policy, String defaultNamespace, Clock clock) {
        Policy mutation = policy.withMutateTemplates(true);
        this.mutator = new PolicyEngine(mutation, clock);
        this.validator = new PolicyEngine(policy, clock);
        this.defaultNamespace = defaultNamespace;
    }

    /**
     * Checks one object.
     *
     * @throws MalformedObjectException when a field the rules read has the wrong type (the apiserver would reject
     *     the object too)
     */
    ObjectReport check(KubeObject object) {
        String namespace = metadata(object.node(), "namespace");
        namespace = namespace != null ? namespace : defaultNamespace;
        String name = metadata(object.node(), "name");
        name = name != null ? name : metadata(object.node(), "generateName");
        name = name != null ? name : "";
        ReviewRequest request = request(object, namespace, name, object.node());
        Verdict mutation = mutator.review(request, Webhook.MUTATE, Mode.ENFORCE);
        List<Change> changes = new ArrayList<>();
        for (RuleOutcome outcome : mutation.outcomes()) {
            if (outcome.kind() == RuleOutcome.Kind.MUTATED) {
                outcome.details().forEach(detail -> changes.add(new Change(outcome.rule(), detail)));
            }
        }
        JsonNode mutated = mutation.patch() == null ? object.node() : JsonPatch.apply(mutation.patch(), object.node());
        Verdict validation = validator.review(
                request(object, namespace, name, mutated), Webhook.VALIDATE, Mode.ENFORCE);
        if (!mutation.reviewed() && !validation.reviewed()) {
            // Neither phase looks at it. Components, Configurations and the control plane are validated only.
            return ObjectReport.notReviewed(
                    object.apiVersion(), object.kind(), namespace, name, object.line(), object.source());
        }
        List<Finding> findings = new ArrayList<>();
        if (validation.decision() == Verdict.Decision.DENIED && validation.message() != null) {
            for (String line : validation.message().split("\n")) {
                findings.add(located(Finding.parse(Finding.Level.DENY, line), object));
            }
        }
        validation.warnings().forEach(line -> findings.add(located(Finding.parse(Finding.Level.WARN, line), object)));
        return new ObjectReport(object.apiVersion(), object.kind(), namespace, name, object.line(), object.source(),
                true, findings, changes);
    }

    private static Finding located(Finding finding, KubeObject object) {
        return finding.at(FindingLines.locate(finding.message(), object.lines()));
    }

    private static ReviewRequest request(KubeObject object, String namespace, String name, JsonNode body) {
        String apiVersion = object.apiVersion();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        return new ReviewRequest("", group, object.kind(), "CREATE", "", namespace, name, false, body, null,
                "", List.of()); // who will create the object is unknown
    }

    private static String metadata(JsonNode object, String field) {
        JsonNode value = object.path("metadata").path(field);
        return value.isString() && !value.stringValue().isEmpty() ? value.stringValue() : null;
    }
}

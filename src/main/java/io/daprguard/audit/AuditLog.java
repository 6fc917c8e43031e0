package io.daprguard.audit;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.ReviewListener;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.RuleOutcome;
import io.daprguard.policy.Verdict;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON line, on the {@value #LOGGER} logger, per review that had a violation, a warning, a mutation or a
 * skip: who asked for what, what was decided and why. It carries rule ids and their messages, which name
 * annotations and variables but never a {@code dapr.io/env} value, token or key; the object itself is never
 * written.
 */
public final class AuditLog implements ReviewListener {

    public static final String LOGGER = "daprguard.audit";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final JsonMapper json = JsonMapper.builder().build();
    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void reviewed(AdmissionHandler.Outcome outcome, long nanos) {
        Verdict verdict = outcome.verdict();
        if (verdict == null || !log.isInfoEnabled() || !worthAuditing(verdict)) {
            return;
        }
        log.info(json.writeValueAsString(line(outcome, verdict)));
    }

    private static boolean worthAuditing(Verdict verdict) {
        for (RuleOutcome rule : verdict.outcomes()) {
            if (rule.kind() != RuleOutcome.Kind.PASS) {
                return true;
            }
        }
        return !verdict.warnings().isEmpty();
    }

    ObjectNode line(AdmissionHandler.Outcome outcome, Verdict verdict) {
        ReviewRequest request = outcome.request();
        JsonNode metadata = request.object() == null ? json.missingNode() : request.object().path("metadata");
        ObjectNode line = json.createObjectNode();
        line.put("time", Instant.now(clock).toString());
        line.put("uid", clip(request.uid()));
        line.put("namespace", request.namespace());
        line.put("kind", request.kind());
        String name = !request.name().isEmpty() ? request.name() : metadata.path("name").asString("");
        if (!name.isEmpty()) {
            line.put("name", clip(name));
        } else {
            line.put("generateName", clip(metadata.path("generateName").asString("")));
        }
        for (JsonNode owner : metadata.path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)) {
                line.putObject("owner").put("kind", clip(owner.path("kind").asString("")))
                        .put("name", clip(owner.path("name").asString("")));
            }
        }
        line.put("user", clip(request.user()));
        line.put("operation", request.operation());
        line.put("webhook", outcome.webhook().configName());
        line.put("mode", outcome.mode().configName());
        line.put("dryRun", request.dryRun());
        line.put("decision", outcome.result());
        ArrayNode rules = line.putArray("rules");
        for (RuleOutcome rule : verdict.outcomes()) {
            if (rule.kind() == RuleOutcome.Kind.PASS) {
                continue;
            }
            ObjectNode entry = rules.addObject().put("rule", rule.rule()).put("outcome", rule.kind().tag());
            ArrayNode messages = entry.putArray("messages");
            rule.details().forEach(messages::add);
        }
        ArrayNode notes = null;
        for (String warning : verdict.warnings()) {
            if (!warning.startsWith("[")) {
                if (notes == null) {
                    notes = line.putArray("notes");
                }
                notes.add(warning);
            }
        }
        return line;
    }

    /** Names come from the request; Kubernetes bounds them at 253 characters, a hostile caller does not. */
    private static String clip(String text) {
        return text.length() <= 253 ? text : text.substring(0, 253) + "...";
    }
}

package io.daprguard.audit;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.ReviewListener;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.RuleOutcome;
import io.daprguard.policy.Verdict;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * One JSON line, on the {@value #LOGGER} logger, per review that had a violation, a warning, a mutation or a
 * skip: who asked for what, what was decided and why. It carries rule ids and their messages, which name
 * annotations and variables but never a {@code dapr.io/env} value, token or key; the object itself is never
 * written.
 */
public final class AuditLog implements ReviewListener {

    public static final String LOGGER = "daprguard.audit";

    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final JsonFactory json = JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build();
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
        log.info(line(outcome, verdict));
    }

    private static boolean worthAuditing(Verdict verdict) {
        for (RuleOutcome rule : verdict.outcomes()) {
            if (rule.kind() != RuleOutcome.Kind.PASS) {
                return true;
            }
        }
        return !verdict.warnings().isEmpty();
    }

    /**
     * The line, written token by token: at thousands of reviews a second a tree of the line cost a fifth of the
     * allocation of a whole review (bench/README.md, "Bursts").
     */
    String line(AdmissionHandler.Outcome outcome, Verdict verdict) {
        ReviewRequest request = outcome.request();
        JsonNode metadata = request.object() == null ? MissingNode.getInstance() : request.object().path("metadata");
        StringWriter out = new StringWriter(512);
        try (JsonGenerator line = json.createGenerator(out)) {
            line.writeStartObject();
            line.writeStringProperty("time", Instant.now(clock).toString());
            line.writeStringProperty("uid", clip(request.uid()));
            line.writeStringProperty("namespace", request.namespace());
            line.writeStringProperty("kind", request.kind());
            String name = !request.name().isEmpty() ? request.name() : metadata.path("name").asString("");
            if (!name.isEmpty()) {
                line.writeStringProperty("name", clip(name));
            } else {
                line.writeStringProperty("generateName", clip(metadata.path("generateName").asString("")));
            }
            JsonNode controller = null;
            for (JsonNode owner : metadata.path("ownerReferences")) {
                if (owner.path("controller").asBoolean(false)) {
                    controller = owner;
                }
            }
            if (controller != null) {
                line.writeObjectPropertyStart("owner");
                line.writeStringProperty("kind", clip(controller.path("kind").asString("")));
                line.writeStringProperty("name", clip(controller.path("name").asString("")));
                line.writeEndObject();
            }
            line.writeStringProperty("user", clip(request.user()));
            line.writeStringProperty("operation", request.operation());
            line.writeStringProperty("webhook", outcome.webhook().configName());
            line.writeStringProperty("mode", outcome.mode().configName());
            line.writeBooleanProperty("dryRun", request.dryRun());
            line.writeStringProperty("decision", outcome.result());
            line.writeArrayPropertyStart("rules");
            for (RuleOutcome rule : verdict.outcomes()) {
                if (rule.kind() == RuleOutcome.Kind.PASS) {
                    continue;
                }
                line.writeStartObject();
                line.writeStringProperty("rule", rule.rule());
                line.writeStringProperty("outcome", rule.kind().tag());
                line.writeArrayPropertyStart("messages");
                for (String detail : rule.details()) {
                    line.writeString(detail);
                }
                line.writeEndArray();
                line.writeEndObject();
            }
            line.writeEndArray();
            boolean notes = false;
            for (String warning : verdict.warnings()) {
                if (!warning.startsWith("[")) {
                    if (!notes) {
                        line.writeArrayPropertyStart("notes");
                        notes = true;
                    }
                    line.writeString(warning);
                }
            }
            if (notes) {
                line.writeEndArray();
            }
            line.writeEndObject();
        }
        return out.toString();
    }

    /** Names come from the request; Kubernetes bounds them at 253 characters, a hostile caller does not. */
    private static String clip(String text) {
        return text.length() <= 253 ? text : text.substring(0, 253) + "...";
    }
}

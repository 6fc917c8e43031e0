package io.daprguard.cluster;

import io.daprguard.audit.AuditLog;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One JSON line on the audit logger ({@value AuditLog#LOGGER}) per finding that appeared or was resolved since the
 * last complete run: {@code {"time":..., "event":"cluster-audit", "change":"appeared"|"resolved", "namespace", "kind",
 * "name", "rule", "level", "message"}}. The first run after a replica becomes the leader reports every finding as
 * appeared. Partial runs are not compared: a finding that was merely not read is not resolved.
 */
public final class FindingChanges {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.LOGGER);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Clock clock;
    private Map<String, AuditFinding> previous = new LinkedHashMap<>();

    public FindingChanges(Clock clock) {
        this.clock = clock;
    }

    /** Logs the changes since the last complete run; returns how many lines were written. */
    public synchronized int logChanges(AuditResult result) {
        Map<String, AuditFinding> current = new LinkedHashMap<>();
        result.findings().forEach(finding -> current.put(finding.key(), finding));
        int lines = 0;
        for (Map.Entry<String, AuditFinding> entry : current.entrySet()) {
            if (!previous.containsKey(entry.getKey())) {
                write("appeared", entry.getValue());
                lines++;
            }
        }
        for (Map.Entry<String, AuditFinding> entry : previous.entrySet()) {
            if (!current.containsKey(entry.getKey())) {
                write("resolved", entry.getValue());
                lines++;
            }
        }
        previous = current;
        return lines;
    }

    /** Forgets the last run (leadership lost: the next leader starts afresh). */
    public synchronized void reset() {
        previous = new LinkedHashMap<>();
    }

    private void write(String change, AuditFinding finding) {
        if (!log.isInfoEnabled()) {
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("time", Instant.now(clock).toString()).put("event", "cluster-audit").put("change", change)
                .put("namespace", finding.subject().namespace()).put("kind", finding.subject().kind())
                .put("name", finding.subject().name()).put("rule", finding.rule()).put("level", finding.level().tag())
                .put("message", finding.message());
        log.info(JSON.writeValueAsString(line));
    }
}

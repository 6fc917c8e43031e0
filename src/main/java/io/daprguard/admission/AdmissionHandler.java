package io.daprguard.admission;

import io.daprguard.policy.Mode;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.Reviewer;
import io.daprguard.policy.RuleOutcome;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.MalformedObjectException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a review, asks the engine, encodes the answer. Every path that has a request uid answers a
 * well-formed AdmissionReview carrying that uid ({@link #complete}); only bodies that are no AdmissionReview get
 * a 4xx with a one-line reason. An unexpected failure is logged once, without exception messages, and answered
 * with code 500; a review refused for overload ({@link AdmissionExecutor}) gets code 429 from its envelope alone,
 * without a tree or an evaluation ({@link #overloaded}). In both cases {@code /mutate} allows with no patch (fail
 * open) and {@code /validate} denies unless configured to fail open.
 */
public final class AdmissionHandler {

    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

    /** The longest 4xx reason line, in characters. */
    static final int MAX_REASON = 1024;

    /** The {@code result} of an answer that is not a decision (bad input, overload, internal error). */
    public static final String ERROR = "error";

    static final long REFUSAL_LOG_SECONDS = 10;

    /**
     * What happened, for metrics and the audit log.
     *
     * @param request the decoded request, null when the body was not an AdmissionReview
     * @param verdict the engine's verdict, null when the engine did not decide
     * @param result {@code allowed}, {@code patched}, {@code denied} or {@code error}
     */
    public record Outcome(Webhook webhook, Mode mode, ReviewRequest request, Verdict verdict, String result) {}

    /** An HTTP answer: status, body and its content type, and what happened. */
    public record Result(int status, byte[] body, String contentType, Outcome outcome) {}

    private final Reviewer reviewer;
    private final Mode globalMode;
    private final AdmissionReviewCodec codec;
    private final boolean validateFailOpen;
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_SECONDS * 1_000_000_000L);

    /**
     * @param globalMode the configured mode; {@code /audit} paths always use audit
     * @param validateFailOpen allow (instead of deny) when {@code /validate} fails unexpectedly or is overloaded
     */
    public AdmissionHandler(Reviewer reviewer, Mode globalMode, AdmissionReviewCodec codec, boolean validateFailOpen) {
        this.reviewer = reviewer;
        this.globalMode = globalMode;
        this.codec = codec;
        this.validateFailOpen = validateFailOpen;
    }

    /**
     * @param auditPath true on {@code /audit/...}: audit mode whatever the global mode
     */
    public Result handle(byte[] body, Webhook webhook, boolean auditPath) {
        Mode mode = mode(auditPath);
        AdmissionReviewCodec.Decoded decoded;
        try {
            decoded = codec.decode(body);
        } catch (BadReviewException e) {
            log.debug("rejected a {} body: HTTP {}", webhook.configName(), e.status());
            return rejected(e.status(), e.reason(), webhook, auditPath);
        }
        ReviewRequest request = decoded.request();
        try {
            Verdict verdict = reviewer.review(request, webhook, mode);
            return answer(decoded, webhook, mode, verdict, respond(verdict, request, webhook));
        } catch (MalformedObjectException e) {
            log.debug("rejected review {}: malformed object at {}", request.uid(), e.path());
            return text(400, "request.object" + e.path().replace('/', '.') + " must be " + e.expected(),
                    new Outcome(webhook, mode, request, null, ERROR));
        } catch (RuntimeException | StackOverflowError e) {
            log.error("review {} of {} {} failed in {}; answered code 500 and {}: {}", request.uid(), request.kind(),
                    request.operation(), webhook.configName(), failsOpen(webhook) ? "allowed it" : "denied it",
                    SafeLog.describe(e));
            return answer(decoded, webhook, mode, null, failure(request.uid(), webhook, 500,
                    "dapr-guard internal error (" + e.getClass().getSimpleName() + ")"));
        }
    }

    /**
     * The code-429 answer to a review that is not evaluated: only its envelope (apiVersion, uid) is read. A body
     * that is no AdmissionReview gets the same 4xx as from {@link #handle}.
     *
     * @param why what was exceeded, for the log line
     */
    public Result overloaded(byte[] body, Webhook webhook, boolean auditPath, String why) {
        AdmissionReviewCodec.Envelope envelope = codec.envelope(body);
        if (envelope == null) {
            try {
                AdmissionReviewCodec.Decoded decoded = codec.decode(body);
                envelope = new AdmissionReviewCodec.Envelope(decoded.apiVersion(), decoded.request().uid());
            } catch (BadReviewException e) {
                return rejected(e.status(), e.reason(), webhook, auditPath);
            }
        }
        logRefusal(envelope.uid(), webhook, why);
        AdmissionResponse response = failure(envelope.uid(), webhook, 429,
                "dapr-guard is overloaded (" + why + ")");
        byte[] answer = codec.encode(envelope.apiVersion(), complete(envelope.uid(), response));
        return new Result(200, answer, "application/json", new Outcome(webhook, mode(auditPath), null, null, ERROR));
    }

    /**
     * One warning per {@value #REFUSAL_LOG_SECONDS} seconds at most while reviews are refused, naming the latest
     * uid and how many were refused since the last line: an overload must be visible without flooding the log.
     */
    private void logRefusal(String uid, Webhook webhook, String why) {
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if (now - last >= REFUSAL_LOG_SECONDS * 1_000_000_000L && lastRefusalLog.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            log.warn("overloaded: refused {} review(s) with code 429 since the last such line, the latest {} in {}: {}",
                    refused, uid, webhook.configName(), why);
        }
    }

    /** A 4xx for a body that is no AdmissionReview (too large, wrong content type, malformed). */
    public Result rejected(int status, String reason, Webhook webhook, boolean auditPath) {
        return text(status, reason, new Outcome(webhook, mode(auditPath), null, null, ERROR));
    }

    private Mode mode(boolean auditPath) {
        return auditPath ? Mode.AUDIT : globalMode;
    }

    private Result answer(
            AdmissionReviewCodec.Decoded decoded, Webhook webhook, Mode mode, Verdict verdict,
            AdmissionResponse response) {
        ReviewRequest request = decoded.request();
        String result = verdict == null ? ERROR : verdict.decision().name().toLowerCase(java.util.Locale.ROOT);
        byte[] body = codec.encode(decoded.apiVersion(), complete(request.uid(), response));
        return new Result(200, body, "application/json", new Outcome(webhook, mode, request, verdict, result));
    }

    private AdmissionResponse respond(Verdict verdict, ReviewRequest request, Webhook webhook) {
        AdmissionResponse response = switch (verdict.decision()) {
            case ALLOWED -> AdmissionResponses.allowed();
            case PATCHED -> AdmissionResponses.patched(codec.write(verdict.patch()));
            case DENIED -> AdmissionResponses.denied(verdict.message());
        };
        return response.withWarnings(Warnings.fit(verdict.warnings())).withAuditAnnotations(auditAnnotations(verdict));
    }

    /**
     * What the cluster's audit log gets: the decision, and each rule that did not simply pass with its outcome
     * (for example {@code sidecar-resources=violation,api-token=warning}). Never a message or a value.
     */
    private static Map<String, String> auditAnnotations(Verdict verdict) {
        if (!verdict.reviewed()) {
            return Map.of();
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("decision", verdict.decision().name().toLowerCase(java.util.Locale.ROOT));
        StringJoiner rules = new StringJoiner(",");
        for (RuleOutcome outcome : verdict.outcomes()) {
            if (outcome.kind() != RuleOutcome.Kind.PASS) {
                rules.add(outcome.rule() + "=" + outcome.kind().tag());
            }
        }
        if (rules.length() > 0) {
            annotations.put("rules", rules.toString());
        }
        return annotations;
    }

    private boolean failsOpen(Webhook webhook) {
        return webhook == Webhook.MUTATE || validateFailOpen;
    }

    private AdmissionResponse failure(String uid, Webhook webhook, int code, String what) {
        boolean allow = failsOpen(webhook);
        String outcome = webhook == Webhook.MUTATE
                ? "allowed without changes"
                : allow ? "allowed (fail open)" : "denied (fail closed)";
        return AdmissionResponses.errored(code, what + "; " + outcome + "; see the dapr-guard logs for uid "
                + uid, allow);
    }

    /**
     * One line of printable ASCII, at most {@value #MAX_REASON} characters: a reason can quote the request (an
     * annotation key in a path), which may hold line breaks, any Unicode, and up to thousands of characters.
     */
    private static Result text(int status, String line, Outcome outcome) {
        String safe = Warnings.ascii(line);
        if (safe.length() > MAX_REASON) {
            safe = safe.substring(0, MAX_REASON - 3) + "...";
        }
        return new Result(status, (safe + "\n").getBytes(StandardCharsets.US_ASCII), "text/plain;charset=UTF-8",
                outcome);
    }

    /** The one place the request uid is copied into the response. */
    private static AdmissionResponse complete(String uid, AdmissionResponse response) {
        return response.complete(uid);
    }
}

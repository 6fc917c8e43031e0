package io.daprguard.admission;

import io.daprguard.policy.Mode;
import io.daprguard.policy.ReviewRequest;
import io.daprguard.policy.Reviewer;
import io.daprguard.policy.Verdict;
import io.daprguard.policy.Webhook;
import io.daprguard.rules.MalformedObjectException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a review, asks the engine, encodes the answer. Every path that has a request uid answers a
 * well-formed AdmissionReview carrying that uid ({@link #complete}); only bodies that are no AdmissionReview get
 * a 4xx with a one-line reason. An unexpected failure is logged once, without exception messages, and answered
 * with code 500: {@code /mutate} then allows with no patch (fail open), {@code /validate} denies unless
 * configured to fail open.
 */
public final class AdmissionHandler {

    private static final Logger log = LoggerFactory.getLogger(AdmissionHandler.class);

    /** An HTTP answer: status, body and its content type. */
    public record Result(int status, byte[] body, String contentType) {

        static Result text(int status, String line) {
            return new Result(status, (line + "\n").getBytes(StandardCharsets.UTF_8), "text/plain;charset=UTF-8");
        }
    }

    private final Reviewer reviewer;
    private final Mode globalMode;
    private final AdmissionReviewCodec codec;
    private final boolean validateFailOpen;

    /**
     * @param globalMode the configured mode; {@code /audit} paths always use audit
     * @param validateFailOpen allow (instead of deny) when {@code /validate} fails unexpectedly
     */
    public AdmissionHandler(
            Reviewer reviewer, Mode globalMode, AdmissionReviewCodec codec, boolean validateFailOpen) {
        this.reviewer = reviewer;
        this.globalMode = globalMode;
        this.codec = codec;
        this.validateFailOpen = validateFailOpen;
    }

    /**
     * @param auditPath true on {@code /audit/...}: audit mode whatever the global mode
     */
    public Result handle(byte[] body, Webhook webhook, boolean auditPath) {
        AdmissionReviewCodec.Decoded decoded;
        try {
            decoded = codec.decode(body);
        } catch (BadReviewException e) {
            log.debug("rejected a {} body: HTTP {}", webhook.configName(), e.status());
            return Result.text(e.status(), e.reason());
        }
        ReviewRequest request = decoded.request();
        Mode mode = auditPath ? Mode.AUDIT : globalMode;
        AdmissionResponse response;
        try {
            response = respond(reviewer.review(request, webhook, mode), request, webhook);
        } catch (MalformedObjectException e) {
            log.debug("rejected review {}: malformed object at {}", request.uid(), e.path());
            return Result.text(400, "request.object" + e.path().replace('/', '.') + " must be " + e.expected());
        } catch (RuntimeException | StackOverflowError e) {
            response = failure(request, webhook, e);
        }
        return new Result(200, codec.encode(decoded.apiVersion(), complete(request, response)), "application/json");
    }

    private AdmissionResponse respond(Verdict verdict, ReviewRequest request, Webhook webhook) {
        AdmissionResponse response = switch (verdict.decision()) {
            case ALLOWED -> AdmissionResponses.allowed();
            case PATCHED -> AdmissionResponses.patched(codec.write(verdict.patch()));
            case DENIED -> AdmissionResponses.denied(verdict.message());
        };
        if (verdict.decision() == Verdict.Decision.DENIED) {
            log.info("denied {} {} {}/{} uid={} ({}): {}", webhook.configName(), request.kind(),
                    request.namespace(), request.name(), request.uid(), request.operation(),
                    verdict.message().replace('\n', ' '));
        }
        return response.withWarnings(Warnings.fit(verdict.warnings()));
    }

    private AdmissionResponse failure(ReviewRequest request, Webhook webhook, Throwable error) {
        boolean allow = webhook == Webhook.MUTATE || validateFailOpen;
        log.error("review {} of {} {} failed in {}; answered code 500 and {}: {}", request.uid(), request.kind(),
                request.operation(), webhook.configName(), allow ? "allowed it (fail open)" : "denied it",
                SafeLog.describe(error));
        String outcome = webhook == Webhook.MUTATE
                ? "allowed without changes"
                : allow ? "allowed (fail open)" : "denied (fail closed)";
        return AdmissionResponses.errored(500, "dapr-guard internal error (" + error.getClass().getSimpleName()
                + "); " + outcome + "; see the dapr-guard logs for uid " + request.uid(), allow);
    }

    /** The one place the request uid is copied into the response. */
    private static AdmissionResponse complete(ReviewRequest request, AdmissionResponse response) {
        return response.complete(request.uid());
    }
}

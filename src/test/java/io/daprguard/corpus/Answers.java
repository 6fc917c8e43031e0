package io.daprguard.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.policy.Webhook;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every answer to a corpus case must look like, whether it came from {@code AdmissionHandler.handle()} or
 * over HTTPS: a status the case allows; for 200 a well-formed AdmissionReview that carries the request's uid and
 * apiVersion; otherwise one line of printable ASCII text.
 */
final class Answers {

    /** The most a 4xx reason line may hold (the codec clips quoted input to 160 characters). */
    static final int MAX_REASON = 1024;
    static final int MAX_WARNINGS_TOTAL = 4096;
    static final int MAX_WARNING = 256;

    private static final Set<String> REVIEW_FIELDS = Set.of("apiVersion", "kind", "response");
    private static final Set<String> RESPONSE_FIELDS =
            Set.of("uid", "allowed", "status", "patchType", "patch", "warnings", "auditAnnotations");

    /** Strict, as the kube-apiserver's decoder: duplicate keys and trailing data are errors. */
    private static final JsonMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** Lenient, to read what the request said (its apiVersion and uid). */
    private static final JsonMapper LENIENT = JsonMapper.builder().build();

    private Answers() {}

    /**
     * Checks one answer.
     *
     * @param statuses the statuses the case allows here
     * @param contentType the answer's Content-Type
     */
    static void check(CorpusCase corpusCase, Webhook webhook, CorpusCase.Body request, Set<Integer> statuses,
            int status, String contentType, byte[] answer) {
        String shown = preview(answer);
        assertThat(statuses).as("%s %s: status (answer: %s)", corpusCase, webhook, shown).contains(status);
        if (status != 200) {
            checkReason(corpusCase, webhook, contentType, answer);
            return;
        }
        assertThat(contentType).as("%s %s: content type", corpusCase, webhook).startsWith("application/json");
        String text = strictUtf8(answer, corpusCase + " " + webhook + ": the answer is valid UTF-8");
        JsonNode review = STRICT.readTree(text);
        assertThat(review.isObject()).as("%s %s: the answer is a JSON object", corpusCase, webhook).isTrue();
        assertThat(review.propertyNames()).as("%s %s: review fields", corpusCase, webhook)
                .containsExactlyInAnyOrderElementsOf(REVIEW_FIELDS);
        assertThat(review.path("apiVersion").stringValue()).as("%s %s: apiVersion as in the request", corpusCase, webhook)
                .isEqualTo(requestApiVersion(request.bytes()));
        assertThat(review.path("kind").stringValue()).isEqualTo("AdmissionReview");
        JsonNode response = review.path("response");
        assertThat(response.isObject()).as("%s %s: response is an object", corpusCase, webhook).isTrue();
        assertThat(RESPONSE_FIELDS).as("%s %s: response fields", corpusCase, webhook)
                .containsAll(response.propertyNames());
        assertThat(response.path("uid").isString()).as("%s %s: uid is a string", corpusCase, webhook).isTrue();
        assertThat(request.uid()).as("%s: the case names the uid a 200 answer carries", corpusCase).isNotNull();
        assertThat(response.path("uid").stringValue()).as("%s %s: response.uid", corpusCase, webhook)
                .isEqualTo(request.uid());
        assertThat(response.path("allowed").isBoolean()).as("%s %s: allowed is a boolean", corpusCase, webhook)
                .isTrue();
        boolean allowed = response.path("allowed").booleanValue();
        checkStatus(corpusCase, webhook, response, allowed);
        List<JsonNode> patch = checkPatch(corpusCase, webhook, response, allowed);
        List<String> warnings = checkWarnings(corpusCase, webhook, response);
        JsonNode annotations = response.path("auditAnnotations");
        if (!annotations.isMissingNode()) {
            assertThat(annotations.isObject()).isTrue();
            annotations.properties().forEach(entry -> assertThat(entry.getValue().isString())
                    .as("%s %s: auditAnnotations.%s is a string", corpusCase, webhook, entry.getKey()).isTrue());
        }
        CorpusCase.Expect expect = corpusCase.expect(webhook);
        if (expect.allowed() != null) {
            assertThat(allowed).as("%s %s: allowed (answer: %s)", corpusCase, webhook, shown)
                    .isEqualTo(expect.allowed());
        }
        if (expect.patch() != null) {
            assertThat(patch != null).as("%s %s: has a patch (answer: %s)", corpusCase, webhook, shown)
                    .isEqualTo(expect.patch());
        }
        if (expect.code() != null) {
            assertThat(response.path("status").path("code").asInt(0)).as("%s %s: status.code", corpusCase, webhook)
                    .isEqualTo(expect.code());
        }
        if (expect.warning() != null) {
            assertThat(warnings).as("%s %s: warnings", corpusCase, webhook)
                    .anyMatch(warning -> warning.contains(expect.warning()));
        }
        if (expect.warningsTruncated() != null) {
            boolean truncated = !warnings.isEmpty()
                    && warnings.get(warnings.size() - 1).matches("[0-9]+ more warnings not shown");
            assertThat(truncated).as("%s %s: last warning says how many were left out (%s)", corpusCase, webhook,
                    warnings.isEmpty() ? "none" : warnings.get(warnings.size() - 1))
                    .isEqualTo(expect.warningsTruncated());
        }
    }

    private static void checkReason(CorpusCase corpusCase, Webhook webhook, String contentType, byte[] answer) {
        assertThat(contentType).as("%s %s: a refusal is plain text", corpusCase, webhook).startsWith("text/plain");
        String text = strictUtf8(answer, corpusCase + " " + webhook + ": the reason is valid UTF-8");
        assertThat(text).as("%s %s: the reason is one line", corpusCase, webhook).endsWith("\n");
        String line = text.substring(0, text.length() - 1);
        assertThat(line).as("%s %s: the reason says something", corpusCase, webhook).isNotBlank();
        assertThat(line.length()).as("%s %s: the reason is short (%s)", corpusCase, webhook, preview(answer))
                .isLessThanOrEqualTo(MAX_REASON);
        assertThat(printableAscii(line)).as("%s %s: the reason is one line of printable ASCII: %s", corpusCase,
                webhook, preview(answer)).isTrue();
    }

    private static void checkStatus(CorpusCase corpusCase, Webhook webhook, JsonNode response, boolean allowed) {
        JsonNode status = response.path("status");
        if (!allowed) {
            assertThat(status.isObject()).as("%s %s: a denial has a status", corpusCase, webhook).isTrue();
        }
        if (status.isMissingNode()) {
            return;
        }
        assertThat(status.isObject()).isTrue();
        assertThat(status.path("code").isInt()).as("%s %s: status.code is an integer", corpusCase, webhook).isTrue();
        for (String field : new String[] {"reason", "message"}) {
            JsonNode value = status.path(field);
            assertThat(value.isMissingNode() || value.isString())
                    .as("%s %s: status.%s is a string", corpusCase, webhook, field).isTrue();
        }
    }

    /** The patch's operations, or null when there is no patch. */
    private static List<JsonNode> checkPatch(
            CorpusCase corpusCase, Webhook webhook, JsonNode response, boolean allowed) {
        JsonNode patch = response.path("patch");
        JsonNode patchType = response.path("patchType");
        assertThat(patch.isMissingNode()).as("%s %s: patch and patchType come together", corpusCase, webhook)
                .isEqualTo(patchType.isMissingNode());
        if (patch.isMissingNode()) {
            return null;
        }
        assertThat(allowed).as("%s %s: only an allowed request is patched", corpusCase, webhook).isTrue();
        assertThat(webhook).as("%s: only /mutate patches", corpusCase).isEqualTo(Webhook.MUTATE);
        assertThat(patchType.stringValue()).isEqualTo("JSONPatch");
        assertThat(patch.isString()).isTrue();
        byte[] decoded = Base64.getDecoder().decode(patch.stringValue());
        JsonNode operations = STRICT.readTree(strictUtf8(decoded, corpusCase + ": the patch is UTF-8"));
        assertThat(operations.isArray()).as("%s %s: the patch is a JSON array", corpusCase, webhook).isTrue();
        assertThat(operations.isEmpty()).as("%s %s: a patch has operations", corpusCase, webhook).isFalse();
        List<JsonNode> result = new ArrayList<>();
        for (JsonNode operation : operations) {
            assertThat(operation.isObject()).isTrue();
            assertThat(operation.path("op").asString("")).as("%s %s: patch op", corpusCase, webhook)
                    .isIn("add", "replace");
            assertThat(operation.path("path").isString()).isTrue();
            assertThat(operation.path("path").stringValue()).startsWith("/");
            assertThat(operation.has("value")).as("%s %s: add and replace carry a value", corpusCase, webhook)
                    .isTrue();
            result.add(operation);
        }
        return result;
    }

    private static List<String> checkWarnings(CorpusCase corpusCase, Webhook webhook, JsonNode response) {
        JsonNode warnings = response.path("warnings");
        List<String> result = new ArrayList<>();
        if (warnings.isMissingNode()) {
            return result;
        }
        assertThat(warnings.isArray()).isTrue();
        int total = 0;
        for (JsonNode warning : warnings) {
            assertThat(warning.isString()).isTrue();
            String text = warning.stringValue();
            assertThat(printableAscii(text)).as("%s %s: warning is printable ASCII: %s", corpusCase, webhook, text)
                    .isTrue();
            assertThat(text.length()).as("%s %s: one warning", corpusCase, webhook).isLessThanOrEqualTo(MAX_WARNING);
            total += text.length();
            result.add(text);
        }
        assertThat(total).as("%s %s: characters of warnings in all", corpusCase, webhook)
                .isLessThanOrEqualTo(MAX_WARNINGS_TOTAL);
        return result;
    }

    /** The request's apiVersion; only asked for requests that were answered 200, so they parse. */
    static String requestApiVersion(byte[] request) {
        return LENIENT.readTree(request).path("apiVersion").stringValue();
    }

    /** The request's uid, or null when the body is no JSON object with a string uid. */
    static String requestUid(byte[] request) {
        try {
            JsonNode uid = LENIENT.readTree(request).path("request").path("uid");
            return uid.isString() ? uid.stringValue() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String strictUtf8(byte[] bytes, String what) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError(what + ": " + e);
        }
    }

    private static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** At most 300 characters of an answer, for failure messages. */
    static String preview(byte[] answer) {
        String text = new String(answer, 0, Math.min(answer.length, 300), StandardCharsets.UTF_8);
        return answer.length > 300 ? text + "... (" + answer.length + " bytes)" : text;
    }
}

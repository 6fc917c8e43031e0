package io.daprguard.admission;

import io.daprguard.policy.ReviewRequest;
import java.util.Base64;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes {@code AdmissionReview} JSON ({@code admission.k8s.io/v1} and {@code v1beta1}, which share
 * their shape) with a strict parser: duplicate keys, trailing data, nesting deeper than {@value #MAX_DEPTH} and
 * wrong types in the envelope are all a {@link BadReviewException} naming what is wrong.
 */
public final class AdmissionReviewCodec {

    public static final String V1 = "admission.k8s.io/v1";
    public static final String V1BETA1 = "admission.k8s.io/v1beta1";
    private static final Set<String> VERSIONS = Set.of(V1, V1BETA1);
    static final int MAX_DEPTH = 256;

    private final JsonMapper mapper;

    public AdmissionReviewCodec() {
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .build();
        this.mapper = JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    }

    /** A decoded review: its apiVersion (the answer uses the same) and the request. */
    public record Decoded(String apiVersion, ReviewRequest request) {}

    public Decoded decode(byte[] body) {
        if (body.length == 0) {
            throw BadReviewException.badRequest("empty body; send an AdmissionReview");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException e) {
            throw BadReviewException.badRequest(describe(e));
        }
        if (root == null || !root.isObject()) {
            throw BadReviewException.badRequest("body is not a JSON object; send an AdmissionReview");
        }
        if (!"AdmissionReview".equals(text(root, "kind", "kind"))) {
            throw BadReviewException.badRequest("kind must be AdmissionReview");
        }
        String apiVersion = text(root, "apiVersion", "apiVersion");
        if (!VERSIONS.contains(apiVersion)) {
            throw BadReviewException.badRequest("unsupported apiVersion '" + clip(apiVersion)
                    + "'; use admission.k8s.io/v1 or admission.k8s.io/v1beta1");
        }
        JsonNode request = root.path("request");
        if (!request.isObject()) {
            throw BadReviewException.badRequest("AdmissionReview has no request object");
        }
        String uid = text(request, "uid", "request.uid");
        if (uid == null || uid.isEmpty()) {
            throw BadReviewException.badRequest("request.uid is missing");
        }
        JsonNode kind = request.path("kind");
        if (!kind.isObject()) {
            throw BadReviewException.badRequest("request.kind must be an object with group, version and kind");
        }
        String kindName = text(kind, "kind", "request.kind.kind");
        if (kindName == null) {
            throw BadReviewException.badRequest("request.kind.kind is missing");
        }
        String operation = text(request, "operation", "request.operation");
        if (operation == null) {
            throw BadReviewException.badRequest("request.operation is missing");
        }
        JsonNode dryRun = request.path("dryRun");
        if (!dryRun.isMissingNode() && !dryRun.isNull() && !dryRun.isBoolean()) {
            throw BadReviewException.badRequest("request.dryRun must be a boolean");
        }
        JsonNode userInfo = request.path("userInfo");
        String user = userInfo.isObject() ? orEmpty(text(userInfo, "username", "request.userInfo.username")) : "";
        return new Decoded(apiVersion, new ReviewRequest(
                uid,
                orEmpty(text(kind, "group", "request.kind.group")),
                kindName,
                operation,
                orEmpty(text(request, "subResource", "request.subResource")),
                orEmpty(text(request, "namespace", "request.namespace")),
                orEmpty(text(request, "name", "request.name")),
                dryRun.asBoolean(false),
                nullable(request.path("object")),
                nullable(request.path("oldObject")),
                user));
    }

    /** Writes the review that answers a request of {@code apiVersion}. */
    public byte[] encode(String apiVersion, AdmissionResponse response) {
        ObjectNode review = mapper.createObjectNode();
        review.put("apiVersion", apiVersion);
        review.put("kind", "AdmissionReview");
        ObjectNode body = review.putObject("response");
        body.put("uid", response.uid());
        body.put("allowed", response.allowed());
        if (response.code() != null) {
            ObjectNode status = body.putObject("status");
            status.put("code", response.code());
            if (response.reason() != null) {
                status.put("reason", response.reason());
            }
            if (response.message() != null) {
                status.put("message", response.message());
            }
        }
        if (response.patch() != null) {
            body.put("patchType", "JSONPatch");
            body.put("patch", Base64.getEncoder().encodeToString(response.patch()));
        }
        if (!response.warnings().isEmpty()) {
            ArrayNode warnings = body.putArray("warnings");
            response.warnings().forEach(warnings::add);
        }
        if (!response.auditAnnotations().isEmpty()) {
            ObjectNode annotations = body.putObject("auditAnnotations");
            response.auditAnnotations().forEach(annotations::put);
        }
        return mapper.writeValueAsBytes(review);
    }

    /** The bytes of a JSON patch. */
    public byte[] write(JsonNode node) {
        return mapper.writeValueAsBytes(node);
    }

    /** A JSON tree from bytes (strict, as for reviews); for tests and tools. */
    public JsonNode read(byte[] json) {
        return mapper.readTree(json);
    }

    private static String text(JsonNode parent, String field, String path) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw BadReviewException.badRequest(path + " must be a string");
        }
        return node.stringValue();
    }

    private static JsonNode nullable(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node;
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String describe(JacksonException e) {
        TokenStreamLocation location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column "
                + location.getColumnNr();
        String detail = e.getOriginalMessage() == null ? "" : ": " + clip(e.getOriginalMessage());
        return ("malformed JSON" + where + detail)
                .replaceAll(", from `[^`]*`", "")
                .replaceAll("[\\r\\n\\t]+", " ");
    }

    private static String clip(String text) {
        if (text == null) {
            return "";
        }
        String ascii = Warnings.ascii(text);
        return ascii.length() > 160 ? ascii.substring(0, 160) + "..." : ascii;
    }
}

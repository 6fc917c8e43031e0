package io.daprguard.admission;

import io.daprguard.policy.ReviewRequest;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.MissingNode;
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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate property (\".*\") for `ObjectNode`.*$",
            Pattern.DOTALL);

    private final JsonMapper mapper;
    private final JsonFactory envelopeParsers;

    public AdmissionReviewCodec() {
        // Buffers recycled per thread: reviews run on a fixed pool of platform threads (AdmissionExecutor), and
        // Jackson's default pool, a shared concurrent deque, cost 3 % of the CPU under load in its atomic
        // operations alone (bench/README.md, "Bursts").
        JsonFactory factory = JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.threadLocalPool())
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
                .build();
        // Duplicate keys: the tree refuses them as it puts each property (a lookup it makes anyway). The parser's
        // own check (STRICT_DUPLICATE_DETECTION) kept a set of names per object besides: a fifth of the parse's
        // time and 8 KB of its 31 KB per typical review (bench/README.md, "Third round").
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .build();
        // The envelope is read token by token, without a tree: the parser checks duplicates itself.
        this.envelopeParsers = factory.rebuild().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    }

    /** A decoded review: its apiVersion (the answer uses the same) and the request. */
    public record Decoded(String apiVersion, ReviewRequest request) {}

    public Decoded decode(byte[] body) {
        if (body.length == 0) {
            throw BadReviewException.badRequest("empty body; send an AdmissionReview");
        }
        requireUtf8(body);
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
        if (apiVersion == null || !VERSIONS.contains(apiVersion)) {
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
        JsonNode userInfo = objectOrNull(request, "userInfo", "request.userInfo");
        String user = userInfo.isObject() ? orEmpty(text(userInfo, "username", "request.userInfo.username")) : "";
        List<String> groups = userInfo.isObject() ? strings(userInfo, "groups", "request.userInfo.groups") : List.of();
        checkTypes(request, kind);
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
                user,
                groups));
    }

    /**
     * The envelope of a review that will not be evaluated (overload): its apiVersion and request uid, read with
     * the streaming parser, without a tree; {@code request.object} and {@code oldObject} are skipped token by
     * token. Costs a fraction of {@link #decode} and allocates next to nothing, so that refusing work stays cheap
     * when there is most of it.
     *
     * @return the apiVersion and uid, or null when the body is no AdmissionReview with a uid (the caller then
     *     answers with {@link #decode}'s 400)
     */
    public Envelope envelope(byte[] body) {
        String apiVersion = null;
        String kind = null;
        String uid = null;
        try (JsonParser parser = envelopeParsers.createParser(ObjectReadContext.empty(), body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (name) {
                    case "apiVersion" -> apiVersion = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    case "kind" -> kind = value == JsonToken.VALUE_STRING ? parser.getString() : null;
                    case "request" -> uid = value == JsonToken.START_OBJECT ? requestUid(parser) : null;
                    default -> parser.skipChildren();
                }
            }
        } catch (JacksonException e) {
            return null;
        }
        if (!"AdmissionReview".equals(kind) || !VERSIONS.contains(apiVersion) || uid == null || uid.isEmpty()) {
            return null;
        }
        return new Envelope(apiVersion, uid);
    }

    /** What an answer needs of a review that is not evaluated. */
    public record Envelope(String apiVersion, String uid) {}

    private static String requestUid(JsonParser parser) {
        String uid = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("uid") && value == JsonToken.VALUE_STRING) {
                uid = parser.getString();
            } else {
                parser.skipChildren();
            }
        }
        return uid;
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

    /**
     * The envelope fields the webhook does not use must still have their Kubernetes types (as the README promises:
     * a field of the wrong type is a 400 naming it): group/version/kind and group/version/resource strings, string
     * subresources, and objects (or null) for object, oldObject and options.
     */
    private static void checkTypes(JsonNode request, JsonNode kind) {
        text(kind, "version", "request.kind.version");
        for (String field : new String[] {"requestKind", "resource", "requestResource"}) {
            JsonNode node = objectOrNull(request, field, "request." + field);
            for (String part : new String[] {"group", "version", field.endsWith("Kind") ? "kind" : "resource"}) {
                if (node.isObject()) {
                    text(node, part, "request." + field + "." + part);
                }
            }
        }
        text(request, "requestSubResource", "request.requestSubResource");
        for (String field : new String[] {"object", "oldObject", "options"}) {
            objectOrNull(request, field, "request." + field);
        }
    }

    /** {@code parent.field} as a list of strings, empty when absent or null; otherwise a 400. */
    private static List<String> strings(JsonNode parent, String field, String path) {
        JsonNode node = parent.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw BadReviewException.badRequest(path + " must be an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isString()) {
                throw BadReviewException.badRequest(path + " must be an array of strings");
            }
            values.add(item.stringValue());
        }
        return values;
    }

    /** {@code parent.field} when it is an object, a missing node when absent or null; otherwise a 400. */
    private static JsonNode objectOrNull(JsonNode parent, String field, String path) {
        JsonNode node = parent.path(field);
        if (node.isNull()) {
            return MissingNode.getInstance();
        }
        if (!node.isMissingNode() && !node.isObject()) {
            throw BadReviewException.badRequest(path + " must be an object");
        }
        return node;
    }

    /**
     * Refuses bytes that are not well-formed UTF-8 (RFC 3629): the parser alone lets overlong forms ({@code C0 AF}
     * for '/'), encoded surrogates and code points above U+10FFFF through, and would read UTF-16 or UTF-32 bodies.
     */
    private static void requireUtf8(byte[] body) {
        int i = 0;
        while (i < body.length) {
            // Reviews are nearly all ASCII: skip eight ASCII bytes at a time (this check was 5 % of a review's CPU
            // byte by byte).
            while (i + Long.BYTES <= body.length && ((long) LONGS.get(body, i) & 0x8080808080808080L) == 0) {
                i += Long.BYTES;
            }
            if (i >= body.length) {
                break;
            }
            int b = body[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int min;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
                min = 0x80;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                min = 0x800;
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                min = 0x10000;
            } else {
                throw invalidUtf8(body, i);
            }
            if (i + length > body.length) {
                throw invalidUtf8(body, i);
            }
            int codePoint = b & (0xFF >> (length + 1));
            for (int k = 1; k < length; k++) {
                int next = body[i + k] & 0xFF;
                if ((next & 0xC0) != 0x80) {
                    throw invalidUtf8(body, i);
                }
                codePoint = (codePoint << 6) | (next & 0x3F);
            }
            if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                throw invalidUtf8(body, i);
            }
            i += length;
        }
    }

    private static BadReviewException invalidUtf8(byte[] body, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (body[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return BadReviewException.badRequest("malformed JSON at line " + line + ", column " + (offset - lineStart + 1)
                + ": Invalid UTF-8 byte sequence starting with 0x"
                + Integer.toHexString(body[offset] & 0xFF).toUpperCase(java.util.Locale.ROOT));
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
        String message = e.getOriginalMessage();
        if (message != null) {
            // The tree's duplicate check words it as the parser's did.
            Matcher duplicate = DUPLICATE.matcher(message);
            message = duplicate.matches() ? "Duplicate Object property " + duplicate.group(1) : message;
        }
        String detail = message == null ? "" : ": " + clip(message);
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

package io.daprguard.corpus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/**
 * The corpus bodies that are generated at test time rather than kept as files: the large ones (megabytes, deep
 * nesting, 10 000 annotations) keep the repository small, and the binary ones (invalid UTF-8, byte order marks)
 * stay exact whatever an editor or git does to text files. Each generator is named in {@code cases.yaml}
 * ({@code generate:}) with its {@code params}.
 */
final class CorpusBodies {

    /** The Dapr-enabled pod every generated review is built around; {@code %s} is the extra annotations. */
    private static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":"
            + "\"orders-7d9f8b6c5d-\",\"namespace\":\"shop\",\"annotations\":{\"dapr.io/enabled\":\"true\","
            + "\"dapr.io/app-id\":\"orders\"%s}},\"spec\":{\"containers\":[%s]%s}}";
    private static final String APP_CONTAINER = "{\"name\":\"orders\",\"image\":\"orders:1\"}";

    private CorpusBodies() {}

    /**
     * The body of case {@code name}. Its review (when it is one) carries the uid {@code corpus-<name>}, with
     * {@code /} as {@code -}, except for {@code long-uid}.
     */
    static CorpusCase.Body generate(String name, String generator, JsonNode params) {
        String uid = "corpus-" + name.replace('/', '-');
        return switch (generator) {
            case "utf8" -> invalidUtf8(uid, params.path("hex").stringValue(), params.path("where").asString("value"));
            case "bom" -> bom(uid);
            case "utf16" -> utf16(uid);
            case "deep" -> deep(uid, params.path("depth").intValue(), params.path("open").stringValue());
            case "depth-exact" -> depthExactly(uid, params.path("depth").intValue());
            case "annotations" -> annotations(uid, params.path("count").intValue());
            case "big-annotation" ->
                    bigAnnotation(uid, params.path("key").stringValue(), params.path("size").intValue());
            case "long-key" -> longKey(uid, params.path("length").intValue());
            case "long-uid" -> longUid(params.path("length").intValue());
            case "containers" -> containers(uid, params.path("count").intValue());
            case "daprd-env" -> daprdEnv(uid, params.path("count").intValue());
            case "pad" -> padded(uid, params.path("size").intValue());
            case "spaces" -> new CorpusCase.Body(" ".repeat(params.path("size").intValue())
                    .getBytes(StandardCharsets.US_ASCII), null);
            default -> throw new IllegalArgumentException("no corpus generator " + generator);
        };
    }

    /** A Pod CREATE review (admission.k8s.io/v1) of {@code object}. */
    static String review(String uid, String object) {
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\""
                + uid + "\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"group\":"
                + "\"\",\"version\":\"v1\",\"resource\":\"pods\"},\"operation\":\"CREATE\",\"namespace\":\"shop\","
                + "\"userInfo\":{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\"},"
                + "\"object\":" + object + ",\"dryRun\":false}}";
    }

    static String pod(String extraAnnotations, String containers, String extraSpec) {
        return POD.formatted(extraAnnotations, containers, extraSpec);
    }

    static String pod(String extraAnnotations) {
        return pod(extraAnnotations, APP_CONTAINER, "");
    }

    private static CorpusCase.Body ascii(String uid, String json) {
        return new CorpusCase.Body(json.getBytes(StandardCharsets.UTF_8), uid);
    }

    /** The bytes given in hex spliced into an annotation value, the uid or an annotation key. */
    private static CorpusCase.Body invalidUtf8(String uid, String hex, String where) {
        String marker = "@@BYTES@@";
        String json = switch (where) {
            case "uid" -> review(uid + marker, pod(""));
            case "key" -> review(uid, pod(",\"example.com/k" + marker + "\":\"v\""));
            default -> review(uid, pod(",\"dapr.io/log-level\":\"info" + marker + "\""));
        };
        int at = json.indexOf(marker);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(HexFormat.of().parseHex(hex.replace(" ", "")));
        out.writeBytes(json.substring(at + marker.length()).getBytes(StandardCharsets.UTF_8));
        return new CorpusCase.Body(out.toByteArray(), null);
    }

    private static CorpusCase.Body bom(String uid) {
        byte[] json = review(uid, pod("")).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        out.writeBytes(json);
        return new CorpusCase.Body(out.toByteArray(), uid);
    }

    private static CorpusCase.Body utf16(String uid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
        out.writeBytes(review(uid, pod("")).getBytes(StandardCharsets.UTF_16LE));
        return new CorpusCase.Body(out.toByteArray(), uid);
    }

    /** {@code depth} levels of {@code open} ("[" or "{\"a\":") as the pod's spec.x. */
    private static CorpusCase.Body deep(String uid, int depth, String open) {
        String close = open.startsWith("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        return ascii(uid, review(uid, pod("", APP_CONTAINER, ",\"x\":" + nested)));
    }

    /**
     * A Dapr-enabled pod review whose deepest value is exactly {@code depth} containers down, counting the review
     * itself: review, request, object and spec are four, the rest are arrays under spec.x.
     */
    private static CorpusCase.Body depthExactly(String uid, int depth) {
        int arrays = depth - 4;
        String nested = "[".repeat(arrays) + "]".repeat(arrays);
        return ascii(uid, review(uid, pod("", APP_CONTAINER, ",\"x\":" + nested)));
    }

    /** {@code count} annotations in all: dapr.io/enabled, dapr.io/app-id and unknown dapr.io keys. */
    private static CorpusCase.Body annotations(String uid, int count) {
        StringBuilder extra = new StringBuilder();
        for (int i = 2; i < count; i++) {
            extra.append(",\"dapr.io/unknown-").append(String.format("%05d", i)).append("\":\"v").append(i)
                    .append('"');
        }
        return ascii(uid, review(uid, pod(extra.toString())));
    }

    /**
     * One annotation of {@code size} characters: for dapr.io/env, variables {@code V000001=xxxx,...}; for other
     * keys a run of digits ending in MB (no quantity) or of letters.
     */
    private static CorpusCase.Body bigAnnotation(String uid, String key, int size) {
        StringBuilder value = new StringBuilder(size + 32);
        if (key.equals("dapr.io/env")) {
            for (int i = 0; value.length() < size - 32; i++) {
                value.append(String.format("V%06d=", i)).append("x".repeat(40)).append(',');
            }
            value.append("GOMEMLIMIT=900MiB");
        } else if (key.contains("memory")) {
            value.append("9".repeat(size - 2)).append("MB");
        } else {
            value.append("a".repeat(size));
        }
        String object = key.equals("dapr.io/app-id")
                ? pod("").replace("\"dapr.io/app-id\":\"orders\"", "\"dapr.io/app-id\":\"" + value + "\"")
                : pod(",\"" + key + "\":\"" + value + "\"");
        return ascii(uid, review(uid, object));
    }

    private static CorpusCase.Body longKey(String uid, int length) {
        return ascii(uid, review(uid, pod(",\"example.com/" + "k".repeat(length) + "\":\"v\"")));
    }

    private static CorpusCase.Body longUid(int length) {
        String uid = "u".repeat(length);
        return ascii(uid, review(uid, pod("")));
    }

    /** {@code count} app containers with a bare daprd container in the middle, which /mutate fills in. */
    private static CorpusCase.Body containers(String uid, int count) {
        StringBuilder list = new StringBuilder(count * 24);
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                list.append(',');
            }
            if (i == count / 2) {
                list.append("{\"name\":\"daprd\",\"image\":\"ghcr.io/dapr/daprd:1.16.2\"},");
            }
            list.append("{\"name\":\"c").append(i).append("\"}");
        }
        return ascii(uid, review(uid, pod("", list.toString(), "")));
    }

    /** A bare daprd container with {@code count} env entries (none of them GOMEMLIMIT). */
    private static CorpusCase.Body daprdEnv(String uid, int count) {
        StringBuilder env = new StringBuilder(count * 32);
        for (int i = 0; i < count; i++) {
            env.append(i == 0 ? "" : ",").append("{\"name\":\"V").append(i).append("\",\"value\":\"x\"}");
        }
        String daprd = "{\"name\":\"daprd\",\"image\":\"ghcr.io/dapr/daprd:1.16.2\",\"env\":[" + env + "]}";
        return ascii(uid, review(uid, pod("", APP_CONTAINER + "," + daprd, "")));
    }

    /** A valid review of exactly {@code size} bytes: a non-Dapr annotation takes up the rest. */
    private static CorpusCase.Body padded(String uid, int size) {
        String empty = review(uid, pod(",\"example.com/padding\":\"\""));
        int fill = size - empty.length();
        if (fill < 0) {
            throw new IllegalArgumentException("size " + size + " is below the smallest review");
        }
        String json = review(uid, pod(",\"example.com/padding\":\"" + "p".repeat(fill) + "\""));
        return ascii(uid, json);
    }
}

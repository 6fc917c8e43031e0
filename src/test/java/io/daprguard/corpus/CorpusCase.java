package io.daprguard.corpus;

import io.daprguard.policy.Webhook;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * One entry of {@code src/test/resources/corpus/cases.yaml}: a hostile or unusual request body and what the webhook
 * may answer to it. The format is described at the top of {@code cases.yaml}.
 *
 * @param status the HTTP statuses allowed for the case (before per-webhook refinements)
 * @param handler the statuses {@code AdmissionHandler.handle()} may give, when they differ (413 and 415 are
 *     decided by the HTTP edge); empty when they are the same
 * @param uid the uid a 200 answer must carry; null when the generator supplies it or 200 is not allowed
 * @param contentType the Content-Type header to send, null to send none
 * @param unannounced stream the body without Content-Length
 * @param knownIssue when set, the case shows an open bug and is skipped with this text until the bug is fixed
 */
public record CorpusCase(
        String name, String why, String file, String generate, JsonNode params, Set<Integer> status,
        Set<Integer> handler, String uid, String contentType, boolean unannounced, String knownIssue,
        Map<Webhook, Expect> expect) {

    public static final Path ROOT = Path.of("src/test/resources/corpus");
    public static final Set<Integer> KNOWN_STATUSES = Set.of(200, 400, 413, 415);

    /**
     * Refinements for one webhook; every field may be null (no refinement).
     *
     * @param status the HTTP statuses allowed for this webhook, replacing the case's list
     * @param allowed {@code response.allowed}
     * @param patch whether a patch must be present (true) or absent (false)
     * @param code {@code response.status.code}
     * @param warning a substring of one of the warnings
     * @param warningsTruncated whether the last warning must be "N more warnings not shown"
     */
    public record Expect(
            Set<Integer> status, Boolean allowed, Boolean patch, Integer code, String warning,
            Boolean warningsTruncated) {

        static final Expect NONE = new Expect(null, null, null, null, null, null);
    }

    /** A body and the uid its review carries (null when the body is not a review with a uid). */
    public record Body(byte[] bytes, String uid) {}

    /** Every case of {@code cases.yaml}, in file order. */
    public static List<CorpusCase> all() {
        JsonNode index;
        try {
            index = YAMLMapper.builder().build().readTree(Files.readString(ROOT.resolve("cases.yaml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<CorpusCase> cases = new ArrayList<>();
        for (JsonNode entry : index) {
            cases.add(parse(entry));
        }
        return cases;
    }

    private static CorpusCase parse(JsonNode entry) {
        Map<Webhook, Expect> expect = new EnumMap<>(Webhook.class);
        for (Webhook webhook : Webhook.values()) {
            JsonNode node = entry.path(webhook.configName());
            expect.put(webhook, node.isObject() ? new Expect(
                    node.has("status") ? statuses(node.path("status")) : null,
                    node.has("allowed") ? node.path("allowed").booleanValue() : null,
                    node.has("patch") ? node.path("patch").booleanValue() : null,
                    node.has("code") ? node.path("code").intValue() : null,
                    node.has("warning") ? node.path("warning").stringValue() : null,
                    node.has("warningsTruncated") ? node.path("warningsTruncated").booleanValue() : null)
                    : Expect.NONE);
        }
        String contentType = entry.path("contentType").asString("application/json");
        return new CorpusCase(
                entry.path("name").stringValue(),
                entry.path("why").stringValue(),
                entry.has("file") ? entry.path("file").stringValue() : null,
                entry.has("generate") ? entry.path("generate").stringValue() : null,
                entry.path("params"),
                statuses(entry.path("status")),
                entry.has("handler") ? statuses(entry.path("handler")) : Set.of(),
                entry.has("uid") ? entry.path("uid").stringValue() : null,
                "none".equals(contentType) ? null : contentType,
                "unannounced".equals(entry.path("upload").asString("")),
                entry.has("knownIssue") ? entry.path("knownIssue").stringValue() : null,
                Collections.unmodifiableMap(expect));
    }

    private static Set<Integer> statuses(JsonNode list) {
        Set<Integer> result = new LinkedHashSet<>();
        for (JsonNode status : list) {
            result.add(status.intValue());
        }
        return Collections.unmodifiableSet(result);
    }

    /** The body as it is sent: the file's bytes, or what the generator makes. */
    public Body body() {
        if (file != null) {
            try {
                byte[] bytes = Files.readAllBytes(ROOT.resolve(file));
                return new Body(bytes, uid);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Body generated = CorpusBodies.generate(name, generate, params);
        return uid != null ? new Body(generated.bytes(), uid) : generated;
    }

    public Expect expect(Webhook webhook) {
        return expect.get(webhook);
    }

    /** The statuses allowed over HTTP for this webhook. */
    public Set<Integer> httpStatuses(Webhook webhook) {
        Set<Integer> override = expect(webhook).status();
        return override != null ? override : status;
    }

    /** The statuses allowed from {@code AdmissionHandler.handle()} for this webhook. */
    public Set<Integer> handlerStatuses(Webhook webhook) {
        return handler.isEmpty() ? httpStatuses(webhook) : handler;
    }

    /** True when this case is sent with Content-Length and must be refused with 413 before it is read. */
    public boolean announcedOversize() {
        return !unannounced && status.equals(Set.of(413));
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.daprguard.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.Webhook;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The exact answers to the corpus inputs that exposed bugs, so that the fixes stay in place: each was a crash or a
 * wrong status before (see the corpus cases named in each test).
 */
class CorpusFindingsTest {

    private final AdmissionHandler handler =
            new AdmissionHandler(new PolicyEngine(Policy.standard()), Mode.ENFORCE, new AdmissionReviewCodec(), false);

    private AdmissionHandler.Result post(byte[] body) {
        return handler.handle(body, Webhook.VALIDATE, false);
    }

    private static String text(AdmissionHandler.Result result) {
        return new String(result.body(), StandardCharsets.UTF_8);
    }

    /** A Pod CREATE review with {@code extraFields} (each starting with a comma) in its request. */
    private static String review(String extraFields, String object) {
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":"
                + "\"u-finding\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},"
                + "\"operation\":\"CREATE\"" + extraFields + ",\"object\":" + object + "}}";
    }

    /** Was a NullPointerException out of handle() (Set.of(...).contains(null)); envelope/apiversion-*. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            missing | {"kind":"AdmissionReview","request":{"uid":"u"}}
            null    | {"apiVersion":null,"kind":"AdmissionReview","request":{"uid":"u"}}
            """)
    void aMissingApiVersionIs400(String name, String body) {
        AdmissionHandler.Result result = post(body.getBytes(StandardCharsets.UTF_8));
        assertThat(result.status()).isEqualTo(400);
        assertThat(text(result))
                .isEqualTo("unsupported apiVersion ''; use admission.k8s.io/v1 or admission.k8s.io/v1beta1\n");
    }

    /** Were ignored (answered 200) although the README promises a 400 naming the field; envelope/*. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `,"userInfo":"admin"`                | request.userInfo must be an object
            `,"userInfo":{"groups":"a"}`         | request.userInfo.groups must be an array of strings
            `,"userInfo":{"groups":["a",1]}`     | request.userInfo.groups must be an array of strings
            `,"options":[]`                      | request.options must be an object
            `,"oldObject":"pod"`                 | request.oldObject must be an object
            `,"resource":"pods"`                 | request.resource must be an object
            `,"requestResource":{"group":0}`     | request.requestResource.group must be a string
            `,"requestSubResource":[]`           | request.requestSubResource must be a string
            """)
    void envelopeFieldsOfTheWrongTypeAre400(String fields, String reason) {
        AdmissionHandler.Result result = post(review(fields, CorpusBodies.pod("")).getBytes(StandardCharsets.UTF_8));
        assertThat(result.status()).isEqualTo(400);
        assertThat(text(result)).isEqualTo(reason + "\n");
    }

    @Test
    void kindVersionAndObjectOfTheWrongTypeAre400() {
        String version = review("", CorpusBodies.pod(""))
                .replace("\"version\":\"v1\",\"kind\":\"Pod\"", "\"version\":1,\"kind\":\"Pod\"");
        assertThat(text(post(version.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("request.kind.version must be a string\n");
        String service = review("", "\"svc\"").replace("\"kind\":\"Pod\"", "\"kind\":\"Service\"");
        assertThat(text(post(service.getBytes(StandardCharsets.UTF_8)))).isEqualTo("request.object must be an object\n");
    }

    /** Were accepted (and decoded, C0 AF as '/'); generated/utf8-overlong-*, utf8-above-max, utf8-in-key, utf16. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            c0af       | C0
            e080af     | E0
            c080       | C0
            f4908080   | F4
            eda080     | ED
            """)
    void invalidUtf8ThatTheParserAcceptedIs400(String hex, String first) {
        String json = review("", CorpusBodies.pod(",\"dapr.io/log-level\":\"@\""));
        int at = json.indexOf('@');
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        body.writeBytes(HexFormat.of().parseHex(hex));
        body.writeBytes(json.substring(at + 1).getBytes(StandardCharsets.UTF_8));
        AdmissionHandler.Result result = post(body.toByteArray());
        assertThat(result.status()).isEqualTo(400);
        assertThat(text(result)).isEqualTo("malformed JSON at line 1, column " + (at + 1)
                + ": Invalid UTF-8 byte sequence starting with 0x" + first + "\n");
    }

    @Test
    void aUtf16BodyIs400() {
        byte[] utf16 = ("\uFEFF" + review("", CorpusBodies.pod("")))
                .getBytes(StandardCharsets.UTF_16LE);
        assertThat(text(post(utf16)))
                .isEqualTo("malformed JSON at line 1, column 1: Invalid UTF-8 byte sequence starting with 0xFF\n");
    }

    /** The reason quoted the key raw: two lines, non-ASCII; pod/annotation-key-newline-value-number. */
    @Test
    void aReasonThatQuotesAnAnnotationKeyIsOneAsciiLine() {
        String body = review("", CorpusBodies.pod(",\"bad\\nkey-\u00e9\":1"));
        AdmissionHandler.Result result = post(body.getBytes(StandardCharsets.UTF_8));
        assertThat(result.status()).isEqualTo(400);
        assertThat(text(result)).isEqualTo("request.object.metadata.annotations.bad key-? must be a string\n");
    }

    @Test
    void aReasonThatQuotesAVeryLongKeyIsClipped() {
        String key = "example.com/" + "k".repeat(40_000);
        String body = review("", CorpusBodies.pod(",\"" + key + "\":1"));
        String reason = text(post(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(reason).startsWith("request.object.metadata.annotations.example.com~1kkk").endsWith("...\n")
                .hasSize(1024 + 1);
    }
}

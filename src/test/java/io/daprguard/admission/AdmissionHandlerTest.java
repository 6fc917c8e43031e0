package io.daprguard.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.Reviews;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.Reviewer;
import io.daprguard.policy.Webhook;
import io.daprguard.policy.Verdict;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Bad input gets a clear answer, never a crash; failures get a well-formed review with the uid. */
@ExtendWith(OutputCaptureExtension.class)
class AdmissionHandlerTest {

    private static final String POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"orders-","annotations":%s},
             "spec":{"containers":[{"name":"orders","image":"orders:1"}]}}""";

    private final AdmissionReviewCodec codec = new AdmissionReviewCodec();
    private final AdmissionHandler handler =
            new AdmissionHandler(new PolicyEngine(Policy.standard()), Mode.ENFORCE, codec, false);

    static String review(String apiVersion, String uid, String object) {
        return Reviews.podCreate(apiVersion, uid, object);
    }

    private AdmissionHandler.Result post(String body, Webhook webhook) {
        return handler.handle(body.getBytes(StandardCharsets.UTF_8), webhook, false);
    }

    private static String text(AdmissionHandler.Result result) {
        return new String(result.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            empty body                   | ``                                                   | empty body; send an AdmissionReview
            array                        | []                                                   | body is not a JSON object; send an AdmissionReview
            string                       | `"x"`                                                | body is not a JSON object; send an AdmissionReview
            not a review                 | {"apiVersion":"v1","kind":"Pod"}                     | kind must be AdmissionReview
            kind of wrong type           | {"kind":7}                                           | kind must be a string
            unknown apiVersion           | {"apiVersion":"admission.k8s.io/v2","kind":"AdmissionReview"} | unsupported apiVersion 'admission.k8s.io/v2'; use admission.k8s.io/v1 or admission.k8s.io/v1beta1
            no request                   | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"} | AdmissionReview has no request object
            request null                 | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":null} | AdmissionReview has no request object
            no uid                       | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}} | request.uid is missing
            empty uid                    | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":""}} | request.uid is missing
            uid a number                 | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":42}} | request.uid must be a string
            no kind                      | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u"}} | request.kind must be an object with group, version and kind
            kind without kind            | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":""}}} | request.kind.kind is missing
            group a number               | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":1,"kind":"Pod"},"operation":"CREATE"}} | request.kind.group must be a string
            no operation                 | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"}}} | request.operation is missing
            dryRun a string              | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","dryRun":"yes"}} | request.dryRun must be a boolean
            pod CREATE without object    | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE"}} | request.object must be an object for CREATE
            annotations a list           | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":{"metadata":{"annotations":["dapr.io/enabled"]}}}} | request.object.metadata.annotations must be an object of strings
            annotation value a number    | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":{"metadata":{"annotations":{"dapr.io/enabled":true}}}}} | request.object.metadata.annotations.dapr.io~1enabled must be a string
            containers an object         | {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":{"metadata":{"annotations":{"dapr.io/enabled":"true"}},"spec":{"containers":{"name":"daprd"}}}}} | request.object.spec.containers must be an array of containers
            """)
    void malformedReviewsGet400WithOneLineReason(String name, String body, String reason) {
        AdmissionHandler.Result result = post(body == null ? "" : body, Webhook.VALIDATE);
        assertThat(result.status()).isEqualTo(400);
        assertThat(result.contentType()).startsWith("text/plain");
        assertThat(text(result)).isEqualTo(reason + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            truncated                    | {"apiVersion":"admission.k8s.io/v1","kind":      | malformed JSON at line 1, column 44: Unexpected end-of-input
            duplicate key                | {"kind":"AdmissionReview","kind":"AdmissionReview"} | malformed JSON at line 1, column 34: Duplicate Object property "kind"
            duplicate key deep inside    | {"request":{"object":{"spec":[1,{"c":1,"c":{"x":1}}]}}} | malformed JSON at line 1, column 44: Duplicate Object property "c"
            trailing data                | {"kind":"AdmissionReview"} {}                       | malformed JSON at line 1, column 28: Trailing token
            not JSON                     | kind=AdmissionReview                                | malformed JSON at line 1, column 1: Unrecognized token 'kind'
            """)
    void malformedJsonNamesWhereAndWhat(String name, String body, String start) {
        AdmissionHandler.Result result = post(body, Webhook.MUTATE);
        assertThat(result.status()).isEqualTo(400);
        assertThat(text(result)).startsWith(start).endsWith("\n").hasLineCount(1);
    }

    @Test
    void deepNestingIsRejectedNotRecursedInto() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        AdmissionHandler.Result result = post(review("admission.k8s.io/v1", "u-deep", deep), Webhook.VALIDATE);
        assertThat(result.status()).isEqualTo(400);
        assertThat(text(result))
                .isEqualTo("malformed JSON: Document nesting depth (257) exceeds the maximum allowed (256)\n");
    }

    @Test
    void invalidUtf8IsRejected() {
        byte[] body = review("admission.k8s.io/v1", "u-utf8", POD.formatted("{\"dapr.io/app-id\":\"XX\"}"))
                .getBytes(StandardCharsets.UTF_8);
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("XX");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28;
        AdmissionHandler.Result result = handler.handle(body, Webhook.VALIDATE, false);
        assertThat(result.status()).isEqualTo(400);
        assertThat(text(result)).startsWith("malformed JSON at line").contains("UTF-8");
    }

    @Test
    void v1beta1IsAnsweredInV1beta1WithTheUid() {
        AdmissionHandler.Result result = post(review("admission.k8s.io/v1beta1", "u-beta", POD.formatted("{}")),
                Webhook.MUTATE);
        assertThat(result.status()).isEqualTo(200);
        assertThat(text(result)).isEqualTo("""
                {"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":"u-beta","allowed":true}}""");
    }

    @Test
    void unexpectedFailureInMutateFailsOpenWithCode500AndLogsNoSecret(CapturedOutput output) {
        AdmissionHandler failing = new AdmissionHandler(throwing(), Mode.ENFORCE, codec, false);
        AdmissionHandler.Result result = failing.handle(review("admission.k8s.io/v1", "u-500", POD.formatted("{}"))
                .getBytes(StandardCharsets.UTF_8), Webhook.MUTATE, false);
        assertThat(result.status()).isEqualTo(200);
        assertThat(text(result)).isEqualTo("""
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-500","allowed":true,\
                "status":{"code":500,"reason":"InternalError","message":"dapr-guard internal error (IllegalStateException); \
                allowed without changes; see the dapr-guard logs for uid u-500"}}}""");
        assertThat(output.getAll()).contains("review u-500 of Pod CREATE failed in mutate")
                .contains("java.lang.IllegalStateException").doesNotContain("hunter2");
    }

    @Test
    void unexpectedFailureInValidateFailsClosedByDefault() {
        AdmissionHandler failing = new AdmissionHandler(throwing(), Mode.ENFORCE, codec, false);
        AdmissionHandler.Result result = failing.handle(review("admission.k8s.io/v1", "u-501", POD.formatted("{}"))
                .getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
        assertThat(text(result)).isEqualTo("""
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-501","allowed":false,\
                "status":{"code":500,"reason":"InternalError","message":"dapr-guard internal error (IllegalStateException); \
                denied (fail closed); see the dapr-guard logs for uid u-501"}}}""");
    }

    @Test
    void validateCanBeConfiguredToFailOpen() {
        AdmissionHandler failing = new AdmissionHandler(throwing(), Mode.ENFORCE, codec, true);
        AdmissionHandler.Result result = failing.handle(review("admission.k8s.io/v1", "u-502", POD.formatted("{}"))
                .getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
        assertThat(text(result)).contains("\"uid\":\"u-502\",\"allowed\":true,\"status\":{\"code\":500")
                .contains("allowed (fail open)");
    }

    @Test
    void stackOverflowIsAnsweredNotFatal() {
        Reviewer overflowing = (request, webhook, mode) -> {
            throw new StackOverflowError();
        };
        AdmissionHandler failing = new AdmissionHandler(overflowing, Mode.ENFORCE, codec, false);
        AdmissionHandler.Result result = failing.handle(review("admission.k8s.io/v1", "u-so", POD.formatted("{}"))
                .getBytes(StandardCharsets.UTF_8), Webhook.MUTATE, false);
        assertThat(result.status()).isEqualTo(200);
        assertThat(text(result)).contains("\"uid\":\"u-so\",\"allowed\":true,\"status\":{\"code\":500");
    }

    @Test
    void auditPathNeverDeniesEvenInEnforceMode() {
        String bad = POD.formatted("""
                {"dapr.io/enabled":"true","dapr.io/app-id":"orders","dapr.io/sidecar-memory-limit":"1000MB"}""");
        AdmissionHandler.Result enforce = post(review("admission.k8s.io/v1", "u-e", bad), Webhook.VALIDATE);
        AdmissionHandler.Result audit = handler.handle(review("admission.k8s.io/v1", "u-a", bad)
                .getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, true);
        assertThat(text(enforce)).contains("\"allowed\":false");
        assertThat(text(audit)).contains("\"allowed\":true").contains("would deny: dapr.io/sidecar-memory-limit");
    }

    @Test
    void overloadGetsAFastWellFormedAnswerFromTheEnvelopeAlone() {
        Reviewer never = (request, webhook, mode) -> {
            throw new AssertionError("a refused review must not be evaluated");
        };
        AdmissionHandler refusing = new AdmissionHandler(never, Mode.ENFORCE, codec, false);
        AdmissionHandler.Result mutate = refusing.overloaded(review("admission.k8s.io/v1", "u-busy-m",
                POD.formatted("{}")).getBytes(StandardCharsets.UTF_8), Webhook.MUTATE, false, "more than 1 reviews in progress");
        AdmissionHandler.Result validate = refusing.overloaded(review("admission.k8s.io/v1beta1", "u-busy-v",
                POD.formatted("{}")).getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false, "waited 1200 ms");
        assertThat(mutate.status()).isEqualTo(200);
        assertThat(text(mutate)).isEqualTo("""
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-busy-m","allowed":true,\
                "status":{"code":429,"reason":"InternalError","message":"dapr-guard is overloaded (more than 1 reviews in \
                progress); allowed without changes; see the dapr-guard logs for uid u-busy-m"}}}""");
        assertThat(text(validate)).isEqualTo("""
                {"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","response":{"uid":"u-busy-v",\
                "allowed":false,"status":{"code":429,"reason":"InternalError","message":"dapr-guard is overloaded \
                (waited 1200 ms); denied (fail closed); see the dapr-guard logs for uid u-busy-v"}}}""");
        assertThat(mutate.outcome().result()).isEqualTo(AdmissionHandler.ERROR);
    }

    @Test
    void overloadedBodyThatIsNoReviewGetsTheSame400AsHandle() {
        AdmissionHandler refusing = new AdmissionHandler((r, w, m) -> Verdict.notReviewed(), Mode.ENFORCE, codec, false);
        for (String body : new String[] {"{", "[]", "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}",
                "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"v9\",\"request\":{\"uid\":\"x\"}}",
                "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"a\",\"uid\":\"b\"}}"}) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            AdmissionHandler.Result refused = refusing.overloaded(bytes, Webhook.VALIDATE, false, "busy");
            AdmissionHandler.Result handled = refusing.handle(bytes, Webhook.VALIDATE, false);
            assertThat(refused.status()).as(body).isEqualTo(400);
            assertThat(text(refused)).as(body).isEqualTo(text(handled));
        }
    }

    private static Reviewer throwing() {
        return (request, webhook, mode) -> {
            throw new IllegalStateException("boom while reading DB_PASSWORD=hunter2");
        };
    }
}

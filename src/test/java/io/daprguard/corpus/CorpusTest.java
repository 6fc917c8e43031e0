package io.daprguard.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.Webhook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corpus case ({@code src/test/resources/corpus/cases.yaml}) through {@link AdmissionHandler#handle} for
 * /mutate and /validate, with the packaged defaults: a status the case allows, a well-formed answer, nothing thrown,
 * and an answer within a generous bound (a hang or a super-linear blow-up fails; ordinary slowness does not).
 */
class CorpusTest {

    /** Generous on purpose: the point is to catch hangs and blow-ups, not to time anything on a busy machine. */
    static final Duration BOUND = Duration.ofSeconds(20);

    private static final List<CorpusCase> CASES = CorpusCase.all();

    private final AdmissionHandler handler =
            new AdmissionHandler(new PolicyEngine(Policy.standard()), Mode.ENFORCE, new AdmissionReviewCodec(), false);

    static Stream<Arguments> cases() {
        return CASES.stream().flatMap(c -> Stream.of(Arguments.of(c, Webhook.MUTATE), Arguments.of(c, Webhook.VALIDATE)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void everyCaseGetsAnAllowedWellFormedAnswerInTime(CorpusCase corpusCase, Webhook webhook) {
        assumeTrue(corpusCase.knownIssue() == null, () -> "known issue: " + corpusCase.knownIssue());
        CorpusCase.Body body = corpusCase.body();
        AdmissionHandler.Result result = assertTimeoutPreemptively(BOUND,
                () -> handler.handle(body.bytes(), webhook, false),
                () -> corpusCase + " " + webhook + " took longer than " + BOUND);
        Answers.check(corpusCase, webhook, body, corpusCase.handlerStatuses(webhook), result.status(),
                result.contentType(), result.body());
    }

    @Test
    void theCorpusIsLargeAndItsIndexConsistent() throws IOException {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(60);
        Set<String> names = new HashSet<>();
        for (CorpusCase c : CASES) {
            assertThat(names.add(c.name())).as("case names are unique: %s", c).isTrue();
            assertThat(c.why()).as("%s says why it is there", c).isNotBlank();
            assertThat(c.file() == null).as("%s has exactly one of file and generate", c)
                    .isNotEqualTo(c.generate() == null);
            assertThat(c.status()).as("%s: statuses", c).isNotEmpty().isSubsetOf(CorpusCase.KNOWN_STATUSES);
            for (Webhook webhook : Webhook.values()) {
                assertThat(c.httpStatuses(webhook)).isNotEmpty().isSubsetOf(CorpusCase.KNOWN_STATUSES);
                assertThat(c.handlerStatuses(webhook)).as("%s: handle() never answers 413 or 415", c)
                        .isNotEmpty().isSubsetOf(Set.of(200, 400));
            }
            if (c.file() != null) {
                assertThat(c.file()).as("%s: a file case is named after its file", c).isEqualTo(c.name() + ".json");
                boolean mayAnswer = c.status().contains(200) || c.handler().contains(200)
                        || Stream.of(Webhook.values()).anyMatch(w -> c.httpStatuses(w).contains(200));
                CorpusCase.Body body = c.body();
                if (mayAnswer) {
                    assertThat(c.uid()).as("%s may be answered 200, so it names the uid", c).isNotNull();
                    assertThat(Answers.requestUid(body.bytes())).as("%s: the uid in cases.yaml is the request's", c)
                            .isEqualTo(c.uid());
                }
            }
        }
        Set<String> referenced = CASES.stream().map(CorpusCase::file).filter(f -> f != null)
                .collect(Collectors.toSet());
        try (Stream<Path> files = Files.walk(CorpusCase.ROOT)) {
            Set<String> present = files.filter(Files::isRegularFile)
                    .map(f -> CorpusCase.ROOT.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> !f.equals("cases.yaml"))
                    .collect(Collectors.toSet());
            assertThat(present).as("every corpus file is a case in cases.yaml, and every case's file exists")
                    .isEqualTo(referenced);
        }
    }
}

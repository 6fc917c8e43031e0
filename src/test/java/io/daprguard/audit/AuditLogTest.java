package io.daprguard.audit;

import io.daprguard.Reviews;
import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.admission.AdmissionHandler;
import io.daprguard.admission.AdmissionReviewCodec;
import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.policy.PolicyEngine;
import io.daprguard.policy.Webhook;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class AuditLogTest {

    private final AdmissionHandler handler = new AdmissionHandler(new PolicyEngine(Policy.standard()), Mode.ENFORCE,
            new AdmissionReviewCodec(), false);
    private final AuditLog audit = new AuditLog(Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC));

    private static final String SECRET_POD = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"orders-7d9f8b6c5d-","namespace":"shop",
              "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"orders-7d9f8b6c5d","uid":"x","controller":true}],
              "annotations":{"dapr.io/enabled":"true","dapr.io/app-id":"orders","dapr.io/sidecar-memory-limit":"1000MB",
              "dapr.io/env":"GOMEMLIMIT=900Mi,DB_PASSWORD=hunter2,API_TOKEN=tok-s3cr3t,NO_PROXY=a,b"}},
             "spec":{"containers":[{"name":"orders","image":"orders:1"}]}}""";

    @Test
    void deniedPodWithSecretsInEnvIsAuditedWithRuleIdsAndNoSecretValue(CapturedOutput output) {
        AdmissionHandler.Result result = handler.handle(Reviews.podCreate("admission.k8s.io/v1", "u-audit",
                SECRET_POD).getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
        audit.reviewed(result.outcome(), 1000);
        String line = output.getAll().lines().filter(l -> l.contains("daprguard.audit")).findFirst().orElseThrow();
        String json = line.substring(line.indexOf('{'));
        assertThat(json)
                .startsWith("{\"time\":\"2026-11-24T12:00:00Z\",\"uid\":\"u-audit\",\"namespace\":\"shop\",\"kind\":\"Pod\","
                        + "\"generateName\":\"orders-7d9f8b6c5d-\",\"owner\":{\"kind\":\"ReplicaSet\",\"name\":\"orders-7d9f8b6c5d\"},"
                        + "\"user\":\"system:serviceaccount:kube-system:replicaset-controller\",\"operation\":\"CREATE\","
                        + "\"webhook\":\"validate\",\"mode\":\"enforce\",\"dryRun\":false,\"decision\":\"denied\",\"rules\":[")
                .contains("{\"rule\":\"sidecar-resources\",\"outcome\":\"violation\"")
                .contains("{\"rule\":\"sidecar-gomemlimit\",\"outcome\":\"violation\"")
                .contains("{\"rule\":\"env-secrets\",\"outcome\":\"warning\",\"messages\":[\"[env-secrets] dapr.io/env sets DB_PASSWORD")
                .contains("API_TOKEN")
                .doesNotContain("hunter2").doesNotContain("tok-s3cr3t");
        assertThat(output.getAll()).doesNotContain("hunter2").doesNotContain("tok-s3cr3t");
    }

    @Test
    void skipsAndExpiredSkipsAreAuditedWithTheirEndAndReason(CapturedOutput output) {
        AdmissionHandler dated = new AdmissionHandler(new PolicyEngine(Policy.standard(), Clock.fixed(
                Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC)), Mode.ENFORCE, new AdmissionReviewCodec(), false);
        String pod = """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"orders","namespace":"shop",
                  "annotations":{"daprguard.io/skip":"api-token","daprguard.io/skip-until":"2026-11-20",
                  "daprguard.io/skip-reason":"token rollout"}},
                 "spec":{"template":{"metadata":{"annotations":{"dapr.io/enabled":"true","dapr.io/app-id":"orders",
                  "daprguard.io/skip":"app-token","daprguard.io/skip-until":"2026-12-01T00:00:00Z",
                  "daprguard.io/skip-reason":"OPS-7"}},"spec":{"containers":[{"name":"orders","image":"orders:1"}]}}}}""";
        AdmissionHandler.Result result = dated.handle(Reviews.podCreate("admission.k8s.io/v1", "u-skip", pod)
                .replace("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"}",
                        "{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}").getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
        audit.reviewed(result.outcome(), 1000);
        String line = output.getAll().lines().filter(l -> l.contains("u-skip")).findFirst().orElseThrow();
        assertThat(line)
                .contains("{\"rule\":\"app-token\",\"outcome\":\"skipped\",\"messages\":[\"daprguard.io/skip: until"
                        + " 2026-12-01T00:00:00Z; reason: OPS-7\"]}")
                .contains("{\"rule\":\"api-token\",\"outcome\":\"expired\",\"messages\":[\"daprguard.io/skip expired on"
                        + " 2026-11-20\"]}")
                .contains("{\"rule\":\"api-token\",\"outcome\":\"warning\",\"messages\":[\"[api-token] the Dapr API"
                        + " accepts calls without a token; set dapr.io/api-token-secret to a Secret with key token (the"
                        + " daprguard.io/skip exception expired on 2026-11-20)\"]}")
                .contains("\"notes\":[\"daprguard.io/skip: skipping app-token until 2026-12-01T00:00:00Z (reason: OPS-7)\","
                        + "\"daprguard.io/skip of api-token expired on 2026-11-20 (reason: token rollout); the rules apply"
                        + " again\"]");
    }

    @Test
    void cleanReviewsAreNotAudited(CapturedOutput output) {
        String clean = """
                {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-"},"spec":{"containers":[]}}""";
        AdmissionHandler.Result result = handler.handle(Reviews.podCreate("admission.k8s.io/v1", "u-clean",
                clean).getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
        audit.reviewed(result.outcome(), 1000);
        assertThat(output.getAll()).doesNotContain("u-clean");
    }
}

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
    void cleanReviewsAreNotAudited(CapturedOutput output) {
        String clean = """
                {"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-"},"spec":{"containers":[]}}""";
        AdmissionHandler.Result result = handler.handle(Reviews.podCreate("admission.k8s.io/v1", "u-clean",
                clean).getBytes(StandardCharsets.UTF_8), Webhook.VALIDATE, false);
        audit.reviewed(result.outcome(), 1000);
        assertThat(output.getAll()).doesNotContain("u-clean");
    }
}

package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import java.util.List;

/**
 * {@code ssl-cert-dir}: {@code SSL_CERT_DIR} in {@code dapr.io/env} makes the Dapr injector turn off daprd's
 * runAsNonRoot and readOnlyRootFilesystem.
 */
public final class SslCertDirRule extends BaseRule {

    public static final String ID = "ssl-cert-dir";

    public SslCertDirRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        if (DaprEnv.parse(pod.annotation(DaprAnnotations.ENV)).contains("SSL_CERT_DIR")) {
            return List.of(Problem.violation("SSL_CERT_DIR in " + DaprAnnotations.ENV + " makes daprd run as root "
                    + "with a writable root filesystem; mount the certificates into a default CA path instead"));
        }
        return List.of();
    }
}

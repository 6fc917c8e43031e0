package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import java.util.List;

/**
 * {@code ssl-cert-dir}: {@code SSL_CERT_DIR} in daprd's final environment, from {@code dapr.io/env} or
 * {@code dapr.io/env-from-secret}, makes the Dapr injector turn off daprd's runAsNonRoot and
 * readOnlyRootFilesystem and clear its runAsUser and runAsGroup (Dapr 1.15+).
 */
public final class SslCertDirRule extends BaseRule {

    public static final String ID = "ssl-cert-dir";
    public static final String SSL_CERT_DIR = "SSL_CERT_DIR";
    /** What follows {@code SSL_CERT_DIR in <annotation>}. */
    public static final String MESSAGE = " makes the Dapr injector turn off daprd's runAsNonRoot and "
            + "readOnlyRootFilesystem and clear its runAsUser and runAsGroup; mount the certificates into a default CA "
            + "path instead";

    public SslCertDirRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        String source = DaprEnv.parse(pod.annotation(DaprAnnotations.ENV)).contains(SSL_CERT_DIR)
                ? DaprAnnotations.ENV
                : DaprEnv.parse(pod.annotation(DaprAnnotations.ENV_FROM_SECRET)).secretReference(SSL_CERT_DIR).isPresent()
                        ? DaprAnnotations.ENV_FROM_SECRET
                        : null;
        if (source == null) {
            return List.of();
        }
        return List.of(Problem.violation(SSL_CERT_DIR + " in " + source + MESSAGE));
    }
}

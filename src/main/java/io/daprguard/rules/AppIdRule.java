package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code app-id}: {@code dapr.io/app-id} is set, and with {@code -dapr} appended (the name of the sidecar's
 * Service) is a DNS-1123 label, so at most 58 characters of lower-case letters, digits and '-'. Dapr's fallback to
 * the pod name does not work for controller-made pods, which have no name at admission. In each case the Dapr
 * injector itself answers {@code allowed: false} ({@code ValidateKubernetesAppID}), so the pod is refused whatever
 * the injector's failurePolicy: a ReplicaSet then creates no pods at all.
 */
public final class AppIdRule extends BaseRule {

    public static final String ID = "app-id";
    /** A DNS-1123 label, which {@code <app-id>-dapr} must be. */
    public static final String DNS_1123_LABEL_REGEX = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS_1123_LABEL = Pattern.compile(DNS_1123_LABEL_REGEX);
    /** The longest app-id: {@code <app-id>-dapr} names a Service, at most 63 characters. */
    public static final int MAX_LENGTH = 63 - "-dapr".length();
    private static final String INJECTOR_DENIES = "the Dapr injector itself denies such a pod";

    /** The messages' texts (the native policy writes the same): unset; after the length; after the quoted value. */
    public static final String NOT_SET = DaprAnnotations.APP_ID + " is not set (pods made by a controller have "
            + "no name to fall back on, and " + INJECTOR_DENIES + "); add " + DaprAnnotations.APP_ID + ": <your-app>";
    public static final String TOO_LONG = " characters and " + INJECTOR_DENIES
            + " (Dapr names a Service <app-id>-dapr); shorten it to at most " + MAX_LENGTH;
    public static final String NOT_A_LABEL = " is not a DNS-1123 label and " + INJECTOR_DENIES
            + "; use lower-case letters, digits and '-', starting with a letter or digit";

    public AppIdRule() {
        super(ID, Action.DENY);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        String appId = pod.annotation(DaprAnnotations.APP_ID);
        if (appId == null || appId.isEmpty()) {
            return List.of(Problem.violation(NOT_SET));
        }
        if (appId.length() > MAX_LENGTH) {
            return List.of(Problem.violation(DaprAnnotations.APP_ID + " is " + appId.length() + TOO_LONG));
        }
        if (!DNS_1123_LABEL.matcher(appId + "-dapr").matches()) {
            return List.of(Problem.violation(DaprAnnotations.APP_ID + " " + Texts.quoted(appId) + NOT_A_LABEL));
        }
        return List.of();
    }
}

package io.daprguard.dapr;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The pod annotations Dapr's sidecar injector reads, and the rules it applies to their values.
 *
 * <p>Annotation keys are case-sensitive in Kubernetes and the injector looks each one up by its exact key, so a
 * key with the {@code dapr.io/} prefix that is not in {@link #KNOWN} is ignored without a word: almost always a
 * typo ({@code dapr.io/sidecar-cpu-limits}, {@code dapr.io/app_id}, {@code dapr.io/App-Id}).
 * {@link #nearestKnown(String)} suggests what was meant.
 *
 * <p>{@code dapr.io/enabled}: since Dapr 1.17.3 (and in 1.18) the injector injects only when the value is
 * {@code true} in any letter case ({@link #isTrue}; {@code strings.EqualFold} in
 * {@code pkg/injector/service/handler.go}). 1.16.x and 1.17.0 to 1.17.2 used {@code IsTruthy} (dapr/dapr {@code utils/utils.go}, later
 * dapr/kit {@code strings.IsTruthy}): {@code strings.ToLower(strings.TrimSpace(v))} one of {@code y, yes, true,
 * t, on, 1}. {@link #isLegacyTruthy} finds the values that silently stop injecting when a cluster moves to 1.17.3 or later.
 */
public final class DaprAnnotations {

    private DaprAnnotations() {
    }

    /** Prefix of every Dapr annotation. */
    public static final String PREFIX = "dapr.io/";

    /** Name of the sidecar container the injector adds ({@code SidecarContainerName} in the injector). */
    public static final String SIDECAR_CONTAINER_NAME = "daprd";

    // --- the annotations the webhook works with --------------------------------------------------------------

    /** Inject the sidecar; see {@link #isTrue}. */
    public static final String ENABLED = "dapr.io/enabled";
    /** The app id; {@code app-id + "-dapr"} must be a DNS-1123 label. */
    public static final String APP_ID = "dapr.io/app-id";
    /** The port the app listens on. */
    public static final String APP_PORT = "dapr.io/app-port";
    /** {@code http} (default), {@code grpc}, {@code https}, {@code grpcs} or {@code h2c}; see {@link #APP_PROTOCOLS}. */
    public static final String APP_PROTOCOL = "dapr.io/app-protocol";
    /** Name of the Dapr Configuration resource. */
    public static final String CONFIG = "dapr.io/config";
    /** debug|info|warn|error|fatal; see {@link #LOG_LEVELS}. */
    public static final String LOG_LEVEL = "dapr.io/log-level";
    /** CPU request of daprd, a Kubernetes quantity; no default in Dapr. */
    public static final String SIDECAR_CPU_REQUEST = "dapr.io/sidecar-cpu-request";
    /** CPU limit of daprd, a Kubernetes quantity; no default in Dapr. */
    public static final String SIDECAR_CPU_LIMIT = "dapr.io/sidecar-cpu-limit";
    /** Memory request of daprd, a Kubernetes quantity; no default in Dapr. */
    public static final String SIDECAR_MEMORY_REQUEST = "dapr.io/sidecar-memory-request";
    /** Memory limit of daprd, a Kubernetes quantity; no default in Dapr. */
    public static final String SIDECAR_MEMORY_LIMIT = "dapr.io/sidecar-memory-limit";
    /** Extra environment variables for daprd; see {@link DaprEnv}. */
    public static final String ENV = "dapr.io/env";
    /** Environment variables for daprd taken from Secrets: {@code NAME=secret} or {@code NAME=secret:key}. */
    public static final String ENV_FROM_SECRET = "dapr.io/env-from-secret";
    /** Copied verbatim to daprd's {@code securityContext.seccompProfile.type} (Dapr 1.11+). */
    public static final String SIDECAR_SECCOMP_PROFILE_TYPE = "dapr.io/sidecar-seccomp-profile-type";
    /** Secret (key {@code token}) with the token the app must send to Dapr. */
    public static final String API_TOKEN_SECRET = "dapr.io/api-token-secret";
    /** Secret (key {@code token}) with the token Dapr sends to the app. */
    public static final String APP_TOKEN_SECRET = "dapr.io/app-token-secret";
    /** Inject daprd as a native sidecar (an init container with {@code restartPolicy: Always}; Dapr 1.18+). */
    public static final String ENABLE_NATIVE_SIDECAR = "dapr.io/enable-native-sidecar";
    /** Prometheus metrics on daprd (default true). */
    public static final String ENABLE_METRICS = "dapr.io/enable-metrics";
    /** Port of daprd's metrics server (default 9090). */
    public static final String METRICS_PORT = "dapr.io/metrics-port";

    // --- the other annotations the injector knows --------------------------------------------------------------

    public static final String APP_SSL = "dapr.io/app-ssl";
    public static final String ENABLE_PROFILING = "dapr.io/enable-profiling";
    public static final String LOG_AS_JSON = "dapr.io/log-as-json";
    public static final String APP_MAX_CONCURRENCY = "dapr.io/app-max-concurrency";
    public static final String ENABLE_DEBUG = "dapr.io/enable-debug";
    public static final String DEBUG_PORT = "dapr.io/debug-port";
    public static final String GRPC_PORT = "dapr.io/grpc-port";
    public static final String INTERNAL_GRPC_PORT = "dapr.io/internal-grpc-port";
    public static final String SIDECAR_LISTEN_ADDRESSES = "dapr.io/sidecar-listen-addresses";
    public static final String SIDECAR_LIVENESS_PROBE_DELAY_SECONDS = "dapr.io/sidecar-liveness-probe-delay-seconds";
    public static final String SIDECAR_LIVENESS_PROBE_TIMEOUT_SECONDS =
            "dapr.io/sidecar-liveness-probe-timeout-seconds";
    public static final String SIDECAR_LIVENESS_PROBE_PERIOD_SECONDS = "dapr.io/sidecar-liveness-probe-period-seconds";
    public static final String SIDECAR_LIVENESS_PROBE_THRESHOLD = "dapr.io/sidecar-liveness-probe-threshold";
    public static final String SIDECAR_READINESS_PROBE_DELAY_SECONDS = "dapr.io/sidecar-readiness-probe-delay-seconds";
    public static final String SIDECAR_READINESS_PROBE_TIMEOUT_SECONDS =
            "dapr.io/sidecar-readiness-probe-timeout-seconds";
    public static final String SIDECAR_READINESS_PROBE_PERIOD_SECONDS =
            "dapr.io/sidecar-readiness-probe-period-seconds";
    public static final String SIDECAR_READINESS_PROBE_THRESHOLD = "dapr.io/sidecar-readiness-probe-threshold";
    public static final String SIDECAR_IMAGE = "dapr.io/sidecar-image";
    public static final String HTTP_MAX_REQUEST_SIZE = "dapr.io/http-max-request-size";
    public static final String MAX_BODY_SIZE = "dapr.io/max-body-size";
    public static final String HTTP_READ_BUFFER_SIZE = "dapr.io/http-read-buffer-size";
    public static final String READ_BUFFER_SIZE = "dapr.io/read-buffer-size";
    public static final String GRACEFUL_SHUTDOWN_SECONDS = "dapr.io/graceful-shutdown-seconds";
    public static final String BLOCK_SHUTDOWN_DURATION = "dapr.io/block-shutdown-duration";
    public static final String ENABLE_API_LOGGING = "dapr.io/enable-api-logging";
    public static final String UNIX_DOMAIN_SOCKET_PATH = "dapr.io/unix-domain-socket-path";
    public static final String VOLUME_MOUNTS = "dapr.io/volume-mounts";
    public static final String VOLUME_MOUNTS_RW = "dapr.io/volume-mounts-rw";
    public static final String DISABLE_BUILTIN_K8S_SECRET_STORE = "dapr.io/disable-builtin-k8s-secret-store";
    public static final String ENABLE_APP_HEALTH_CHECK = "dapr.io/enable-app-health-check";
    public static final String APP_HEALTH_CHECK_PATH = "dapr.io/app-health-check-path";
    public static final String APP_HEALTH_PROBE_INTERVAL = "dapr.io/app-health-probe-interval";
    public static final String APP_HEALTH_PROBE_TIMEOUT = "dapr.io/app-health-probe-timeout";
    public static final String APP_HEALTH_THRESHOLD = "dapr.io/app-health-threshold";
    public static final String PLACEMENT_HOST_ADDRESS = "dapr.io/placement-host-address";
    public static final String SCHEDULER_HOST_ADDRESS = "dapr.io/scheduler-host-address";
    public static final String PLUGGABLE_COMPONENTS = "dapr.io/pluggable-components";
    public static final String PLUGGABLE_COMPONENTS_SOCKETS_FOLDER = "dapr.io/pluggable-components-sockets-folder";
    public static final String COMPONENT_CONTAINER = "dapr.io/component-container";
    public static final String INJECT_PLUGGABLE_COMPONENTS = "dapr.io/inject-pluggable-components";
    public static final String APP_CHANNEL_ADDRESS = "dapr.io/app-channel-address";
    public static final String SENTRY_REQUEST_JWT_AUDIENCES = "dapr.io/sentry-request-jwt-audiences";
    public static final String SIDECAR_SVC_ANNOTATIONS = "dapr.io/sidecar-svc-annotations";
    public static final String DISABLE_INIT_ENDPOINTS = "dapr.io/disable-init-endpoints";
    /** Dapr 1.18.0+. */
    public static final String ACTORS_DISSEMINATE_TIMEOUT = "dapr.io/actors-disseminate-timeout";
    /** Dapr 1.16.18, 1.17.12 and 1.18.3+. */
    public static final String APP_BINDING_OPTIONS_TIMEOUT = "dapr.io/app-binding-options-timeout";

    /** The Dapr release {@link #KNOWN} was taken from. */
    public static final String KNOWN_FROM_DAPR = "1.18.3";

    /**
     * Every annotation key the Dapr sidecar injector reads: the 64 {@code Key*} constants of dapr/dapr
     * {@code pkg/injector/annotations/annotations.go} at tag v{@value #KNOWN_FROM_DAPR} (commit
     * 2dcf2e3548faf3c740b3d29ee300e2132db65cff), copied in file order to the test resource
     * {@code dapr/injector-annotations-1.18.3.txt} that {@code DaprAnnotationsTest} compares with. Older releases know fewer (an annotation a release does not
     * know is ignored there, never an error), so the newest release's list is the one to check against.
     * Insertion-ordered and unmodifiable.
     */
    public static final Set<String> KNOWN = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            ENABLED, APP_PORT, CONFIG, APP_PROTOCOL, APP_SSL, APP_ID, ENABLE_PROFILING, LOG_LEVEL,
            API_TOKEN_SECRET, APP_TOKEN_SECRET, LOG_AS_JSON, APP_MAX_CONCURRENCY, ENABLE_METRICS, METRICS_PORT,
            ENABLE_DEBUG, DEBUG_PORT, ENV, ENV_FROM_SECRET, GRPC_PORT, INTERNAL_GRPC_PORT,
            SIDECAR_CPU_REQUEST, SIDECAR_CPU_LIMIT, SIDECAR_MEMORY_REQUEST, SIDECAR_MEMORY_LIMIT,
            SIDECAR_LISTEN_ADDRESSES,
            SIDECAR_LIVENESS_PROBE_DELAY_SECONDS, SIDECAR_LIVENESS_PROBE_TIMEOUT_SECONDS,
            SIDECAR_LIVENESS_PROBE_PERIOD_SECONDS, SIDECAR_LIVENESS_PROBE_THRESHOLD,
            SIDECAR_READINESS_PROBE_DELAY_SECONDS, SIDECAR_READINESS_PROBE_TIMEOUT_SECONDS,
            SIDECAR_READINESS_PROBE_PERIOD_SECONDS, SIDECAR_READINESS_PROBE_THRESHOLD,
            SIDECAR_IMAGE, SIDECAR_SECCOMP_PROFILE_TYPE, HTTP_MAX_REQUEST_SIZE, MAX_BODY_SIZE,
            HTTP_READ_BUFFER_SIZE, READ_BUFFER_SIZE, GRACEFUL_SHUTDOWN_SECONDS, BLOCK_SHUTDOWN_DURATION,
            ENABLE_API_LOGGING, UNIX_DOMAIN_SOCKET_PATH, VOLUME_MOUNTS, VOLUME_MOUNTS_RW,
            DISABLE_BUILTIN_K8S_SECRET_STORE, ENABLE_APP_HEALTH_CHECK, APP_HEALTH_CHECK_PATH,
            APP_HEALTH_PROBE_INTERVAL, APP_HEALTH_PROBE_TIMEOUT, APP_HEALTH_THRESHOLD,
            PLACEMENT_HOST_ADDRESS, SCHEDULER_HOST_ADDRESS, PLUGGABLE_COMPONENTS,
            PLUGGABLE_COMPONENTS_SOCKETS_FOLDER, COMPONENT_CONTAINER, INJECT_PLUGGABLE_COMPONENTS,
            APP_CHANNEL_ADDRESS, SENTRY_REQUEST_JWT_AUDIENCES,
            SIDECAR_SVC_ANNOTATIONS, DISABLE_INIT_ENDPOINTS,
            ENABLE_NATIVE_SIDECAR, ACTORS_DISSEMINATE_TIMEOUT, APP_BINDING_OPTIONS_TIMEOUT)));

    /** The values daprd accepts for {@code --log-level}. */
    public static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error", "fatal");

    /** The values the injector accepts for {@code dapr.io/app-protocol} (it lower-cases the value first). */
    public static final Set<String> APP_PROTOCOLS = Set.of("http", "grpc", "https", "grpcs", "h2c");

    /** The values Dapr's {@code IsTruthy} took as true (after trimming and lower-casing). */
    /** What Dapr's {@code IsTruthy} accepted, lower-cased and trimmed. */
    public static final Set<String> LEGACY_TRUTHY = Set.of("y", "yes", "true", "t", "on", "1");

    /** Suggestions among {@link #KNOWN}, same order, for {@link #nearestKnown}. */
    private static final Nearest NEAREST_KNOWN = new Nearest(List.copyOf(KNOWN));

    /** True if {@code key} is exactly (case-sensitively) an annotation the injector reads. */
    public static boolean isKnown(String key) {
        return key != null && KNOWN.contains(key);
    }

    /**
     * The known key closest to {@code unknownKey}, for "did you mean" messages: the smallest optimal string
     * alignment distance (Damerau-Levenshtein with adjacent transpositions), comparing case-insensitively, among
     * {@link #KNOWN}. Only a reasonably close key is returned: the distance must be at most
     * {@code max(3, length / 4)} and also smaller than the length of the part after {@code dapr.io/}, so that a
     * one-letter key does not get an unrelated suggestion. Ties go to the key listed first in {@link #KNOWN}.
     *
     * <p>Examples: {@code dapr.io/sidecar-cpu-limits} to {@code dapr.io/sidecar-cpu-limit}, {@code dapr.io/app_id}
     * and {@code dapr.io/App-Id} to {@code dapr.io/app-id}, {@code dapr.io/enable} to {@code dapr.io/enabled};
     * nothing for {@code dapr.io/zzzzzzzzzzzz}. A known key returns itself.
     */
    public static Optional<String> nearestKnown(String unknownKey) {
        if (unknownKey == null || unknownKey.isEmpty()) {
            return Optional.empty();
        }
        int tail = unknownKey.toLowerCase(Locale.ROOT).startsWith(PREFIX)
                ? unknownKey.length() - PREFIX.length() : unknownKey.length();
        return NEAREST_KNOWN.find(unknownKey, Math.min(Math.max(3, unknownKey.length() / 4), tail - 1));
    }

    /**
     * True if Dapr 1.17.3+ injects for this {@code dapr.io/enabled} value: exactly {@code true}, in any ASCII
     * letter case. Nothing is trimmed ({@code " true"} is false here), as in Go's {@code strings.EqualFold}.
     */
    public static boolean isTrue(String enabledValue) {
        return enabledValue != null && GoStrings.equalsAsciiIgnoreCase(enabledValue, "true");
    }

    /**
     * True for a {@code dapr.io/enabled} value that older Dapr injectors took as true but Dapr 1.17.3+ does not:
     * one that Dapr's {@code IsTruthy} accepts ({@code strings.ToLower(strings.TrimSpace(v))} is one of
     * {@code y, yes, true, t, on, 1}) while {@link #isTrue} does not. That is {@code y, yes, t, on, 1} in any case
     * and with any surrounding white space, and {@code true} with surrounding white space.
     */
    public static boolean isLegacyTruthy(String enabledValue) {
        if (enabledValue == null || isTrue(enabledValue)) {
            return false;
        }
        String t = GoStrings.trimSpace(enabledValue);
        if (t.length() > 4) {
            return false;
        }
        // ASCII lower-casing is enough: no non-ASCII character lower-cases to one of these letters in Go.
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return LEGACY_TRUTHY.contains(sb.toString());
    }
}

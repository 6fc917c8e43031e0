package io.daprguard.config;

import io.daprguard.policy.Mode;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import io.daprguard.rules.SecretNames;
import io.daprguard.rules.SidecarDefaults;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything under {@code dapr-guard.*} except TLS. Checked when bound: a bad value stops start-up with a message
 * naming the property (an unknown rule id lists the known ones).
 *
 * @param mode {@code enforce} (default) or {@code audit}
 * @param mutateTemplates patch workload pod templates too (default false: pods are patched when created)
 * @param validateFailOpen allow instead of deny when {@code /validate} fails unexpectedly (default false)
 * @param maxRequestSize the largest AdmissionReview body accepted (default 8MB: an UPDATE carries two objects
 *     of up to 3 MiB each)
 * @param sidecar the values mutation adds
 * @param rules per-rule actions ({@code deny}, {@code warn}, {@code off}) overriding the defaults
 * @param skippable rule ids {@code daprguard.io/skip} may skip; unset means the warn-level rules
 * @param limits how much work may be in progress
 * @param metrics metric options
 * @param shutdown graceful shutdown options
 * @param components options of the Component rules
 * @param controlPlane options of the control-plane rules and of {@code check --dapr-values}
 */
@ConfigurationProperties(prefix = "dapr-guard")
@Validated
public record DaprGuardProperties(
        @NotNull @DefaultValue("enforce") Mode mode,
        @DefaultValue("false") boolean mutateTemplates,
        @DefaultValue("false") boolean validateFailOpen,
        @NotNull @DefaultValue("8MB") DataSize maxRequestSize,
        @NotNull @Valid @DefaultValue Sidecar sidecar,
        Map<String, String> rules,
        Set<String> skippable,
        @NotNull @Valid @DefaultValue Limits limits,
        @NotNull @Valid @DefaultValue Metrics metrics,
        @NotNull @Valid @DefaultValue Shutdown shutdown,
        @NotNull @Valid @DefaultValue Components components,
        @NotNull @Valid @DefaultValue ControlPlane controlPlane) {

    /**
     * @param memoryLimits advise memory limits on control-plane pods, as the seed guideline's table does (default
     *     true); false follows the current upstream production page, which advises against them (a memory limit
     *     OOM-kills the service) and then warns about a memory limit instead
     */
    public record ControlPlane(@DefaultValue("true") boolean memoryLimits) {}

    /**
     * @param secretNamePatterns regular expressions (case-insensitive, whole name, compared with everything but
     *     letters and digits removed) for the Component metadata names that hold secrets; unset means
     *     {@link SecretNames#DEFAULT_PATTERNS}
     */
    public record Components(List<String> secretNamePatterns) {

        public Components {
            if (secretNamePatterns != null) {
                SecretNames.of(secretNamePatterns);
            }
        }

        SecretNames secretNames() {
            return secretNamePatterns == null ? SecretNames.DEFAULT : SecretNames.of(secretNamePatterns);
        }
    }

    /**
     * @param maxConcurrentReviews reviews evaluated at once; more wait for a turn
     * @param maxWait how long a review waits for a turn before it gets a fast code-429 answer (keep it well below
     *     the webhook's {@code timeoutSeconds})
     */
    public record Limits(
            @Min(1) @Max(10_000) @DefaultValue("64") int maxConcurrentReviews,
            @NotNull @DefaultValue("250ms") Duration maxWait) {}

    /** @param namespaceLabel add a {@code namespace} label to the request series (off: bounded cardinality) */
    public record Metrics(@DefaultValue("false") boolean namespaceLabel) {}

    /**
     * @param drainPeriod after SIGTERM, how long new connections are still served while readiness is already
     *     false, so the Service stops routing before the server stops accepting
     */
    public record Shutdown(@NotNull @DefaultValue("5s") Duration drainPeriod) {}

    /**
     * The sidecar values mutation adds (the guideline's production values by default).
     *
     * @param gomemlimitPercent GOMEMLIMIT as a share of the sidecar memory limit, 1 to 100
     */
    public record Sidecar(
            @NotNull @DefaultValue("100m") String cpuRequest,
            @NotNull @DefaultValue("300m") String cpuLimit,
            @NotNull @DefaultValue("250Mi") String memoryRequest,
            @NotNull @DefaultValue("1000Mi") String memoryLimit,
            @Min(1) @Max(100) @DefaultValue("90") int gomemlimitPercent) {}

    public DaprGuardProperties {
        rules = rules == null ? Map.of() : rules;
        if (maxRequestSize != null && (maxRequestSize.toBytes() < 1024 || maxRequestSize.toBytes() > 64L << 20)) {
            throw new IllegalArgumentException(
                    "dapr-guard.max-request-size must be between 1KB and 64MB, was " + maxRequestSize);
        }
        if (limits != null && (limits.maxWait().isNegative() || limits.maxWait().toSeconds() > 30)) {
            throw new IllegalArgumentException(
                    "dapr-guard.limits.max-wait must be between 0 and 30s, was " + limits.maxWait());
        }
        if (shutdown != null && (shutdown.drainPeriod().isNegative() || shutdown.drainPeriod().toMinutes() > 5)) {
            throw new IllegalArgumentException(
                    "dapr-guard.shutdown.drain-period must be between 0 and 5m, was " + shutdown.drainPeriod());
        }
        if (mode != null && sidecar != null) {
            toPolicy(mode, mutateTemplates, sidecar, rules, skippable);
        }
    }

    /** The engine's policy; the values were checked when bound. */
    public Policy toPolicy() {
        return toPolicy(mode, mutateTemplates, sidecar, rules, skippable).withSecretNames(components.secretNames())
                .withControlPlaneMemoryLimits(controlPlane.memoryLimits());
    }

    private static Policy toPolicy(
            Mode mode, boolean mutateTemplates, Sidecar sidecar, Map<String, String> rules, Set<String> skippable) {
        SidecarDefaults defaults = SidecarDefaults.of(sidecar.cpuRequest(), sidecar.cpuLimit(),
                sidecar.memoryRequest(), sidecar.memoryLimit(), sidecar.gomemlimitPercent());
        Map<String, Action> actions = new LinkedHashMap<>();
        rules.forEach((id, action) -> actions.put(id, Action.parse(action)));
        return Policy.of(mode, actions, skippable, defaults, mutateTemplates);
    }
}

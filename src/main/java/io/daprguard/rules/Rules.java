package io.daprguard.rules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every rule, in the order the engine runs them: mutations that others depend on first (resources before
 * GOMEMLIMIT, annotations before the injected container).
 */
public final class Rules {

    /** The object annotation that lists rule ids to skip for that object (those the policy lets be skipped). */
    public static final String SKIP_ANNOTATION = "daprguard.io/skip";

    private static final List<Rule> ALL = List.of(
            new SidecarResourcesRule(),
            new SidecarGomemlimitRule(),
            new SidecarSeccompRule(),
            new InjectedSidecarRule(),
            new SidecarInjectedRule(),
            new AppIdRule(),
            new EnabledValueRule(),
            new UnknownAnnotationRule(),
            new ApiTokenRule(),
            new AppTokenRule(),
            new ServiceAccountTokenRule(),
            new EnvSecretsRule(),
            new SslCertDirRule(),
            new GracefulShutdownRule(),
            new LogLevelRule(),
            new ComponentSecretsRule(),
            new ComponentMetadataRule(),
            new ComponentScopesRule(),
            new ComponentAuthRule(),
            new ConfigMtlsRule(),
            new ConfigMetricsRule(),
            new ConfigTracingRule(),
            new ControlPlaneHaRule(),
            new ControlPlaneResourcesRule(),
            new ControlPlaneNamespaceRule(),
            new AppIdUniqueRule(),
            new ScopesKnownAppsRule(),
            new ConfigExistsRule(),
            new SecretStoreExistsRule(),
            new SidecarVersionRule(),
            new SidecarOomKilledRule(),
            new SidecarRightSizeRule(),
            new ControlPlaneSpreadRule());

    private static final Map<String, Rule> BY_ID = index();

    private Rules() {}

    public static List<Rule> all() {
        return ALL;
    }

    /** The cross-object rules, which only the cluster audit runs. */
    public static List<ClusterRule> cluster() {
        return ALL.stream().filter(ClusterRule.class::isInstance).map(ClusterRule.class::cast).toList();
    }

    /** The rules of one scope, in order. */
    public static List<Rule> of(Scope scope) {
        return ALL.stream().filter(rule -> rule.scope() == scope).toList();
    }

    public static Optional<Rule> byId(String id) {
        return Optional.ofNullable(BY_ID.get(id));
    }

    private static Map<String, Rule> index() {
        Map<String, Rule> byId = new LinkedHashMap<>();
        for (Rule rule : ALL) {
            if (byId.put(rule.id(), rule) != null) {
                throw new IllegalStateException("duplicate rule id " + rule.id());
            }
        }
        return Map.copyOf(byId);
    }
}

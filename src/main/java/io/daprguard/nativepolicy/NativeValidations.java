package io.daprguard.nativepolicy;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.rules.ApiTokenRule;
import io.daprguard.rules.AppIdRule;
import io.daprguard.rules.AppTokenRule;
import io.daprguard.rules.ComponentScopesRule;
import io.daprguard.rules.ConfigMetricsRule;
import io.daprguard.rules.ConfigMtlsRule;
import io.daprguard.rules.ConfigTracingRule;
import io.daprguard.rules.ControlPlaneHaRule;
import io.daprguard.rules.ControlPlaneNamespaceRule;
import io.daprguard.rules.ControlPlaneResourcesRule;
import io.daprguard.rules.SslCertDirRule;
import io.daprguard.rules.EnabledValueRule;
import io.daprguard.rules.LogLevelRule;
import io.daprguard.rules.ServiceAccountTokenRule;
import io.daprguard.rules.Texts;
import io.daprguard.policy.PolicyEngine;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * dapr-guard's rules as ValidatingAdmissionPolicy validations: for each rule CEL expresses as the webhook judges it,
 * an expression that is true when the object passes and a {@code messageExpression} that gives the webhook's message
 * ({@code [rule-id] what is wrong; how to fix it}). The first rules of the native engine; the export, the bindings
 * and the mutations build on this table.
 *
 * <p>Pod rules read the variable {@value #ANNOTATIONS}: the annotations of the pod, or of the pod template of a
 * workload, which each policy declares for the kinds it matches ({@link #annotationsOf}). A value in a message is
 * quoted as the webhook quotes it ({@link Texts#quoted}).
 */
public final class NativeValidations {

    /** The variable holding the pod's or the pod template's annotations ({@code {}} when it has none). */
    public static final String ANNOTATIONS = "variables.annotations";

    /** The variable holding the pod's or the pod template's spec ({@code {}} when it has none). */
    public static final String POD_SPEC = "variables.podSpec";

    /** The variable holding an object's {@code daprguard.io/skip} lists, comma-joined ({@link #skipsOf}). */
    public static final String SKIPS = "variables.skips";

    /** What a validation applies to. */
    public enum Target {
        /** Pods and the pod templates of workloads whose {@code dapr.io/enabled} is {@code "true"} (any case). */
        POD,
        /** Dapr Configurations. */
        CONFIGURATION,
        /** Dapr Components. */
        COMPONENT,
        /** Dapr's own control-plane Deployments and StatefulSets. */
        CONTROL_PLANE
    }

    /**
     * One rule's validation.
     *
     * @param ruleId the rule's id
     * @param target what it applies to
     * @param expression CEL, true when the object passes
     * @param messageExpression CEL, the message when it does not, starting with {@code [rule-id] }
     */
    public record Validation(String ruleId, Target target, String expression, String messageExpression) {}

    private NativeValidations() {}

    /**
     * CEL for the annotations of the pod or pod template of {@code kind}: {@code object.metadata} for a Pod,
     * {@code object.spec.jobTemplate.spec.template.metadata} for a CronJob, {@code object.spec.template.metadata}
     * for the other workloads; {@code {}} when it has none, or when a level on the way is absent.
     */
    public static String annotationsOf(String kind) {
        // every optional level behind ?., so that an absent one is "no annotations", never an error (an error in a
        // matchCondition applies the failurePolicy)
        return switch (kind) {
            case "Pod" -> "object.metadata.?annotations.orValue({})";
            case "CronJob" -> "object.spec.jobTemplate.?spec.?template.?metadata.?annotations.orValue({})";
            default -> "object.spec.?template.?metadata.?annotations.orValue({})";
        };
    }

    /**
     * An expression over {@value #ANNOTATIONS} rewritten to read the annotations of {@code kind} itself, for a
     * matchCondition (which runs before the policy's variables exist).
     */
    public static String onAnnotationsOf(String expression, String kind) {
        return expression.replace(ANNOTATIONS, "(" + annotationsOf(kind) + ")");
    }

    /** CEL for the pod spec of {@code kind}, as {@link #annotationsOf} finds the metadata; {@code {}} when absent. */
    public static String podSpecOf(String kind) {
        return switch (kind) {
            case "Pod" -> "object.?spec.orValue({})";
            case "CronJob" -> "object.spec.jobTemplate.?spec.?template.?spec.orValue({})";
            default -> "object.spec.?template.?spec.orValue({})";
        };
    }

    /**
     * CEL for the comma-separated rule ids (as written: {@link #skips} matches them) of the {@code daprguard.io/skip}
     * annotations of the pod or template of
     * {@code kind} and, for a workload, of the workload itself: each metadata's list counts only when it has no
     * {@code daprguard.io/skip-until} (an end cannot be judged without a clock: such a skip is left to the webhook,
     * and the rules apply) and, when {@code requireReason}, a non-blank {@code daprguard.io/skip-reason}. Whether a
     * named rule may be skipped is decided by the validations, which check only skippable rules against this list.
     */
    public static String skipsOf(String kind, boolean requireReason) {
        String skips = skipsIn(annotationsOf(kind), requireReason);
        return kind.equals("Pod") ? skips
                : skips + " + ',' + " + skipsIn("object.metadata.?annotations.orValue({})", requireReason);
    }

    /**
     * The longest {@code daprguard.io/skip} the native policies read (characters); a longer one skips nothing
     * natively. Every rule id, comma-separated with spaces, is under a thousand.
     */
    public static final int MAX_SKIP_LIST = 4096;

    private static String skipsIn(String annotations, boolean requireReason) {
        String a = "(" + annotations + ")";
        // a reason that is not blank as Java's isBlank() sees it (CEL's trim() is Go's white space); one longer than a
        // skip list counts as given, unread
        String reason = a + "[?" + literal(PolicyEngine.SKIP_REASON_ANNOTATION) + "].orValue('')";
        String applies = "(" + literal(PolicyEngine.SKIP_ANNOTATION) + " in " + a + " && !("
                + literal(PolicyEngine.SKIP_UNTIL_ANNOTATION) + " in " + a + ")" + (requireReason ? " && (size(" + reason + ") > " + MAX_SKIP_LIST
                + " || !" + reason + ".matches(" + literal("^" + WHITE_SPACE + "*$") + "))" : "") + ")";
        // a list longer than any list of rule ids is not read: matching it would cost the apiserver its length
        String list = a + "[" + literal(PolicyEngine.SKIP_ANNOTATION) + "]";
        return "(" + applies + " && size(" + list + ") <= " + MAX_SKIP_LIST + " ? " + list + " : '')";
    }

    /**
     * CEL true when the webhook reviews a pod or template with these annotations for every pod rule:
     * {@code dapr.io/enabled} is {@code "true"} in any letter case, as Dapr 1.17.3+ compares it.
     */
    public static String enabled() {
        return "%s[?%s].orValue('').lowerAscii() == 'true'".formatted(ANNOTATIONS, literal(DaprAnnotations.ENABLED));
    }

    /**
     * CEL true for a value older injectors took as true and Dapr 1.17.3+ does not: reviewed for
     * {@code enabled-value} only.
     */
    public static String legacyEnabled() {
        String value = ANNOTATIONS + "[?" + literal(DaprAnnotations.ENABLED) + "].orValue('')";
        return "%1$s.trim().lowerAscii() in %2$s && %1$s.lowerAscii() != 'true'"
                .formatted(value, list(DaprAnnotations.LEGACY_TRUTHY));
    }

    /** The validations, in the order of the rules table. */
    public static List<Validation> all() {
        return ALL;
    }

    private static final List<Validation> ALL = validations();

    private static List<Validation> validations() {
        String enabled = ANNOTATIONS + "[" + literal(DaprAnnotations.ENABLED) + "]";
        String logLevel = ANNOTATIONS + "[" + literal(DaprAnnotations.LOG_LEVEL) + "]";
        String tracingSet = "(object.?spec.?tracing.hasValue() && object.spec.tracing != null)";
        String tracing = "object.spec.tracing";
        // has(), not type(x) == map: in the kube-apiserver a field of a CRD's structural schema is an object type,
        // not a map
        String rateSet = "has(" + tracing + ".samplingRate)";
        String appId = ANNOTATIONS + "[?" + literal(DaprAnnotations.APP_ID) + "].orValue('')";
        int maxAppId = AppIdRule.MAX_LENGTH;
        return List.of(
                new Validation(EnabledValueRule.ID, Target.POD, "!(" + legacyEnabled() + ")",
                        message(EnabledValueRule.ID, literal(DaprAnnotations.ENABLED + " ") + " + " + quoted(enabled)
                                + " + " + literal(EnabledValueRule.NO_SIDECAR))),
                new Validation(AppIdRule.ID, Target.POD,
                        "size(" + appId + ") > 0 && size(" + appId + ") <= " + maxAppId + " && (" + appId
                                + " + '-dapr').matches(" + literal("^" + AppIdRule.DNS_1123_LABEL_REGEX + "$") + ")",
                        message(AppIdRule.ID, "size(" + appId + ") == 0 ? " + literal(AppIdRule.NOT_SET)
                                + " : size(" + appId + ") > " + maxAppId + " ? " + literal(DaprAnnotations.APP_ID
                                + " is ") + " + string(size(" + appId + ")) + " + literal(AppIdRule.TOO_LONG) + " : "
                                + literal(DaprAnnotations.APP_ID + " ") + " + " + quoted(appId) + " + "
                                + literal(AppIdRule.NOT_A_LABEL))),
                new Validation(ApiTokenRule.ID, Target.POD,
                        literal(DaprAnnotations.API_TOKEN_SECRET) + " in " + ANNOTATIONS,
                        message(ApiTokenRule.ID, literal(ApiTokenRule.MESSAGE))),
                new Validation(AppTokenRule.ID, Target.POD,
                        literal(DaprAnnotations.APP_TOKEN_SECRET) + " in " + ANNOTATIONS,
                        message(AppTokenRule.ID, literal(AppTokenRule.MESSAGE))),
                new Validation(ServiceAccountTokenRule.ID, Target.POD,
                        POD_SPEC + ".?automountServiceAccountToken.orValue(true) == false",
                        message(ServiceAccountTokenRule.ID, literal(ServiceAccountTokenRule.MESSAGE))),
                new Validation(LogLevelRule.ID, Target.POD,
                        "!(" + literal(DaprAnnotations.LOG_LEVEL) + " in " + ANNOTATIONS + ") || " + logLevel
                                + " in " + list(DaprAnnotations.LOG_LEVELS),
                        message(LogLevelRule.ID, literal(DaprAnnotations.LOG_LEVEL + " ") + " + " + quoted(logLevel)
                                + " + " + literal(LogLevelRule.NOT_A_LEVEL))),
                new Validation(SslCertDirRule.ID, Target.POD,
                        "!" + envNames(DaprAnnotations.ENV, SslCertDirRule.SSL_CERT_DIR) + " && !"
                                + secretGives(SslCertDirRule.SSL_CERT_DIR),
                        message(SslCertDirRule.ID, literal(SslCertDirRule.SSL_CERT_DIR + " in ") + " + ("
                                + envNames(DaprAnnotations.ENV, SslCertDirRule.SSL_CERT_DIR) + " ? "
                                + literal(DaprAnnotations.ENV) + " : " + literal(DaprAnnotations.ENV_FROM_SECRET)
                                + ") + " + literal(SslCertDirRule.MESSAGE))),
                new Validation(ComponentScopesRule.ID, Target.COMPONENT,
                        "has(object.scopes) && type(object.scopes) == list && size(object.scopes) > 0",
                        message(ComponentScopesRule.ID, "has(object.spec) && has(object.spec.scopes) ? "
                                + literal(ComponentScopesRule.UNDER_SPEC) + " : "
                                + literal(ComponentScopesRule.NO_SCOPES))),
                new Validation(ConfigMtlsRule.ID, Target.CONFIGURATION,
                        "!(" + isFalse("object.?spec.?mtls.?enabled") + ")",
                        message(ConfigMtlsRule.ID, literal(ConfigMtlsRule.MESSAGE))),
                new Validation(ConfigTracingRule.ID, Target.CONFIGURATION,
                        tracingSet + " && " + rateSet + " && !(" + zero(tracing + ".samplingRate") + ")",
                        message(ConfigTracingRule.ID, "!(" + tracingSet + ") ? " + literal(ConfigTracingRule.NO_TRACING)
                                + " : 'spec.tracing.samplingRate is ' + (" + rateSet + " ? '0' : 'not set') + "
                                + literal(ConfigTracingRule.NO_SAMPLING))),
                new Validation(ConfigMetricsRule.ID, Target.CONFIGURATION,
                        "!(" + isFalse("object.?spec.?metric.?enabled") + ")",
                        message(ConfigMetricsRule.ID, literal(ConfigMetricsRule.MESSAGE))),
                new Validation(ControlPlaneHaRule.ID, Target.CONTROL_PLANE,
                        "!(" + REPLICAS + " > 0 && " + REPLICAS + " < 3)",
                        message(ControlPlaneHaRule.ID, "object.metadata.?name.orValue('') + ' runs ' + string("
                                + REPLICAS + ") + (" + REPLICAS + " == 1 ? ' replica' : ' replicas') + "
                                + literal(ControlPlaneHaRule.ADVICE))),
                new Validation(ControlPlaneNamespaceRule.ID, Target.CONTROL_PLANE,
                        NAMESPACE + " != 'default'",
                        message(ControlPlaneNamespaceRule.ID, "object.metadata.?name.orValue('') + "
                                + literal(ControlPlaneNamespaceRule.MESSAGE))));
    }

    /**
     * The containers of a control-plane workload judged natively: one validation each, by index (a validation has one
     * message, and the webhook writes one finding per container). Dapr's control-plane pods have one or two.
     */
    public static final int CONTROL_PLANE_CONTAINERS = 8;

    /**
     * {@code control-plane-resources} for each of the first {@value #CONTROL_PLANE_CONTAINERS} containers: requests
     * for cpu and memory and, unless the policy follows the seed guideline's memory limits, no memory limit.
     */
    static List<Validation> controlPlaneResources(boolean memoryLimitsAdvised) {
        String containers = "object.spec.?template.?spec.?containers.orValue([])";
        String name = "object.metadata.?name.orValue('')";
        StringBuilder guideline = new StringBuilder("{");
        ControlPlaneResourcesRule.GUIDELINE.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> guideline.append(guideline.length() > 1 ? ", " : "").append(literal(e.getKey()))
                        .append(": ").append(literal(e.getValue())));
        guideline.append('}');
        List<Validation> out = new java.util.ArrayList<>();
        for (int i = 0; i < CONTROL_PLANE_CONTAINERS; i++) {
            String container = containers + "[" + i + "]";
            String present = "size(" + containers + ") > " + i;
            String cpu = container + ".?resources.?requests.?cpu.hasValue()";
            String memory = container + ".?resources.?requests.?memory.hasValue()";
            String start = "(" + name + " in " + guideline + " ? " + literal(ControlPlaneResourcesRule.STARTS_AT)
                    + " + " + guideline + "[" + name + "] + ')' : '')";
            String containerName = "'container ' + " + container + ".?name.orValue('?') + ' of ' + " + name;
            out.add(new Validation(ControlPlaneResourcesRule.ID, Target.CONTROL_PLANE,
                    "!(" + present + ") || " + cpu + " && " + memory,
                    message(ControlPlaneResourcesRule.ID, containerName + " + ' requests no ' + (!" + cpu + " && !"
                            + memory + " ? 'cpu or memory' : !" + cpu + " ? 'cpu' : 'memory') + '; set requests' + "
                            + start + " + " + literal(ControlPlaneResourcesRule.THROUGH_THE_CHART))));
            if (!memoryLimitsAdvised) {
                String limit = container + ".?resources.?limits.?memory";
                out.add(new Validation(ControlPlaneResourcesRule.ID, Target.CONTROL_PLANE,
                        "!(" + present + ") || !(" + limit + ".hasValue() && " + limit + ".value() != null)",
                        message(ControlPlaneResourcesRule.ID, containerName + " + ' has a memory limit (' + "
                                + shown("string(" + limit + ".value())") + " + ')' + "
                                + literal(ControlPlaneResourcesRule.NO_MEMORY_LIMIT))));
            }
        }
        return out;
    }

    /** CEL for a control-plane workload's replicas, as the webhook reads them (absent or null: 1). */
    private static final String REPLICAS = "(object.?spec.?replicas.orValue(1) == null ? 1 : object.?spec.?replicas.orValue(1))";

    /** CEL for the namespace of the request, or of the object's metadata when the request has none. */
    private static final String NAMESPACE = "(request.namespace != '' ? request.namespace"
            + " : object.metadata.?namespace.orValue(''))";

    /**
     * Above this size an env annotation is not matched with a regular expression, whose cost on the 256 KiB an
     * annotation can hold would come near the kube-apiserver's limit per expression: it then names a variable when it
     * contains {@code NAME=} anywhere.
     */
    static final int MATCHED_SIZE = 64 * 1024;

    /**
     * Go's {@code strings.TrimSpace} white space, as an RE2 class: {@code \t} to {@code \r}, U+0085, and the Unicode
     * separators (Zs, Zl, Zp: the space, U+00A0, U+1680, U+2000 to U+200A, U+202F, U+205F, U+3000, U+2028, U+2029).
     * Short, because a regular expression costs the kube-apiserver its length times the text's.
     */
    static final String GO_SPACE = "[\\t-\\r\\x{85}\\pZ]";

    /** Dapr's separator before a variable's name, {@code ,\s*} with Go's {@code \s}. */
    static final String SEPARATOR = ",[\\t\\n\\f\\r ]*";

    /**
     * CEL true when the annotation {@code key}, split as Dapr splits {@code dapr.io/env} (a separator is
     * {@code ,\s*NAME=}, the first part trimmed as Go trims), has a variable named {@code name}.
     */
    static String envNames(String key, String name) {
        return envMatches(key, name, "(^" + GO_SPACE + "*|" + SEPARATOR + ")" + name + "=");
    }

    /**
     * CEL true when {@code dapr.io/env-from-secret} gives {@code name}: an entry whose reference Dapr keeps (at most
     * one {@code :}); a reference with a comma in it (never a valid Secret name or key) is not recognised.
     */
    static String secretGives(String name) {
        return envMatches(DaprAnnotations.ENV_FROM_SECRET, name, "(^" + GO_SPACE + "*|" + SEPARATOR + ")" + name
                + "=[^:,]*(:[^:,]*)?(" + SEPARATOR + "[A-Za-z_]\\w*=|$)");
    }

    /**
     * CEL: the annotation {@code key} matches {@code regex}, or, above {@value #MATCHED_SIZE} characters, contains
     * {@code name=} anywhere.
     */
    private static String envMatches(String key, String name, String regex) {
        String value = ANNOTATIONS + "[?" + literal(key) + "].orValue('')";
        return "(size(" + value + ") > " + MATCHED_SIZE + " ? " + value + ".contains(" + literal(name + "=") + ") : "
                + value + ".matches(" + literal(regex) + "))";
    }

    /** A CEL list literal of the strings, sorted (so that the output is stable). */
    public static String list(Collection<String> values) {
        return values.stream().sorted().map(NativeValidations::literal).collect(Collectors.joining(", ", "[", "]"));
    }

    /** CEL: the optional value is boolean false or the string "false" in any case ({@code ConfigMtlsRule.isFalse}). */
    private static String isFalse(String optional) {
        return ("%1$s.hasValue() && (type(%1$s.value()) == bool && %1$s.value() == false"
                + " || type(%1$s.value()) == string && %1$s.value().lowerAscii() == 'false')").formatted(optional);
    }

    /**
     * CEL: the value is zero as {@code new BigDecimal(text.strip())} reads a string (a sign, digits that are all 0
     * with at most one point, an exponent), or a number equal to 0; anything else (null, a boolean, text that is not
     * a number, a string over 64 KiB, whose match would cost the apiserver its length) is not.
     */
    private static String zero(String value) {
        // strip() is Java's white space (Character.isWhitespace), not CEL's trim() (Go's): matched, not trimmed
        String zero = "^" + WHITE_SPACE + "*[+-]?(0+[.]?0*|[.]0+)([eE][+-]?[0-9]+)?" + WHITE_SPACE + "*$";
        return ("(type(%1$s) == string && size(%1$s) <= 65536 && %1$s.matches(" + literal(zero) + ")"
                + " || type(%1$s) == int && %1$s == 0 || type(%1$s) == uint && %1$s == 0u"
                + " || type(%1$s) == double && %1$s == 0.0)").formatted(value);
    }

    /** {@code '[id] ' + message}, as a messageExpression. */
    static String message(String ruleId, String message) {
        return literal("[" + ruleId + "] ") + " + (" + message + ")";
    }

    /**
     * CEL for a string value in double quotes, as {@link Texts#quoted}, when it is printable ASCII: its first
     * {@value Texts#MAX_QUOTED} characters, then {@code ...} if there were more. Any other value is described instead
     * of shown (the webhook writes {@code ?} for each character that is not printable ASCII): doing that per character
     * in CEL needs a split and a map over a string of unknown size, whose estimated cost the kube-apiserver would
     * refuse. Every function here is linear in the value's size.
     */
    static String quoted(String value) {
        return printable(value, "'\"' + ", " + '\"'");
    }

    /** CEL for a value as {@link Texts#shown} writes it, when it is printable ASCII (see {@link #quoted}). */
    static String shown(String value) {
        return printable(value, "", "");
    }

    /** The value clipped to {@value Texts#MAX_QUOTED} characters between {@code before} and {@code after}. */
    private static String printable(String value, String before, String after) {
        return ("(%1$s.matches('^[ -~]*$') ? " + before + "(size(%1$s) > %2$d ? %1$s.substring(0, %2$d) + '...' : %1$s)"
                + after + " : 'a value with characters other than printable ASCII')").formatted(value, Texts.MAX_QUOTED);
    }

    /** CEL: the skip list (a {@link #skipsOf} string) names the rule, between commas, with white space around. */
    public static String skips(String ruleId) {
        return SKIPS + ".matches(" + literal("(^|,)" + WHITE_SPACE + "*" + ruleId + WHITE_SPACE + "*(,|$)") + ")";
    }

    /** What Java's {@code String.strip()} removes (Character.isWhitespace), as an RE2 class. */
    static final String WHITE_SPACE = "[\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x{1680}\\x{2000}-\\x{2006}"
            + "\\x{2008}-\\x{200A}\\x{2028}\\x{2029}\\x{205F}\\x{3000}]";

    /** A CEL single-quoted string literal holding {@code text} exactly. */
    public static String literal(String text) {
        StringBuilder out = new StringBuilder("'");
        for (char c : text.toCharArray()) {
            if (c == '\\' || c == '\'') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('\'').toString();
    }
}

package io.daprguard.nativepolicy;

import static io.daprguard.nativepolicy.NativeValidations.ANNOTATIONS;
import static io.daprguard.nativepolicy.NativeValidations.literal;
import static io.daprguard.nativepolicy.NativeValidations.message;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.GoMemLimit;
import io.daprguard.nativepolicy.NativeValidations.Target;
import io.daprguard.nativepolicy.NativeValidations.Validation;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import io.daprguard.rules.SidecarDefaults;
import io.daprguard.rules.SidecarGomemlimitRule;
import io.daprguard.rules.SidecarResource;
import io.daprguard.rules.SidecarResourcesRule;
import io.daprguard.rules.SidecarSeccompRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The sidecar defaults in CEL: the JSON patch a MutatingAdmissionPolicy applies to a Dapr pod (or pod template) and
 * the validations of {@code sidecar-resources}, {@code sidecar-seccomp} and the part of {@code sidecar-gomemlimit}
 * CEL can judge, exactly as the webhook's rules mutate and judge.
 *
 * <p>The validations judge a pod or template <em>as mutation leaves it</em>, like the webhook: an annotation that
 * is absent counts with the value the mutation adds, when it would add one. For a pod in an enforced namespace the
 * mutation has already run (the MutatingAdmissionPolicy, before every validation), and the annotations are there;
 * in audit, and for templates that are not patched, they are not, and the validation supplies them. Whether the
 * mutation adds a value follows the webhook's rules: a rule that is off or skipped adds nothing; a request or limit
 * is added only where it leaves the request at or below the limit ({@code PairFill}); GOMEMLIMIT is added, at the
 * configured share of the memory limit in Go's syntax, when {@code dapr.io/env} has none, no GOMEMLIMIT comes from
 * {@code dapr.io/env-from-secret}, and the (possibly added) memory limit is a positive quantity.
 *
 * <p>{@code dapr.io/env} is read as Dapr splits it only as far as a regular expression can: whether a variable named
 * GOMEMLIMIT is there (a separator is {@code ,\s*NAME=}, the first part is trimmed as Go trims). Its value is not
 * extracted, so GOMEMLIMIT's syntax, zero, {@code off} and its size against the limit stay with the webhook
 * ({@code sidecar-gomemlimit} is partial).
 */
public final class NativeSidecar {

    private static final String GOMEMLIMIT = "GOMEMLIMIT";
    private static final String RUNTIME_DEFAULT = "RuntimeDefault";
    private static final String MIB = "1048576";

    private final Policy policy;
    private final java.util.function.Function<SidecarResource, String> defaultText;
    private final String percent;
    private final java.util.function.Function<String, String> active;

    private NativeSidecar(Policy policy, java.util.function.Function<SidecarResource, String> defaultText,
            String percent, java.util.function.Function<String, String> active) {
        this.policy = policy;
        this.defaultText = defaultText;
        this.percent = percent;
        this.active = active;
    }

    /** For the policy's actions, skips and sidecar defaults. */
    static NativeSidecar of(Policy policy) {
        SidecarDefaults defaults = policy.defaults();
        return new NativeSidecar(policy, resource -> resource.defaultValue(defaults).text(),
                Integer.toString(defaults.gomemlimitPercent()), ruleId -> activeFor(policy, ruleId));
    }

    /**
     * With tokens in place of what a deployment chooses, for the chart's catalog: {@code @default:<resource>@} (the
     * annotation's default value, e.g. {@code @default:cpu-request@}), {@code @gomemlimit-percent@}, and
     * {@code @active:<rule-id>@} (CEL: whether the rule's mutation runs, {@link #activeCheck}). The operations and
     * validations of all three rules are written, whatever {@code policy} says.
     */
    static NativeSidecar tokens(Policy policy) {
        return new NativeSidecar(policy, resource -> "@default:" + tokenName(resource) + "@", "@gomemlimit-percent@",
                ruleId -> "@active:" + ruleId + "@");
    }

    /** {@code cpu-request}, {@code memory-limit}, ... */
    static String tokenName(SidecarResource resource) {
        return resource.resource() + "-" + (resource.isRequest() ? "request" : "limit");
    }

    /** CEL for a rule that may be skipped and is on: whether it was not skipped. */
    static String activeCheck(String ruleId) {
        return "!" + NativeValidations.skips(ruleId);
    }

    /** The rules with a native mutation, in the webhook's order. */
    static final List<String> MUTATING = List.of(SidecarResourcesRule.ID, SidecarGomemlimitRule.ID,
            SidecarSeccompRule.ID);

    /** Whether the policy leaves any of the sidecar mutations on. */
    boolean mutates() {
        return MUTATING.stream().anyMatch(id -> policy.action(id) != Action.OFF);
    }

    // ---------------------------------------------------------------- what the mutation adds

    /** CEL true when the rule's mutation runs: the rule is not off and, if it may be skipped, not skipped. */
    private String active(String ruleId) {
        return active.apply(ruleId);
    }

    private static String activeFor(Policy policy, String ruleId) {
        if (policy.action(ruleId) == Action.OFF) {
            return "false";
        }
        return policy.skippable().contains(ruleId) ? activeCheck(ruleId) : "true";
    }

    private static String has(String key) {
        return literal(key) + " in " + ANNOTATIONS;
    }

    private static String value(String key) {
        return ANNOTATIONS + "[" + literal(key) + "]";
    }

    private String defaultOf(SidecarResource resource) {
        return literal(defaultText.apply(resource));
    }

    /** The variable (its CEL name) that says whether the mutation adds this annotation. */
    private static String adds(SidecarResource resource) {
        return "variables." + variableName(resource);
    }

    private static String variableName(SidecarResource resource) {
        return switch (resource) {
            case CPU_REQUEST -> "sidecarAddsCpuRequest";
            case CPU_LIMIT -> "sidecarAddsCpuLimit";
            case MEMORY_REQUEST -> "sidecarAddsMemoryRequest";
            case MEMORY_LIMIT -> "sidecarAddsMemoryLimit";
        };
    }

    private static final String ADDS_GOMEMLIMIT = "sidecarAddsGomemlimit";
    private static final String GOMEMLIMIT_VALUE = "sidecarGomemlimit";
    private static final String ADDS_SECCOMP = "sidecarAddsSeccomp";

    /**
     * The variables the mutation and the validations share, in order (a later one reads the earlier ones): whether
     * each annotation is added, the GOMEMLIMIT value ({@code ''} where there is no usable memory limit). Each is
     * evaluated once per request, and none can fail.
     */
    List<String[]> variables() {
        List<String[]> out = new ArrayList<>();
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            for (SidecarResource resource : pair) {
                out.add(new String[] {variableName(resource), addsExpression(resource)});
            }
        }
        out.add(new String[] {GOMEMLIMIT_VALUE, "!" + memoryLimitUsable() + " ? '' : " + gomemlimitValue()});
        out.add(new String[] {ENV_NAMES_GOMEMLIMIT, NativeValidations.envNames(DaprAnnotations.ENV, GOMEMLIMIT)});
        out.add(new String[] {SECRET_GIVES_GOMEMLIMIT, NativeValidations.secretGives(GOMEMLIMIT)});
        out.add(new String[] {ADDS_GOMEMLIMIT, addsGomemlimitExpression()});
        out.add(new String[] {ADDS_SECCOMP, addsSeccompExpression()});
        return out;
    }

    /** CEL true when the mutation adds this annotation (as {@code PairFill} decides). */
    private String addsExpression(SidecarResource resource) {
        SidecarResource other = resource.counterpart();
        String otherValue = value(other.annotation());
        String conflict = resource.isRequest()
                ? "quantity(" + defaultOf(resource) + ").isGreaterThan(quantity(" + otherValue + "))"
                : "quantity(" + otherValue + ").isGreaterThan(quantity(" + defaultOf(resource) + "))";
        return "(" + active(SidecarResourcesRule.ID) + " && !(" + has(resource.annotation()) + ") && (!("
                + has(other.annotation()) + ") || !isQuantity(" + otherValue + ") || !" + conflict + "))";
    }

    /** CEL for the annotation's value as mutation leaves it; only meaningful where {@link #present} is true. */
    private String effective(SidecarResource resource) {
        return "(" + has(resource.annotation()) + " ? " + value(resource.annotation()) + " : " + defaultOf(resource)
                + ")";
    }

    private String present(SidecarResource resource) {
        return "(" + has(resource.annotation()) + " || " + adds(resource) + ")";
    }

    private static String positive(String text) {
        return "(isQuantity(" + text + ") && quantity(" + text + ").sign() > 0)";
    }

    /** CEL true when the memory limit, as mutation leaves it, is a positive quantity. */
    private String memoryLimitUsable() {
        return "(" + has(SidecarResource.MEMORY_LIMIT.annotation()) + " ? "
                + positive(value(SidecarResource.MEMORY_LIMIT.annotation())) + " : "
                + adds(SidecarResource.MEMORY_LIMIT) + ")";
    }

    private static final String ENV_NAMES_GOMEMLIMIT = "sidecarEnvNamesGomemlimit";
    private static final String SECRET_GIVES_GOMEMLIMIT = "sidecarSecretGivesGomemlimit";

    /** CEL true when {@code dapr.io/env} names GOMEMLIMIT (a variable: evaluated once per request). */
    private static String envNamesGomemlimit() {
        return "variables." + ENV_NAMES_GOMEMLIMIT;
    }

    /** CEL true when {@code dapr.io/env-from-secret} gives GOMEMLIMIT (a variable). */
    private static String gomemlimitFromSecret() {
        return "variables." + SECRET_GIVES_GOMEMLIMIT;
    }

    /**
     * CEL for {@link GoMemLimit#forLimit} of the memory limit as mutation leaves it: exact for a whole number of bytes
     * within int64 (every limit anyone writes); in floating point for the rest (fractions of a byte, 8 EiB and more),
     * where it can differ from the webhook's exact value in the last MiB.
     */
    private String gomemlimitValue() {
        String quantity = "quantity(" + effective(SidecarResource.MEMORY_LIMIT) + ")";
        String limit = quantity + ".asInteger()";
        // floor(limit * percent / 100) without overflow: (limit / 100) * percent + (limit % 100) * percent / 100
        String target = "(" + limit + " / 100 * " + percent + " + " + limit + " % 100 * " + percent + " / 100)";
        String mib = "(" + target + " / " + MIB + ")";
        String exact = "(" + mib + " == 0 ? string(" + target + ") : " + mib + " > " + GoMemLimit.MAX_MIB + " ? "
                + literal(GoMemLimit.MAX_MIB + "MiB") + " : string(" + mib + ") + 'MiB')";
        String bytes = "(" + quantity + ".asApproximateFloat() * " + percent + ".0 / 100.0)";
        String approximate = "(" + bytes + " / " + MIB + ".0 >= " + (GoMemLimit.MAX_MIB + 1) + ".0 ? "
                + literal(GoMemLimit.MAX_MIB + "MiB") + " : " + bytes + " < " + MIB + ".0 ? string(int(" + bytes
                + ")) : string(int(" + bytes + " / " + MIB + ".0)) + 'MiB')";
        return "(" + quantity + ".isInteger() ? " + exact + " : " + approximate + ")";
    }

    /** CEL true when the mutation adds GOMEMLIMIT to {@code dapr.io/env}. */
    private String addsGomemlimitExpression() {
        return "(" + active(SidecarGomemlimitRule.ID) + " && !" + envNamesGomemlimit() + " && !"
                + gomemlimitFromSecret() + " && " + memoryLimitUsable() + ")";
    }

    /** CEL for {@code dapr.io/env} with GOMEMLIMIT appended, as {@code DaprEnv.append} writes it. */
    private String envWithGomemlimit() {
        String env = ANNOTATIONS + "[?" + literal(DaprAnnotations.ENV) + "].orValue('')";
        String value = "variables." + GOMEMLIMIT_VALUE;
        return "(" + env + ".matches(" + literal("^" + NativeValidations.GO_SPACE + "*$") + ") ? " + literal(GOMEMLIMIT + "=")
                + " + " + value + " : " + env + " + " + literal("," + GOMEMLIMIT + "=") + " + " + value + ")";
    }

    private String addsSeccompExpression() {
        return "(" + active(SidecarSeccompRule.ID) + " && !(" + has(DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE)
                + "))";
    }

    /**
     * CEL for the JSON patch of the annotations at {@code annotationsPath} ({@code /metadata/annotations} for a
     * Pod): a list of {@code add} operations, empty when nothing is missing, so applying it again changes nothing.
     *
     * @param patch how an operation is written, given its path and CEL value ({@link #JSON_PATCH} for the
     *     kube-apiserver)
     */
    String patches(String annotationsPath, PatchSyntax patch) {
        // every operation is written, guarded by its variable (false for a rule that is off), so that the chart's
        // catalog holds one expression for every policy
        List<String> parts = new ArrayList<>();
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            for (SidecarResource resource : pair) {
                parts.add(operation(adds(resource), annotationsPath, resource.annotation(), defaultOf(resource), patch));
            }
        }
        parts.add(operation("variables." + ADDS_GOMEMLIMIT, annotationsPath, DaprAnnotations.ENV, envWithGomemlimit(),
                patch));
        parts.add(operation("variables." + ADDS_SECCOMP, annotationsPath, DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE,
                literal(RUNTIME_DEFAULT), patch));
        return String.join(" + ", parts);
    }

    private static String operation(String when, String annotationsPath, String key, String value, PatchSyntax patch) {
        String path = literal(annotationsPath + "/" + key.replace("~", "~0").replace("/", "~1"));
        return "(" + when + " ? [" + patch.add(path, value) + "] : [])";
    }

    /** How a JSON patch operation is written in CEL. */
    @FunctionalInterface
    public interface PatchSyntax {
        String add(String pathExpression, String valueExpression);
    }

    /** The kube-apiserver's {@code JSONPatch} object type. */
    public static final PatchSyntax JSON_PATCH =
            (path, value) -> "JSONPatch{op: 'add', path: " + path + ", value: " + value + "}";

    // ---------------------------------------------------------------- validations

    /** The validations of the sidecar rules, each a finding of its own as the webhook reports them. */
    List<Validation> validations() {
        List<Validation> out = new ArrayList<>();
        for (SidecarResource[] pair : SidecarResource.PAIRS) {
            out.add(resourceSet(pair[0]));
            out.add(resourceSet(pair[1]));
            out.add(resourceOrder(pair[0], pair[1]));
        }
        out.add(gomemlimitSet());
        out.add(seccomp());
        return out;
    }

    /** The annotation, as mutation leaves it, is set to a positive quantity. */
    private Validation resourceSet(SidecarResource resource) {
        String key = resource.annotation();
        String text = value(key);
        SidecarResource other = resource.counterpart();
        String otherText = value(other.annotation());
        String defaultText = this.defaultText.apply(resource);
        String conflict = resource.isRequest()
                ? "quantity(" + literal(defaultText) + ").isGreaterThan(quantity(" + otherText + "))"
                : "quantity(" + literal(defaultText) + ").isLessThan(quantity(" + otherText + "))";
        String missing = "(" + has(other.annotation()) + " && isQuantity(" + otherText + ") && " + conflict + " ? "
                + literal(key + " is not set and the default " + defaultText + " is "
                        + (resource.isRequest() ? "above " : "below ") + other.annotation() + " ") + " + "
                + otherText + " + " + literal("; set " + key + " to " + (resource.isRequest() ? "" : "at least "))
                + " + " + otherText + (resource.isRequest() ? " + ' or less'" : "") + " : "
                + literal(key + " is not set, so daprd runs without it; add " + key + ": \"" + defaultText + "\"")
                + ")";
        String invalid = literal(key + " ") + " + " + NativeValidations.quoted(text) + " + "
                + literal(" is not a Kubernetes quantity, so Dapr ignores all four sidecar resource annotations; ")
                + " + " + quantityHint(text, resource);
        String notPositive = literal(key + " ") + " + " + NativeValidations.quoted(text) + " + "
                + literal(" must be greater than zero; use e.g. \"" + defaultText + "\"");
        String expression = "(" + has(key) + " ? " + positive(text) + " : " + adds(resource) + ")";
        String message = "!(" + has(key) + ") ? " + missing + " : !isQuantity(" + text + ") ? " + invalid + " : "
                + notPositive;
        return new Validation(SidecarResourcesRule.ID, Target.POD, expression, message(SidecarResourcesRule.ID,
                message));
    }

    /** The request, as mutation leaves it, is not above the limit. */
    private Validation resourceOrder(SidecarResource request, SidecarResource limit) {
        String requestText = effective(request);
        String limitText = effective(limit);
        String both = present(request) + " && " + present(limit) + " && " + positive(requestText) + " && "
                + positive(limitText);
        String expression = "!(" + both + ") || !quantity(" + requestText + ").isGreaterThan(quantity(" + limitText
                + "))";
        String message = literal(request.annotation() + " ") + " + " + requestText + " + "
                + literal(" is above " + limit.annotation() + " ") + " + " + limitText + " + "
                + literal(", so Kubernetes rejects the pod; raise the limit to at least ") + " + " + requestText
                + " + ' or lower the request'";
        return new Validation(SidecarResourcesRule.ID, Target.POD, expression,
                message(SidecarResourcesRule.ID, message));
    }

    /**
     * There is a GOMEMLIMIT, as mutation leaves {@code dapr.io/env}, or one from a Secret. Its value is the webhook's
     * to judge.
     */
    private Validation gomemlimitSet() {
        String expression = envNamesGomemlimit() + " || " + gomemlimitFromSecret() + " || variables."
                + ADDS_GOMEMLIMIT;
        String message = "!" + memoryLimitUsable() + " ? " + literal(DaprAnnotations.ENV + " has no GOMEMLIMIT and "
                + "there is no valid " + DaprAnnotations.SIDECAR_MEMORY_LIMIT + "; set the limit, then GOMEMLIMIT at "
                + percent + "% of it") + " : " + literal(DaprAnnotations.ENV + " has no GOMEMLIMIT, so daprd's garbage "
                + "collector ignores its memory limit; add GOMEMLIMIT=") + " + variables." + GOMEMLIMIT_VALUE + " + "
                + literal(" to " + DaprAnnotations.ENV);
        return new Validation(SidecarGomemlimitRule.ID, Target.POD, expression,
                message(SidecarGomemlimitRule.ID, message));
    }

    private Validation seccomp() {
        String key = DaprAnnotations.SIDECAR_SECCOMP_PROFILE_TYPE;
        String text = value(key);
        String expression = "!(" + has(key) + ") && (variables." + ADDS_SECCOMP + " || " + NativeValidations.POD_SPEC
                + ".?securityContext.?seccompProfile.?type.orValue('') == " + literal(RUNTIME_DEFAULT) + ") || "
                + has(key) + " && " + text + " == " + literal(RUNTIME_DEFAULT);
        String why = "(" + text + " == 'Localhost' ? " + literal(" cannot name a localhostProfile, so Kubernetes "
                + "rejects the pod") + " : " + text + " == 'Unconfined' ? " + literal(" turns seccomp off and breaks "
                + "the Restricted pod security profile") + " : " + literal(" is not a seccomp profile type (they are "
                + "case-sensitive), so Kubernetes rejects the pod") + ")";
        String message = "!(" + has(key) + ") ? " + literal(key + " is not set, so daprd runs without a seccomp "
                + "profile; add " + key + ": RuntimeDefault") + " : " + literal(key + " ") + " + "
                + NativeValidations.quoted(text) + " + " + why + " + '; set it to RuntimeDefault'";
        return new Validation(SidecarSeccompRule.ID, Target.POD, expression, message(SidecarSeccompRule.ID, message));
    }

    /**
     * CEL for {@code QuantityHints.fix}: how to write a value that is not a quantity ({@code 1000MB} to
     * {@code "1000Mi" (binary) or "1000M" (decimal)}), for values of at most 64 characters that are a number and
     * letters once trimmed (Java's {@code strip}), spaces removed and a decimal comma read as a point.
     */
    private static String quantityHint(String text, SidecarResource resource) {
        String generic = literal("use a quantity such as " + (resource.resource().equals("cpu") ? "\"300m\""
                : "\"1000Mi\""));
        String spaced = text + ".replace(' ', '').replace(',', '.')";
        String shape = "size(" + text + ") <= 64 && " + spaced + ".matches(" + literal("^"
                + NativeValidations.WHITE_SPACE + "*[+-]?[0-9.]+[a-zA-Z]*" + NativeValidations.WHITE_SPACE + "*$")
                + ")";
        String compact = spaced + ".find('[+-]?[0-9.]+[a-zA-Z]*')";
        String number = compact + ".find('^[+-]?[0-9.]+')";
        String unit = compact + ".substring(size(" + number + ")).lowerAscii()";
        String upper = unit + ".substring(0, 1).upperAscii()";
        String binary = number + " + " + upper + " + 'i'";
        String binaryUnits = "['kib', 'mib', 'gib', 'tib', 'ki', 'mi', 'gi', 'ti']";
        return "(!(" + shape + ") ? " + generic
                + " : " + unit + " in ['kb', 'mb', 'gb', 'tb'] ? 'write \"' + " + binary
                + " + '\" (binary) or \"' + " + number + " + (" + unit + " == 'kb' ? 'k' : " + upper
                + ") + '\" (decimal)'"
                + " : " + unit + " in " + binaryUnits + " ? (isQuantity(" + binary + ") ? 'write \"' + " + binary
                + " + '\"' : " + generic + ")"
                + " : " + unit + " == 'k' ? 'write \"' + " + number + " + 'k\" (decimal) or \"' + " + number
                + " + 'Ki\" (binary)'"
                + " : isQuantity(" + compact + ") ? 'write \"' + " + compact + " + '\"' : " + generic + ")";
    }
}

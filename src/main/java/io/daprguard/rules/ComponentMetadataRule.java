package io.daprguard.rules;

import io.daprguard.dapr.ComponentSchemas;
import io.daprguard.dapr.ComponentSchemas.AcceptedValues;
import io.daprguard.dapr.ComponentSchemas.AliasOf;
import io.daprguard.dapr.ComponentSchemas.Field;
import io.daprguard.dapr.ComponentSchemas.Known;
import io.daprguard.dapr.ComponentSchemas.Legacy;
import io.daprguard.dapr.ComponentSchemas.LegacyName;
import io.daprguard.dapr.ComponentSchemas.Miscased;
import io.daprguard.dapr.ComponentSchemas.Lookup;
import io.daprguard.dapr.ComponentSchemas.Profile;
import io.daprguard.dapr.ComponentSchemas.Reading;
import io.daprguard.dapr.ComponentSchemas.Runtime;
import io.daprguard.dapr.ComponentSchemas.RuntimeName;
import io.daprguard.dapr.ComponentSchemas.Schema;
import io.daprguard.dapr.ComponentSchemas.SchemaField;
import io.daprguard.dapr.ComponentSchemas.UnknownType;
import io.daprguard.dapr.ComponentSchemas.UnknownVersion;
import io.daprguard.dapr.ComponentSchemas.Unread;
import io.daprguard.dapr.GoDuration;
import io.daprguard.dapr.GoNumbers;
import io.daprguard.dapr.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * {@code component-metadata}: a Component's {@code spec.metadata} fits Dapr's own schema of its {@code spec.type}
 * and {@code spec.version} ({@link ComponentSchemas}): every name is one the component reads (Dapr ignores the
 * others, so {@code redisHots} leaves the required {@code redisHost} unset and the component fails at runtime),
 * the required fields are there (a field required only by one authentication profile is required only when no
 * other profile is complete), plaintext values parse as the declared type and are among the allowed values, and no
 * field is deprecated. A type or version the bundle does not know is reported with the closest known type:
 * usually a typo, otherwise a custom or pluggable component, which {@code daprguard.io/skip} can exempt.
 */
public final class ComponentMetadataRule extends BaseRule {

    public static final String ID = "component-metadata";

    /** A whole number, which Dapr also takes for a duration field (in the field's own unit). */
    private static final Pattern WHOLE = Pattern.compile("\\d+");
    /** What Dapr's {@code IsTruthy} reads as true, and the usual spellings of false. */
    private static final Set<String> BOOLS =
            Set.of("y", "yes", "true", "t", "on", "1", "n", "no", "false", "f", "off", "0");

    /** Fields of a Component's spec that the runtime reads there, never in spec.metadata (dapr/dapr processor). */
    private static final Set<String> SPEC_FIELDS = Set.of("initTimeout", "ignoreErrors");

    public ComponentMetadataRule() {
        super(ID, Action.WARN, Scope.COMPONENT);
    }

    @Override
    public List<Problem> check(ResourceView component, RuleContext context) {
        String type = component.at("/spec/type").asString("");
        if (type.isEmpty()) {
            return List.of();
        }
        String version = component.at("/spec/version").asString("");
        ComponentSchemas schemas = ComponentSchemas.bundled();
        Lookup lookup = schemas.lookup(type, version);
        if (lookup instanceof UnknownType unknown) {
            return List.of(Problem.violation("spec.type " + Texts.quoted(type) + " is not a component type of "
                    + schemas.release() + "; " + unknown.closest().map(t -> "did you mean " + t + "?")
                            .orElse("no close match") + " (a pluggable component? add " + Rules.SKIP_ANNOTATION
                    + ": " + ID + ")"));
        }
        if (lookup instanceof UnknownVersion unknown) {
            return List.of(Problem.violation("spec.version " + Texts.quoted(version) + " is not a version of "
                    + unknown.type() + " in " + schemas.release() + "; use " + String.join(" or ", unknown.versions())));
        }
        if (!(lookup instanceof Known known)) {
            return List.of(); // registered by the runtime, but components-contrib ships no schema to check against
        }
        Schema schema = known.schema();
        List<Problem> problems = new ArrayList<>();
        Set<String> present = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> names = new ArrayList<>();
        int index = 0;
        for (JsonNode item : component.array("/spec/metadata")) {
            String name = item.path("name").asString("");
            names.add(name);
            String at = "spec.metadata[" + index + "] " + Texts.quoted(name);
            Reading reading = schema.reading(name);
            Integer first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), index++);
            if (first != null) {
                String earlier = names.get(first);
                String which = reading instanceof Runtime runtime ? runtime.name().repeated() : "last";
                problems.add(Problem.violation(at + " repeats spec.metadata[" + first + "]" + (earlier.equals(name)
                        ? switch (which) {
                            case "first" -> ": Dapr reads only the first of them; keep one";
                            case "all" -> ": Dapr reads all of them together; keep one";
                            default -> ": Dapr keeps only the last of them; keep one";
                        }
                        : " " + Texts.quoted(earlier) + ", and Dapr compares names without case: components that "
                                + "decode their metadata fail to start, the others read one of them at random; keep one")));
                continue;
            }
            present.add(name.toLowerCase(Locale.ROOT));
            present.add(Schema.canonical(reading, name).toLowerCase(Locale.ROOT));
            JsonNode value = item.path("value");
            String text = value.isValueNode() && !value.isNull() ? value.asString() : null;
            if (reading instanceof SchemaField field) {
                if (field.definitions().get(0).deprecated()) {
                    problems.add(Problem.violation(at + " is deprecated in " + schema.label()
                            + "; see the component's reference page for its replacement"));
                }
                if (text != null && !text.isBlank()) {
                    valueProblem(at, field.definitions(), schema.values(), text).ifPresent(problems::add);
                }
            } else if (reading instanceof AliasOf alias) {
                if (text != null && !text.isBlank() && !alias.definitions().isEmpty()) {
                    valueProblem(at, alias.definitions(), schema.values(), text).ifPresent(problems::add);
                }
            } else if (reading instanceof LegacyName legacy) {
                problems.add(Problem.violation(at + " is a legacy name in " + schema.label()
                        + ": Dapr still reads it and turns it into " + Texts.quoted(legacy.legacy().replacement())
                        + "; " + advice(legacy.legacy(), text)));
            } else if (reading instanceof Runtime runtime) {
                runtimeProblem(at, schema, runtime.name(), text).ifPresent(problems::add);
            } else if (reading instanceof Miscased miscased) {
                RuntimeName exact = miscased.name();
                problems.add(Problem.violation(at + " is not the name Dapr's runtime reads: it reads only "
                        + Texts.quoted(exact.name()) + ", spelt exactly" + (exact.miscased().isEmpty() ? ""
                                : ", and " + exact.miscased()) + "; write " + exact.name()));
            } else if (reading instanceof Unread && SPEC_FIELDS.contains(name)) {
                problems.add(Problem.violation(at + " is a field of spec, not of spec.metadata, so Dapr ignores it here; "
                        + "move it to spec." + name));
            } else if (reading instanceof Unread unread && !unread.note().isEmpty()) {
                problems.add(Problem.violation(at + " is not read by " + schema.label() + " (" + unread.note()
                        + "), so Dapr ignores it; remove it"));
            } else if (reading instanceof Unread) {
                problems.add(Problem.violation(at + " is not a field of " + schema.label()
                        + ", so Dapr ignores it; " + ComponentSchemas.nearestField(schema, name)
                                .map(n -> "did you mean " + n + "?").orElse("remove it")));
            }
            // CodeOnly: the component's code reads it although its schema does not list it
        }
        problems.addAll(missing(schema, present));
        return problems;
    }

    /** What to write instead of a legacy name, for its value where the advice depends on it. */
    private static String advice(Legacy legacy, String value) {
        String advice = legacy.advice();
        if (value != null && advice.contains("{" + value.trim().toLowerCase(Locale.ROOT) + "}")) {
            // advice such as "use authType: none{false}; ... {true}": the part for this value
            for (String part : advice.split(";")) {
                if (part.contains("{" + value.trim().toLowerCase(Locale.ROOT) + "}")) {
                    return part.replaceAll("\\{[^}]*}", "").trim();
                }
            }
        }
        String plain = advice.replaceAll("\\{[^}]*}", "").trim();
        return plain.isEmpty() ? "use " + legacy.replacement() + " instead" : plain;
    }

    /** A runtime-level name: a value outside its list, or a name read only for input bindings on an output one. */
    private static Optional<Problem> runtimeProblem(String at, Schema schema, RuntimeName name, String value) {
        if (name.inputOnly() && !schema.directions().isEmpty() && !schema.directions().contains("input")) {
            return Optional.of(Problem.violation(at + " is read only for input bindings, and " + schema.label()
                    + " is an output binding, so Dapr ignores it; remove it"));
        }
        if (value == null || name.allowedValues().isEmpty()) {
            return Optional.empty();
        }
        List<String> allowed = name.allowedValues().stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
        List<String> supported = schema.directions().isEmpty() ? allowed : schema.directions();
        List<String> parts = name.list() ? List.of(value.split(",", -1)) : List.of(value);
        List<String> used = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (String part : parts) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (allowed.contains(p) && supported.contains(p)) {
                if (!used.contains(p)) {
                    used.add(p);
                }
            } else {
                ignored.add(part.trim());
            }
        }
        String shown = at + " = " + Texts.quoted(value);
        String kind = schema.directions().isEmpty() ? ""
                : " (" + schema.label() + " is an " + String.join(" and ", schema.directions()) + " binding)";
        if (used.isEmpty()) {
            return Optional.of(Problem.violation(shown + " names no direction Dapr can set up" + kind
                    + ", so it sets up no binding for this component; write " + String.join(",", supported)));
        }
        if (!ignored.isEmpty()) {
            return Optional.of(Problem.violation(shown + ": Dapr ignores " + String.join(", ", ignored.stream()
                    .map(Texts::quoted).toList()) + kind + " and sets up " + String.join(" and ", used)
                    + " only; write " + String.join(",", used)));
        }
        return Optional.empty();
    }

    /**
     * A plaintext value that does not parse as the declared type or is not an allowed value. A name defined in
     * several places (the fields and authentication profiles) takes what any of them allows.
     */
    private static Optional<Problem> valueProblem(String at, List<Field> definitions, Map<String, AcceptedValues> values,
            String value) {
        Field field = definitions.get(0);
        String shown = at + " = " + Texts.quoted(value);
        String example = field.example().replace("\"", "");
        String eg = example.isEmpty() ? "" : "; e.g. " + Texts.shown(example);
        boolean parses = switch (field.type()) {
            case "number" -> GoNumbers.isNumber(value);
            case "duration" -> GoDuration.isValid(value) || WHOLE.matcher(value).matches();
            case "bytesize" -> Quantity.isValid(value);
            case "bool" -> BOOLS.contains(value.trim().toLowerCase(Locale.ROOT));
            default -> true;
        };
        if (!parses) {
            return Optional.of(Problem.violation(switch (field.type()) {
                // components that decode with kit's DecodeMetadata read anything but a truthy value as false; the
                // Redis family (kit's config.Decode, strconv.ParseBool) fails to start: the message claims neither
                case "bool" -> shown + " is not a bool; write true or false";
                case "duration" -> shown + " is not a duration (Go syntax such as 30s, 1m30s)" + eg;
                case "bytesize" -> shown + " is not a size (a Kubernetes quantity such as 4Mi)" + eg;
                default -> shown + " is not a " + field.type() + eg;
            }));
        }
        // allowed values only where the component's code was read for them (the bundle's values): the schemas'
        // lists are incomplete in places, and some components fall back instead of failing
        AcceptedValues accepted = values.get(field.name().toLowerCase(Locale.ROOT));
        if (accepted != null && !accepted.accepts(value)) {
            return Optional.of(Problem.violation(shown + " is not one of: " + String.join(", ", accepted.accepted())
                    + (accepted.fails(value) ? ", so the component fails to start"
                            : ", so Dapr uses " + accepted.fallback() + " instead")));
        }
        return Optional.empty();
    }

    /**
     * The required fields that are missing: the own required fields, and, when the schema has authentication
     * profiles and none is complete, the missing fields of the one that lacks the fewest.
     */
    private static List<Problem> missing(Schema schema, Set<String> present) {
        List<Problem> problems = new ArrayList<>();
        Set<String> covered = new HashSet<>(present);
        for (Field field : schema.fields()) {
            if (field.required() && covered.add(field.name().toLowerCase(Locale.ROOT))) {
                problems.add(Problem.violation("spec.metadata has no " + Texts.quoted(field.name())
                        + ", which " + schema.label() + " requires; add it"));
            }
        }
        Profile closest = null;
        List<String> closestLacking = List.of();
        for (Profile profile : schema.profiles()) {
            List<String> lacking = profile.required().stream().map(Field::name)
                    .filter(name -> !covered.contains(name.toLowerCase(Locale.ROOT))).distinct().toList();
            if (lacking.isEmpty()) {
                return problems;
            }
            if (closest == null || lacking.size() < closestLacking.size()) {
                closest = profile;
                closestLacking = lacking;
            }
        }
        if (closest != null) {
            problems.add(Problem.violation("spec.metadata has no "
                    + String.join(", ", closestLacking.stream().map(Texts::quoted).toList()) + ", which "
                    + schema.label() + (schema.profiles().size() == 1 ? " requires"
                            : "'s closest authentication profile " + Texts.quoted(closest.title()) + " needs")
                    + "; add " + (closestLacking.size() == 1 ? "it" : "them")));
        }
        return problems;
    }
}

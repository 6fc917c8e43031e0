package io.daprguard.rules;

import io.daprguard.dapr.ComponentSchemas;
import io.daprguard.dapr.ComponentSchemas.Field;
import io.daprguard.dapr.ComponentSchemas.Known;
import io.daprguard.dapr.ComponentSchemas.Lookup;
import io.daprguard.dapr.ComponentSchemas.Profile;
import io.daprguard.dapr.ComponentSchemas.Schema;
import io.daprguard.dapr.ComponentSchemas.UnknownType;
import io.daprguard.dapr.ComponentSchemas.UnknownVersion;
import io.daprguard.dapr.GoDuration;
import io.daprguard.dapr.Quantity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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

    /** Go's {@code strconv.ParseFloat} syntax (decimal). */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    /** A whole number, which Dapr also takes for a duration field (in the field's own unit). */
    private static final Pattern WHOLE = Pattern.compile("\\d+");
    /** What Dapr's {@code IsTruthy} reads as true, and the usual spellings of false. */
    private static final Set<String> BOOLS =
            Set.of("y", "yes", "true", "t", "on", "1", "n", "no", "false", "f", "off", "0");

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
        Schema schema = ((Known) lookup).schema();
        List<Problem> problems = new ArrayList<>();
        Set<String> present = new HashSet<>();
        int index = 0;
        for (JsonNode item : component.array("/spec/metadata")) {
            String name = item.path("name").asString("");
            present.add(name.toLowerCase(Locale.ROOT));
            String at = "spec.metadata[" + index++ + "] " + Texts.quoted(name);
            List<Field> definitions = schema.definitions(name);
            if (definitions.isEmpty()) {
                problems.add(Problem.violation(at + " is not a field of " + schema.label() + ", so Dapr ignores it; "
                        + ComponentSchemas.nearestField(schema, name).map(n -> "did you mean " + n + "?")
                                .orElse("remove it")));
                continue;
            }
            Field field = definitions.get(0);
            if (field.deprecated()) {
                problems.add(Problem.violation(at + " is deprecated in " + schema.label()
                        + "; see the component's reference page for its replacement"));
            }
            JsonNode value = item.path("value");
            if (value.isValueNode() && !value.isNull()) {
                valueProblem(at, field, value.asString()).ifPresent(problems::add);
            }
        }
        problems.addAll(missing(schema, present));
        return problems;
    }

    /** A plaintext value that does not parse as the declared type or is not an allowed value. */
    private static Optional<Problem> valueProblem(String at, Field field, String value) {
        String shown = at + " = " + Texts.quoted(value);
        String example = field.example().replace("\"", "");
        String eg = example.isEmpty() ? "" : "; e.g. " + Texts.shown(example);
        boolean parses = switch (field.type()) {
            case "number" -> NUMBER.matcher(value).matches();
            case "duration" -> GoDuration.isValid(value) || WHOLE.matcher(value).matches();
            case "bytesize" -> Quantity.isValid(value);
            case "bool" -> BOOLS.contains(value.trim().toLowerCase(Locale.ROOT));
            default -> true;
        };
        if (!parses) {
            return Optional.of(Problem.violation(switch (field.type()) {
                case "bool" -> shown + " is not a bool, so Dapr reads it as false; write true or false";
                case "duration" -> shown + " is not a duration (Go syntax such as 30s, 1m30s)" + eg;
                case "bytesize" -> shown + " is not a size (a Kubernetes quantity such as 4Mi)" + eg;
                default -> shown + " is not a " + field.type() + eg;
            }));
        }
        if (!field.allowedValues().isEmpty()
                && field.allowedValues().stream().noneMatch(allowed -> allowed.equalsIgnoreCase(value))) {
            return Optional.of(Problem.violation(shown + " is not one of: " + String.join(", ", field.allowedValues())));
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

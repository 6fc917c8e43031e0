package io.daprguard.dapr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dapr's own metadata schemas of every component type: the {@code metadata.yaml} files dapr/components-contrib
 * ships with each component, bundled as the resource {@value #RESOURCE} (generated from the release its
 * {@code source} block names, Apache-2.0; the README says how to regenerate it for a newer Dapr). Each schema
 * lists the component's fields with {@code required}, {@code sensitive}, {@code type}, {@code deprecated} and
 * {@code allowedValues}, its authentication profiles and the built-in profiles it references (expanded here), and
 * the implicit fields Dapr adds per component kind.
 *
 * <p>Lookups follow the Dapr runtime: {@code spec.type} by its name or an alias the runtime registers, and
 * {@code spec.version} with {@code ""}, {@code v0} and {@code v1} all meaning the first version
 * ({@code IsInitialVersion} in dapr/dapr {@code pkg/components/versioning.go}); metadata names compare without
 * regard to case, as Dapr decodes them.
 */
public final class ComponentSchemas {

    /** Where the bundle lives on the class path. */
    public static final String RESOURCE = "/dapr/component-metadata.json";

    /** A field of a component's metadata as the schema declares it. */
    public record Field(
            String name, boolean required, boolean sensitive, String type, boolean deprecated,
            List<String> allowedValues, String example) {}

    /** An authentication profile: the fields it adds, some required when the profile is the one used. */
    public record Profile(String title, List<Field> fields) {

        /** The profile's required fields. */
        public List<Field> required() {
            return fields.stream().filter(Field::required).toList();
        }
    }

    /**
     * One component type and version.
     *
     * @param fields its own fields and the implicit ones, in schema order
     * @param profiles its authentication profiles, built-in ones expanded
     */
    public record Schema(String type, String version, List<Field> fields, List<Profile> profiles) {

        /** Every definition of {@code name} (case-insensitive) in the fields and the profiles, own fields first. */
        public List<Field> definitions(String name) {
            List<Field> found = new ArrayList<>();
            for (Field field : fields) {
                if (field.name().equalsIgnoreCase(name)) {
                    found.add(field);
                }
            }
            for (Profile profile : profiles) {
                for (Field field : profile.fields()) {
                    if (field.name().equalsIgnoreCase(name)) {
                        found.add(field);
                    }
                }
            }
            return found;
        }

        /** Every field name the schema knows, own fields first, each once. */
        public List<String> names() {
            Map<String, String> names = new LinkedHashMap<>();
            fields.forEach(f -> names.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f.name()));
            profiles.forEach(p -> p.fields().forEach(f -> names.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f.name())));
            return List.copyOf(names.values());
        }

        /** {@code type version}, as messages name it. */
        public String label() {
            return type + " " + version;
        }
    }

    /** The outcome of looking up a {@code spec.type} and {@code spec.version}. */
    public sealed interface Lookup {}

    /** The type and version are known. */
    public record Known(Schema schema) implements Lookup {}

    /** The type is known, the version is not. */
    public record UnknownVersion(String type, List<String> versions) implements Lookup {}

    /** The type is not known; the closest known type, if one is close. */
    public record UnknownType(Optional<String> closest) implements Lookup {}

    private static final class Holder {
        static final ComponentSchemas BUNDLED = load();
    }

    /** schema by lower-case type (names and aliases), then by normalised version */
    private final Map<String, Map<String, Schema>> byType;
    private final Nearest typeNames;
    private final JsonNode source;

    private ComponentSchemas(Map<String, Map<String, Schema>> byType, List<String> typeNames, JsonNode source) {
        this.byType = byType;
        this.typeNames = new Nearest(typeNames);
        this.source = source;
    }

    /** The bundled schemas, read once. */
    public static ComponentSchemas bundled() {
        return Holder.BUNDLED;
    }

    /** The bundle's {@code source} block: repository, ref, commit, license, how it was generated. */
    public JsonNode source() {
        return source;
    }

    /** The release the bundle was generated from, as messages name it, for example {@code components-contrib v1.18.4}. */
    public String release() {
        String repository = source.path("repository").asString("");
        return repository.substring(repository.indexOf('/') + 1) + " " + source.path("ref").asString("");
    }

    /** How many component types (type and version pairs) the bundle holds. */
    public int size() {
        return (int) byType.values().stream().flatMap(m -> m.values().stream()).distinct().count();
    }

    /** The type names (not aliases) of one kind, such as {@code state}, whose first version is known. */
    public List<String> types(String kind) {
        return byType.values().stream().flatMap(m -> m.values().stream()).map(Schema::type).distinct()
                .filter(type -> type.startsWith(kind + ".") && find(type, "v1").isPresent()).sorted().toList();
    }

    /** Looks up a {@code spec.type} and {@code spec.version}. */
    public Lookup lookup(String type, String version) {
        Map<String, Schema> versions = byType.get(type.toLowerCase(Locale.ROOT));
        if (versions == null) {
            int limit = Math.max(2, Math.min(4, type.length() / 4));
            return new UnknownType(typeNames.find(type, limit));
        }
        Schema schema = versions.get(normalVersion(version));
        if (schema == null) {
            return new UnknownVersion(versions.values().iterator().next().type(), List.copyOf(versions.keySet()));
        }
        return new Known(schema);
    }

    /** The schema of a known type and version. */
    public Optional<Schema> find(String type, String version) {
        return lookup(type, version) instanceof Known known ? Optional.of(known.schema()) : Optional.empty();
    }

    /** The known field name closest to {@code name}, for "did you mean". */
    public static Optional<String> nearestField(Schema schema, String name) {
        return new Nearest(schema.names()).find(name, Math.max(1, Math.min(3, name.length() / 3)));
    }

    private static String normalVersion(String version) {
        String v = version == null ? "" : version.toLowerCase(Locale.ROOT);
        return v.isEmpty() || v.equals("v0") ? "v1" : v;
    }

    // ---------------------------------------------------------------------------------------------------------

    static ComponentSchemas load() {
        try (InputStream in = ComponentSchemas.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the Dapr component metadata bundle " + RESOURCE
                        + " is missing from the class path");
            }
            return parse(JsonMapper.builder().build().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Dapr component metadata bundle " + RESOURCE, e);
        }
    }

    static ComponentSchemas parse(JsonNode bundle) {
        JsonNode builtins = bundle.path("builtinAuthenticationProfiles");
        Map<String, Map<String, Schema>> byType = new LinkedHashMap<>();
        List<String> typeNames = new ArrayList<>();
        for (JsonNode component : bundle.path("components")) {
            String type = component.path("type").asString();
            String version = normalVersion(component.path("version").asString(""));
            List<Profile> profiles = new ArrayList<>();
            component.path("authenticationProfiles").forEach(p -> profiles.add(profile(p, List.of())));
            for (JsonNode builtin : component.path("builtinAuthenticationProfiles")) {
                String name = builtin.asString();
                List<Field> extra = fields(component.path("builtinAuthenticationProfileMetadata").path(name));
                builtins.path(name).forEach(p -> profiles.add(profile(p, extra)));
            }
            Schema schema = new Schema(type, version, fields(component.path("metadata")), List.copyOf(profiles));
            List<String> names = new ArrayList<>();
            names.add(type);
            component.path("typeAliases").forEach(alias -> names.add(alias.asString()));
            for (String name : names) {
                byType.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>())
                        .putIfAbsent(version, schema);
                if (!typeNames.contains(name)) {
                    typeNames.add(name);
                }
            }
        }
        return new ComponentSchemas(byType, List.copyOf(typeNames), bundle.path("source"));
    }

    private static Profile profile(JsonNode profile, List<Field> extra) {
        List<Field> fields = new ArrayList<>(extra);
        fields.addAll(fields(profile.path("metadata")));
        return new Profile(profile.path("title").asString(""), List.copyOf(fields));
    }

    private static List<Field> fields(JsonNode array) {
        List<Field> fields = new ArrayList<>();
        for (JsonNode f : array) {
            List<String> allowed = new ArrayList<>();
            f.path("allowedValues").forEach(v -> allowed.add(v.asString()));
            fields.add(new Field(f.path("name").asString(), f.path("required").asBoolean(false),
                    f.path("sensitive").asBoolean(false), f.path("type").asString("string"),
                    f.path("deprecated").asBoolean(false), List.copyOf(allowed), f.path("example").asString("")));
        }
        return List.copyOf(fields);
    }
}

package io.daprguard.dapr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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

    private static final String NOT_REQUIRED = "builtin-profile";

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

    /** Another spelling the component's code reads for {@code field} (a struct tag alias, an Azure alias table). */
    public record Alias(String name, String field, String source) {}

    /**
     * A legacy name the component still reads and upgrades in code: {@code replacement} is what to write instead,
     * {@code advice} how (for example {@code authType: none}).
     */
    public record Legacy(String name, String replacement, String advice, String source) {}

    /**
     * A name dapr/dapr's runtime reads for every component of a kind: a comma-separated {@code list} of
     * {@code allowedValues} (compared trimmed and without case) when those are given; {@code inputOnly} for a name
     * read only for input bindings; {@code caseSensitive} when the runtime matches the name exactly ({@code miscased}
     * says what another spelling causes); {@code repeated}: which of several items it uses (first, last, all).
     */
    public record RuntimeName(String name, boolean list, List<String> allowedValues, boolean inputOnly, String note,
            String source, boolean caseSensitive, String repeated, String miscased) {}

    /**
     * The values the component's code accepts for a field: {@code accepted} (compared without case when
     * {@code caseInsensitive}, as numbers when {@code numeric}); any other value makes it fail to start
     * ({@code otherValue} {@code error}), fall back to {@code fallback} ({@code default}), or reach an SDK that decides
     * ({@code passthrough}, not checked); {@code failing} values fail to start whatever {@code otherValue} says.
     */
    public record AcceptedValues(String field, List<String> accepted, boolean caseInsensitive, boolean numeric,
            String otherValue, String fallback, List<String> failing, String source) {

        /** Whether the code accepts {@code value} without failing or falling back. */
        public boolean accepts(String value) {
            if (failing.stream().anyMatch(f -> same(f, value))) {
                return false;
            }
            return otherValue.equals("passthrough") || accepted.stream().anyMatch(a -> same(a, value));
        }

        /** Whether {@code value} makes the component fail to start (rather than fall back). */
        public boolean fails(String value) {
            return otherValue.equals("error") || failing.stream().anyMatch(f -> same(f, value));
        }

        private boolean same(String a, String value) {
            if (numeric) {
                Long x = GoNumbers.parseInt(a);
                Long y = GoNumbers.parseInt(value);
                return x != null && x.equals(y);
            }
            return caseInsensitive ? a.equalsIgnoreCase(value) : a.equals(value);
        }
    }

    /** How the component, or the runtime around it, reads one metadata name. */
    public sealed interface Reading {}

    /** A field of the schema (its own, an authentication profile's, or an implicit one). */
    public record SchemaField(List<Field> definitions) implements Reading {}

    /** Another spelling of a schema field. */
    public record AliasOf(Alias alias, List<Field> definitions) implements Reading {}

    /** A legacy name the code upgrades. */
    public record LegacyName(Legacy legacy) implements Reading {}

    /** A name the runtime reads for every component of the kind. */
    public record Runtime(RuntimeName name) implements Reading {}

    /** Another spelling of a name the runtime reads only as it is spelt. */
    public record Miscased(RuntimeName name) implements Reading {}

    /** A name the code reads that the schema does not list (or a name of a pattern the code reads). */
    public record CodeOnly(String source) implements Reading {}

    /** No code path reads the name; {@code note} says why, when the code itself says it ignores the name. */
    public record Unread(String note) implements Reading {}

    /**
     * One component type and version.
     *
     * @param fields its own fields and the implicit ones, in schema order; {@code required} only where the
     *     component's code enforces it (the bundle's {@code requirements})
     * @param profiles its authentication profiles, built-in ones expanded
     * @param aliases other spellings its code reads, by lower-case alias
     * @param codeReads names its code reads that the schema does not list, by lower-case name, with their source
     * @param legacy legacy names its code upgrades, by lower-case name
     * @param namePatterns patterns of names its code reads (per-topic keys and the like)
     * @param runtime names the runtime reads for every component of its kind, by lower-case name
     * @param directions for a binding, {@code input} and/or {@code output}; empty for other kinds
     * @param ignored names its code says it ignores, by lower-case name, with the reason
     * @param values the values its code accepts for the fields whose schema lists allowedValues, by lower-case field
     */
    public record Schema(String type, String version, List<Field> fields, List<Profile> profiles,
            Map<String, Alias> aliases, Map<String, String> codeReads, Map<String, Legacy> legacy,
            List<Pattern> namePatterns, Map<String, RuntimeName> runtime, List<String> directions,
            Map<String, String> ignored, Map<String, AcceptedValues> values) {

        /** A schema with fields and profiles only, as the rule tests build them. */
        public Schema(String type, String version, List<Field> fields, List<Profile> profiles) {
            this(type, version, fields, profiles, Map.of(), Map.of(), Map.of(), List.of(), Map.of(), List.of(), Map.of(),
                    Map.of());
        }

        /**
         * Every definition of {@code name} (case-insensitive) in the fields and the profiles, own fields first; for
         * an alias, those of the field it spells.
         */
        public List<Field> definitions(String name) {
            List<Field> found = ownDefinitions(name);
            Alias alias = found.isEmpty() ? aliases.get(name.toLowerCase(Locale.ROOT)) : null;
            return alias == null ? found : ownDefinitions(alias.field());
        }

        private List<Field> ownDefinitions(String name) {
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

        /**
         * How Dapr reads {@code name}, checked in this order: a name the runtime reads for the whole kind, a name the
         * code says it ignores, a legacy name the code upgrades (even where the schema still lists it), a schema
         * field, an alias, a name only the code reads, a name of a pattern the code reads.
         */
        public Reading reading(String name) {
            String key = name.toLowerCase(Locale.ROOT);
            if (runtime.containsKey(key)) {
                RuntimeName known = runtime.get(key);
                return !known.caseSensitive() || known.name().equals(name) ? new Runtime(known) : new Miscased(known);
            }
            if (ignored.containsKey(key)) {
                return new Unread(ignored.get(key));
            }
            if (legacy.containsKey(key)) {
                return new LegacyName(legacy.get(key));
            }
            List<Field> own = ownDefinitions(name);
            if (!own.isEmpty()) {
                return new SchemaField(own);
            }
            if (aliases.containsKey(key)) {
                Alias alias = aliases.get(key);
                return new AliasOf(alias, ownDefinitions(alias.field()));
            }
            if (codeReads.containsKey(key)) {
                return new CodeOnly(codeReads.get(key));
            }
            for (Pattern pattern : namePatterns) {
                if (pattern.matcher(name).matches()) {
                    return new CodeOnly(pattern.pattern());
                }
            }
            return new Unread(ignored.getOrDefault(key, ""));
        }

        /** The canonical name {@code name} stands for: the field of an alias, the replacement of a legacy name. */
        public String canonical(String name) {
            return canonical(reading(name), name);
        }

        /** The canonical name of {@code name}, read as {@code reading}. */
        public static String canonical(Reading reading, String name) {
            if (reading instanceof AliasOf alias) {
                return alias.alias().field();
            }
            return reading instanceof LegacyName legacy ? legacy.legacy().replacement() : name;
        }

        /** Every documented name: the schema's fields and the runtime's names of the kind, own fields first. */
        public List<String> names() {
            Map<String, String> names = new LinkedHashMap<>();
            fields.forEach(f -> names.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f.name()));
            profiles.forEach(p -> p.fields().forEach(f -> names.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f.name())));
            runtime.values().forEach(r -> names.putIfAbsent(r.name().toLowerCase(Locale.ROOT), r.name()));
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

    /** The runtime registers the type, but components-contrib ships no schema for it: nothing to check against. */
    public record Unschemed(String type) implements Lookup {}

    /** The type is not known; the closest known type, if one is close. */
    public record UnknownType(Optional<String> closest) implements Lookup {}

    private static final class Holder {
        static final ComponentSchemas BUNDLED = load();
    }

    /** schema by lower-case type (names and aliases), then by normalised version */
    private final Map<String, Map<String, Lookup>> byType;
    private final Nearest typeNames;
    private final JsonNode source;

    private ComponentSchemas(Map<String, Map<String, Lookup>> byType, List<String> typeNames, JsonNode source) {
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

    /** How many component schemas (type and version pairs with a schema) the bundle holds. */
    public int size() {
        return (int) schemas().distinct().count();
    }

    private java.util.stream.Stream<Schema> schemas() {
        return byType.values().stream().flatMap(m -> m.values().stream())
                .flatMap(l -> l instanceof Known known ? java.util.stream.Stream.of(known.schema())
                        : java.util.stream.Stream.empty());
    }

    /** The type names (not aliases) of one kind, such as {@code state}, whose first version is known. */
    public List<String> types(String kind) {
        return schemas().map(Schema::type).distinct()
                .filter(type -> type.startsWith(kind + ".") && find(type, "v1").isPresent()).sorted().toList();
    }

    /** Looks up a {@code spec.type} and {@code spec.version}. */
    public Lookup lookup(String type, String version) {
        Map<String, Lookup> versions = byType.get(type.toLowerCase(Locale.ROOT));
        if (versions == null) {
            int limit = Math.max(2, Math.min(3, type.length() / 5));
            return new UnknownType(typeNames.find(type, limit));
        }
        Lookup found = versions.get(normalVersion(version));
        if (found == null) {
            Lookup first = versions.values().iterator().next();
            String name = first instanceof Known known ? known.schema().type() : ((Unschemed) first).type();
            return new UnknownVersion(name, List.copyOf(versions.keySet()));
        }
        return found;
    }

    /** The schema of a known type and version. */
    public Optional<Schema> find(String type, String version) {
        return lookup(type, version) instanceof Known known ? Optional.of(known.schema()) : Optional.empty();
    }

    /** The known field name closest to {@code name}, for "did you mean". */
    public static Optional<String> nearestField(Schema schema, String name) {
        Optional<String> nearest = new Nearest(schema.names()).find(name, Math.max(1, Math.min(3, name.length() / 3)));
        if (nearest.isPresent() || name.length() < 6) {
            return nearest;
        }
        // a name cut short (reconnectWait for reconnectWaitSeconds): the one documented name it begins
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> longer = schema.names().stream().filter(n -> n.toLowerCase(Locale.ROOT).startsWith(lower)).toList();
        return longer.size() == 1 ? Optional.of(longer.get(0)) : Optional.empty();
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
        Map<String, Map<String, RuntimeName>> runtimeByKind = runtimeNames(bundle.path("runtimeMetadata"));
        Map<String, Map<String, Lookup>> byType = new LinkedHashMap<>();
        List<String> typeNames = new ArrayList<>();
        for (JsonNode component : bundle.path("components")) {
            String type = component.path("type").asString();
            String version = normalVersion(component.path("version").asString(""));
            Map<String, Boolean> enforced = new HashMap<>();
            for (JsonNode r : component.path("requirements")) {
                enforced.put(r.path("profile").asString("") + "/" + r.path("field").asString(),
                        r.path("enforced").asBoolean(true));
            }
            List<Profile> profiles = new ArrayList<>();
            component.path("authenticationProfiles").forEach(p -> profiles.add(
                    profile(p, List.of(), p.path("title").asString(""), enforced)));
            for (JsonNode builtin : component.path("builtinAuthenticationProfiles")) {
                String name = builtin.asString();
                List<Field> extra = fields(component.path("builtinAuthenticationProfileMetadata").path(name),
                        "builtin:" + name, enforced);
                // the built-in profiles' own fields are never required: without them the shared authentication
                // code falls back to the environment's credentials (GCP's application default credentials, AWS's
                // default chain, Azure's managed identity)
                builtins.path(name).forEach(p -> profiles.add(profile(p, extra, NOT_REQUIRED, Map.of())));
            }
            Map<String, Alias> aliases = new LinkedHashMap<>();
            component.path("aliases").forEach(a -> aliases.put(a.path("name").asString().toLowerCase(Locale.ROOT),
                    new Alias(a.path("name").asString(), a.path("field").asString(), a.path("source").asString())));
            Map<String, String> codeReads = new LinkedHashMap<>();
            component.path("codeReads").forEach(r -> codeReads.put(r.path("name").asString().toLowerCase(Locale.ROOT),
                    r.path("source").asString()));
            Map<String, Legacy> legacy = new LinkedHashMap<>();
            component.path("legacy").forEach(l -> legacy.put(l.path("name").asString().toLowerCase(Locale.ROOT),
                    new Legacy(l.path("name").asString(), l.path("replacement").asString(),
                            l.path("advice").asString(""), l.path("source").asString())));
            Map<String, String> ignored = new LinkedHashMap<>();
            component.path("ignored").forEach(i -> ignored.put(i.path("name").asString().toLowerCase(Locale.ROOT),
                    i.path("note").asString("")));
            List<Pattern> patterns = new ArrayList<>();
            component.path("namePatterns").forEach(p -> patterns.add(Pattern.compile(p.path("pattern").asString(),
                    Pattern.CASE_INSENSITIVE)));
            Map<String, AcceptedValues> values = new LinkedHashMap<>();
            for (JsonNode v : component.path("values")) {
                values.put(v.path("field").asString().toLowerCase(Locale.ROOT), new AcceptedValues(
                        v.path("field").asString(), strings(v.path("accepted")), v.path("caseInsensitive").asBoolean(),
                        v.path("numeric").asBoolean(false), v.path("otherValue").asString("error"),
                        v.path("fallback").asString(""), strings(v.path("failing")), v.path("source").asString("")));
            }
            List<String> directions = new ArrayList<>();
            component.path("directions").forEach(d -> directions.add(d.asString()));
            Schema schema = new Schema(type, version, fields(component.path("metadata"), "", enforced),
                    List.copyOf(profiles), Map.copyOf(aliases), Map.copyOf(codeReads), Map.copyOf(legacy),
                    List.copyOf(patterns), runtimeByKind.getOrDefault(kind(type), Map.of()), List.copyOf(directions),
                    Map.copyOf(ignored), Map.copyOf(values));
            List<String> versions = new ArrayList<>(List.of(version));
            component.path("runtimeVersions").forEach(v -> versions.add(normalVersion(v.asString())));
            List<String> names = new ArrayList<>();
            names.add(type);
            component.path("typeAliases").forEach(alias -> names.add(alias.asString()));
            for (String name : names) {
                versions.forEach(v -> byType.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>())
                        .putIfAbsent(v, new Known(schema)));
                if (!typeNames.contains(name)) {
                    typeNames.add(name);
                }
            }
        }
        for (JsonNode unschemed : bundle.path("registeredWithoutSchema")) {
            String type = unschemed.path("type").asString();
            unschemed.path("versions").forEach(v -> byType.computeIfAbsent(type.toLowerCase(Locale.ROOT),
                    k -> new LinkedHashMap<>()).putIfAbsent(normalVersion(v.asString()), new Unschemed(type)));
            if (!typeNames.contains(type)) {
                typeNames.add(type);
            }
        }
        return new ComponentSchemas(byType, List.copyOf(typeNames), bundle.path("source"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asString()));
        return List.copyOf(out);
    }

    /** The kind of a {@code spec.type}: {@code state}, {@code bindings}, ... and {@code middleware.http}. */
    static String kind(String type) {
        String kind = type.substring(0, Math.max(0, type.indexOf('.')));
        return kind.equals("middleware") && type.startsWith("middleware.http.") ? "middleware.http" : kind;
    }

    private static Map<String, Map<String, RuntimeName>> runtimeNames(JsonNode byKind) {
        Map<String, Map<String, RuntimeName>> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> kind : byKind.properties()) {
            Map<String, RuntimeName> names = new LinkedHashMap<>();
            for (JsonNode n : kind.getValue()) {
                List<String> allowed = new ArrayList<>();
                n.path("allowedValues").forEach(v -> allowed.add(v.asString()));
                names.put(n.path("name").asString().toLowerCase(Locale.ROOT), new RuntimeName(n.path("name").asString(),
                        n.path("list").asBoolean(false), List.copyOf(allowed), n.path("inputOnly").asBoolean(false),
                        n.path("note").asString(""), n.path("source").asString(""),
                        n.path("caseSensitive").asBoolean(false), n.path("repeated").asString("last"),
                        n.path("miscased").asString("").trim()));
            }
            out.put(kind.getKey(), Map.copyOf(names));
        }
        return out;
    }

    private static Profile profile(JsonNode profile, List<Field> extra, String key, Map<String, Boolean> enforced) {
        List<Field> fields = new ArrayList<>(extra);
        fields.addAll(fields(profile.path("metadata"), key, enforced));
        return new Profile(profile.path("title").asString(""), List.copyOf(fields));
    }

    /**
     * The fields of a schema array; a field the schema marks required stays required only where the bundle's
     * {@code requirements} say the component's code enforces it (under {@code key}: "" for the own fields, the
     * profile's title, or {@code builtin:<name>}).
     */
    private static List<Field> fields(JsonNode array, String key, Map<String, Boolean> enforced) {
        List<Field> fields = new ArrayList<>();
        for (JsonNode f : array) {
            List<String> allowed = new ArrayList<>();
            f.path("allowedValues").forEach(v -> allowed.add(v.asString()));
            String name = f.path("name").asString();
            boolean required = f.path("required").asBoolean(false) && !NOT_REQUIRED.equals(key)
                    && enforced.getOrDefault(key + "/" + name, true);
            fields.add(new Field(name, required,
                    f.path("sensitive").asBoolean(false), f.path("type").asString("string"),
                    f.path("deprecated").asBoolean(false), List.copyOf(allowed), f.path("example").asString("")));
        }
        return List.copyOf(fields);
    }
}

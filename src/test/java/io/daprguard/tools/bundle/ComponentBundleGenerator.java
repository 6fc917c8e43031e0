package io.daprguard.tools.bundle;

import io.daprguard.tools.bundle.GoPackage.Call;
import io.daprguard.tools.bundle.GoPackage.TaggedField;
import io.daprguard.tools.bundle.Registrations.Registration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Builds dapr-guard's component metadata bundle ({@code src/main/resources/dapr/component-metadata.json}) from a
 * checkout of dapr/components-contrib and one of dapr/dapr, plus the hand-kept list of what only reading the code
 * tells ({@code tools/component-bundle/dapr-reads.yaml}). What it takes from where:
 * <ul>
 *   <li>components-contrib: every {@code metadata.yaml} under the folders {@code .build-tools/component-folders.yaml}
 *       names (as the repository's own bundler walks them), with the defaults of the metadata schema; the built-in
 *       authentication profiles; the implicit fields its build tool appends per kind; and, from the Go packages each
 *       component compiles in, the {@code mapstructure} names and {@code mapstructurealiases} of its metadata structs,
 *       the names passed together to {@code GetMetadataProperty}, and the Azure alias tables
 *       ({@code common/authentication/azure/metadata-properties.go}) the component uses;</li>
 *   <li>dapr/dapr: the {@code spec.type} names and versions daprd registers ({@code cmd/daprd/components}), for type
 *       aliases, versions that share a schema, and types registered without one;</li>
 *   <li>the hand-kept list: names the runtime reads for every component of a kind, legacy names components upgrade,
 *       names read under a pattern, names read in code the tags do not show, and for every required field whether the
 *       component's code enforces it, each entry with its source file.</li>
 * </ul>
 * The output is deterministic: the same checkouts and list give the same bytes (the test
 * {@code ComponentBundleReproducesTest} compares them with the shipped resource).
 *
 * <p>Usage: {@code ComponentBundleGenerator --contrib DIR --dapr DIR [--reads FILE] [-o FILE]}.
 */
public final class ComponentBundleGenerator {

    static final Path DEFAULT_READS = Path.of("tools/component-bundle/dapr-reads.yaml");
    static final Path SHIPPED = Path.of("src/main/resources/dapr/component-metadata.json");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> FIELD_KINDS = List.of("string", "number", "bool", "duration", "bytesize");
    private static final Pattern AZURE_TABLE_USE = Pattern.compile("MetadataKeys\\[\"(\\w+)\"\\]");
    private static final Pattern AZURE_TABLE = Pattern.compile("\"(\\w+)\":\\s*\\{([^}]*)\\}");
    private static final Pattern AZURE_ENVIRONMENT_USE = Pattern.compile("GetEnvironment\\(\"(\\w+)\"\\)");
    private static final String AZURE_AUTH = "common/authentication/azure";
    /** A read of a metadata map by a literal or constant key: {@code meta.Properties["x"]}, {@code md[keyName]}. */
    private static final Pattern INDEX_READ = Pattern.compile(
            "(?i)\\b(?:properties|metadata|meta|md|props|metadataMap)\\[((?-i)[A-Za-z_][\\w.]*|\"[^\"]+\")\\]");

    private final Path contrib;
    private final Path dapr;
    private final JsonNode reads;
    private final Map<String, GoPackage> packages = new HashMap<>();
    private JsonNode builtinProfiles;

    private ComponentBundleGenerator(Path contrib, Path dapr, JsonNode reads) {
        this.contrib = contrib;
        this.dapr = dapr;
        this.reads = reads;
    }

    public static void main(String[] args) throws IOException {
        Path contrib = null;
        Path dapr = null;
        Path reads = DEFAULT_READS;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--contrib" -> contrib = Path.of(required(args[i], value));
                case "--dapr" -> dapr = Path.of(required(args[i], value));
                case "--reads" -> reads = Path.of(required(args[i], value));
                case "-o", "--output" -> out = Path.of(required(args[i], value));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: --contrib DIR --dapr DIR [--reads FILE] [-o FILE]");
            }
            i++;
        }
        if (contrib == null || dapr == null) {
            throw new IllegalArgumentException("usage: --contrib DIR --dapr DIR [--reads FILE] [-o FILE]");
        }
        byte[] bundle = generate(contrib, dapr, reads);
        if (out == null) {
            System.out.write(bundle);
            System.out.flush();
        } else {
            Files.write(out, bundle);
            System.err.println("wrote " + out + " (" + bundle.length + " bytes)");
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** The bundle, as the bytes the resource holds. */
    public static byte[] generate(Path contrib, Path dapr, Path reads) {
        JsonNode list;
        try {
            list = YAML.readTree(Files.readString(reads));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + reads, e);
        }
        ObjectNode bundle = new ComponentBundleGenerator(contrib, dapr, list).build();
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(tools.jackson.core.util.Separators.createDefaultInstance()
                .withObjectNameValueSpacing(tools.jackson.core.util.Separators.Spacing.AFTER))
                .withObjectIndenter(new DefaultIndenter(" ", "\n"))
                .withArrayIndenter(new DefaultIndenter(" ", "\n"));
        String text = JSON.writer().with(printer).writeValueAsString(bundle) + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------------

    private ObjectNode build() {
        ObjectNode bundle = NODES.objectNode();
        ObjectNode source = bundle.putObject("source");
        JsonNode info = reads.path("source");
        source.put("repository", "dapr/components-contrib");
        source.put("ref", info.path("componentsContrib").path("ref").asString());
        source.put("commit", info.path("componentsContrib").path("commit").asString());
        source.put("license", "Apache-2.0");
        source.put("note", info.path("note").asString().trim());
        source.put("builtinProfilesFile", ".build-tools/builtin-authentication-profiles.yaml");
        ObjectNode runtime = source.putObject("runtimeRegistrations");
        runtime.put("repository", "dapr/dapr");
        runtime.put("ref", info.path("dapr").path("ref").asString());
        runtime.put("commit", info.path("dapr").path("commit").asString());
        checkCommit(contrib, info.path("componentsContrib").path("commit").asString());
        checkCommit(dapr, info.path("dapr").path("commit").asString());
        ObjectNode overrides = source.putObject("typeOverrides");

        builtinProfiles = yamlFile(".build-tools/builtin-authentication-profiles.yaml");
        List<Registration> registrations = Registrations.read(dapr, contrib);
        Map<String, List<Registration>> byPackage = Registrations.byPackage(registrations);
        Set<String> covered = new HashSet<>();
        ArrayNode components = bundle.putArray("components");
        for (String dir : componentDirectories().stream().sorted(java.util.Comparator.comparing(d -> d + "/metadata.yaml"))
                .toList()) {
            JsonNode yaml = metadataFile(dir);
            if (yaml == null) {
                continue;
            }
            ObjectNode component = component(dir, yaml, byPackage.getOrDefault(dir, List.of()), overrides, covered);
            components.add(component);
        }
        ArrayNode unschemed = bundle.putArray("registeredWithoutSchema");
        Map<String, Set<String>> missing = new LinkedHashMap<>();
        for (Registration r : registrations) {
            if (!covered.contains(r.type().toLowerCase(Locale.ROOT) + " " + r.version())) {
                missing.computeIfAbsent(r.type(), k -> new TreeSet<>()).add(r.version());
            }
        }
        missing.forEach((type, versions) -> {
            ObjectNode entry = unschemed.addObject();
            entry.put("type", type);
            ArrayNode v = entry.putArray("versions");
            versions.forEach(v::add);
            entry.put("source", registrations.stream().filter(r -> r.type().equals(type)).findFirst()
                    .map(r -> "dapr/dapr " + r.file() + " (implementation: " + r.packageDir() + ")").orElse(""));
        });
        bundle.set("runtimeMetadata", runtimeMetadata());
        ObjectNode builtins = bundle.putObject("builtinAuthenticationProfiles");
        JsonNode builtinFile = yamlFile(".build-tools/builtin-authentication-profiles.yaml");
        for (Map.Entry<String, JsonNode> e : builtinFile.properties()) {
            ArrayNode profiles = builtins.putArray(e.getKey());
            for (JsonNode p : e.getValue()) {
                profiles.add(profile(p));
            }
        }
        checkEveryListEntryUsed(bundle);
        return bundle;
    }

    private static void checkCommit(Path checkout, String expected) {
        Path head = checkout.resolve(".git");
        if (!Files.exists(head)) {
            return; // not a git checkout (an unpacked release archive): the list's commit is taken as given
        }
        try {
            Process git = new ProcessBuilder("git", "-C", checkout.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String actual = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (git.waitFor() == 0 && !actual.equals(expected)) {
                throw new IllegalStateException(checkout + " is at " + actual + ", but " + DEFAULT_READS
                        + " names " + expected + ": check out the release it names, or update its source block");
            }
        } catch (IOException e) {
            // no git: nothing to compare with
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The component directories the repository's bundler walks (the bundle lists them by path). */
    private List<String> componentDirectories() {
        JsonNode folders = yamlFile(".build-tools/component-folders.yaml");
        Set<String> exclude = new HashSet<>();
        folders.path("excludeFolders").forEach(f -> exclude.add(f.asString()));
        List<String> dirs = new ArrayList<>();
        for (JsonNode folder : folders.path("componentFolders")) {
            walk(folder.asString(), exclude, dirs);
        }
        return dirs;
    }

    private void walk(String dir, Set<String> exclude, List<String> out) {
        try (Stream<Path> list = Files.list(contrib.resolve(dir))) {
            for (Path child : list.filter(Files::isDirectory).map(Path::getFileName).sorted().toList()) {
                String path = dir + "/" + child;
                if (!exclude.contains(path)) {
                    out.add(path);
                }
                walk(path, exclude, out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode metadataFile(String dir) {
        for (String name : List.of("metadata.yaml", "metadata.yml", "metadata.json")) {
            if (Files.isRegularFile(contrib.resolve(dir).resolve(name))) {
                ObjectNode node = (ObjectNode) yamlFile(dir + "/" + name);
                node.put("$path", dir + "/" + name);
                return node;
            }
        }
        return null;
    }

    private JsonNode yamlFile(String relative) {
        try {
            return YAML.readTree(Files.readString(contrib.resolve(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative, e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private ObjectNode component(String dir, JsonNode yaml, List<Registration> registered, ObjectNode overrides,
            Set<String> covered) {
        String kind = yaml.path("type").asString();
        String version = yaml.path("version").asString();
        String declared = kind + "." + yaml.path("name").asString();
        List<String> names = new ArrayList<>();
        Set<String> versions = new LinkedHashSet<>();
        versions.add(version);
        for (Registration r : registered) {
            if (!names.contains(r.type())) {
                names.add(r.type());
            }
            versions.add(r.version());
        }
        // a package that holds the schemas of several versions (a v1 and a v2 folder each have their own)
        String type = declared;
        if (!names.isEmpty() && names.stream().noneMatch(n -> n.equalsIgnoreCase(declared))) {
            type = names.get(0);
            overrides.put(declared, type);
        }
        ObjectNode c = NODES.objectNode();
        c.put("type", type);
        String canonical = type;
        List<String> aliases = names.stream().filter(n -> !n.equalsIgnoreCase(canonical)).toList();
        if (!aliases.isEmpty()) {
            ArrayNode a = c.putArray("typeAliases");
            aliases.forEach(a::add);
        }
        c.put("version", version);
        List<String> extraVersions = versions.stream().filter(v -> !v.equals(version)
                && !hasOwnSchema(dir, v)).toList();
        if (!extraVersions.isEmpty()) {
            ArrayNode v = c.putArray("runtimeVersions");
            extraVersions.forEach(v::add);
        }
        for (String name : names.isEmpty() ? List.of(type) : names) {
            covered.add(name.toLowerCase(Locale.ROOT) + " " + version);
            extraVersions.forEach(v -> covered.add(name.toLowerCase(Locale.ROOT) + " " + v));
        }
        c.put("status", yaml.path("status").asString());
        c.put("title", yaml.path("title").asString());
        c.put("path", yaml.path("$path").asString());
        ArrayNode urls = c.putArray("urls");
        for (JsonNode url : yaml.path("urls")) {
            urls.addObject().put("title", url.path("title").asString()).put("url", url.path("url").asString());
        }
        ArrayNode capabilities = c.putArray("capabilities");
        yaml.path("capabilities").forEach(cap -> capabilities.add(cap.asString()));
        List<String> directions = registered.stream().map(Registration::direction).filter(d -> !d.isEmpty())
                .distinct().toList();
        if (kind.equals("bindings")) {
            JsonNode binding = yaml.path("binding");
            ArrayNode d = c.putArray("directions");
            if (binding.path("input").asBoolean(false) || directions.contains("input")) {
                d.add("input");
            }
            if (binding.path("output").asBoolean(false) || directions.contains("output")) {
                d.add("output");
            }
        }
        ArrayNode builtinNames = c.putArray("builtinAuthenticationProfiles");
        ObjectNode builtinExtras = NODES.objectNode();
        for (JsonNode builtin : yaml.path("builtinAuthenticationProfiles")) {
            builtinNames.add(builtin.path("name").asString());
            if (builtin.path("metadata").size() > 0) {
                builtinExtras.set(builtin.path("name").asString(), fields(builtin.path("metadata")));
            }
        }
        if (!builtinExtras.isEmpty()) {
            c.set("builtinAuthenticationProfileMetadata", builtinExtras);
        }
        ArrayNode profiles = c.putArray("authenticationProfiles");
        yaml.path("authenticationProfiles").forEach(p -> profiles.add(profile(p)));
        ArrayNode metadata = fields(yaml.path("metadata"));
        appendImplicit(kind, yaml, metadata);
        c.set("metadata", metadata);

        Set<String> schemaNames = schemaNames(c);
        CodeReads code = codeReads(dir, schemaNames);
        ArrayNode ignored = listed("ignored", type, version);
        for (JsonNode entry : ignored) {
            String name = entry.path("name").asString();
            code.names.keySet().removeIf(n -> n.equalsIgnoreCase(name));
            code.aliases.keySet().removeIf(n -> n.equalsIgnoreCase(name));
        }
        if (!code.aliases.isEmpty()) {
            c.set("aliases", code.aliasNodes());
        }
        ArrayNode readNames = code.readNodes(schemaNames);
        addListed(readNames, "undocumented", type, version);
        if (!readNames.isEmpty()) {
            c.set("codeReads", readNames);
        }
        ArrayNode legacy = listed("legacy", type, version);
        if (!legacy.isEmpty()) {
            c.set("legacy", legacy);
        }
        if (!ignored.isEmpty()) {
            c.set("ignored", ignored);
        }
        ArrayNode patterns = listed("namePatterns", type, version);
        if (!patterns.isEmpty()) {
            c.set("namePatterns", patterns);
        }
        ArrayNode values = values(c, type, version, ignored);
        if (!values.isEmpty()) {
            c.set("values", values);
        }
        ArrayNode requirements = requirements(c, type, version);
        if (!requirements.isEmpty()) {
            c.set("requirements", requirements);
        }
        return c;
    }

    private boolean hasOwnSchema(String dir, String version) {
        String parent = dir.contains("/") ? dir.substring(0, dir.lastIndexOf('/')) : dir;
        return Files.isRegularFile(contrib.resolve(parent).resolve(version).resolve("metadata.yaml"));
    }

    private static ObjectNode profile(JsonNode p) {
        ObjectNode profile = NODES.objectNode();
        profile.put("title", p.path("title").asString());
        profile.set("metadata", fields(p.path("metadata")));
        return profile;
    }

    private static ArrayNode fields(JsonNode array) {
        ArrayNode fields = NODES.arrayNode();
        for (JsonNode f : array) {
            fields.add(field(f.path("name").asString(), f.path("required").asBoolean(false),
                    f.path("sensitive").asBoolean(false), f.path("type").asString(""),
                    raw(f.path("default")), text(f.path("example")), f.path("allowedValues"),
                    f.path("deprecated").asBoolean(false), false));
        }
        return fields;
    }

    /** A default as the schema gives it (Go keeps it verbatim, empty included). */
    private static String raw(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asString();
    }

    /** An example, whitespace-trimmed. */
    private static String text(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        return node.asString().trim();
    }

    private static ObjectNode field(String name, boolean required, boolean sensitive, String type, String byDefault,
            String example, JsonNode allowed, boolean deprecated, boolean implicit) {
        if (!type.isEmpty() && !FIELD_KINDS.contains(type)) {
            throw new IllegalStateException("field " + name + " has the unknown type " + type);
        }
        ObjectNode field = NODES.objectNode();
        field.put("name", name);
        field.put("required", required);
        field.put("sensitive", sensitive);
        field.put("type", type.isEmpty() ? "string" : type);
        if (byDefault != null) {
            field.put("default", byDefault);
        }
        if (example != null) {
            field.put("example", example);
        }
        if (allowed != null && allowed.size() > 0) {
            ArrayNode values = field.putArray("allowedValues");
            allowed.forEach(v -> values.add(v.asString()));
        }
        field.put("deprecated", deprecated);
        if (implicit) {
            field.put("implicit", true);
        }
        return field;
    }

    /**
     * The fields components-contrib's build tool appends per kind ({@code .build-tools/pkg/metadataschema/
     * validators.go}, {@code AppendBuiltin}); skipped where the component declares the name itself.
     */
    private static void appendImplicit(String kind, JsonNode yaml, ArrayNode metadata) {
        Set<String> capabilities = new HashSet<>();
        yaml.path("capabilities").forEach(c -> capabilities.add(c.asString()));
        List<ObjectNode> implicit = new ArrayList<>();
        switch (kind) {
            case "state" -> {
                if (capabilities.contains("actorStateStore")) {
                    implicit.add(field("actorStateStore", false, false, "bool", null, "\"false\"", null, false, true));
                }
                if (capabilities.contains("transactional")) {
                    implicit.add(field("outboxPublishPubsub", false, false, "string", null, null, null, false, true));
                    implicit.add(field("outboxPublishTopic", false, false, "string", null, null, null, false, true));
                    implicit.add(field("outboxPubsub", false, false, "string", "outboxPublishPubsub", null, null,
                            false, true));
                    implicit.add(field("outboxDiscardWhenMissingState", false, false, "bool", "false", null, null,
                            false, true));
                }
                implicit.add(field("keyPrefix", false, false, "string", "appid", "\"appid\"", null, false, true));
            }
            case "lock" -> implicit.add(field("keyPrefix", false, false, "string", "appid", "\"appid\"", null,
                    false, true));
            case "pubsub" -> {
                implicit.add(field("consumerID", false, false, "string", null, "\"{namespace}\"", null, false, true));
                implicit.add(field("allowedTopics", false, false, "string", null, "\"app1=topic1;app2=topic2,topic3\"",
                        null, false, true));
                implicit.add(field("publishingScopes", false, false, "string", null,
                        "\"app1=topic1;app2=topic2,topic3;app3=\"", null, false, true));
                implicit.add(field("subscriptionScopes", false, false, "string", null,
                        "\"app1=topic1;app2=topic2,topic3\"", null, false, true));
                implicit.add(field("protectedTopics", false, false, "string", null, "\"topic1,topic2\"", null, false,
                        true));
            }
            case "bindings" -> {
                JsonNode binding = yaml.path("binding");
                if (binding.path("input").asBoolean(false)) {
                    boolean both = binding.path("output").asBoolean(false);
                    ArrayNode allowed = NODES.arrayNode().add("input");
                    if (both) {
                        allowed.add("output").add("input,output");
                    }
                    implicit.add(field("direction", false, false, "string", null,
                            both ? "\"input,output\"" : "\"input\"", allowed, false, true));
                    implicit.add(field("route", false, false, "string", null, "\"/custom-path\"", null, false, true));
                }
            }
            default -> {
            }
        }
        Set<String> declared = new HashSet<>();
        metadata.forEach(f -> declared.add(f.path("name").asString()));
        for (ObjectNode f : implicit) {
            if (declared.add(f.path("name").asString())) {
                metadata.add(f);
            }
        }
    }

    private Set<String> schemaNames(ObjectNode component) {
        Set<String> names = new HashSet<>();
        component.path("metadata").forEach(f -> names.add(f.path("name").asString().toLowerCase(Locale.ROOT)));
        component.path("authenticationProfiles").forEach(p -> p.path("metadata")
                .forEach(f -> names.add(f.path("name").asString().toLowerCase(Locale.ROOT))));
        component.path("builtinAuthenticationProfileMetadata").forEach(extras -> extras
                .forEach(f -> names.add(f.path("name").asString().toLowerCase(Locale.ROOT))));
        component.path("builtinAuthenticationProfiles").forEach(b -> builtinProfiles.path(b.asString())
                .forEach(p -> p.path("metadata").forEach(f -> names.add(f.path("name").asString()
                        .toLowerCase(Locale.ROOT)))));
        return names;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** What the component's Go code reads: alias groups and plain names, each with the place it was found. */
    private static final class CodeReads {
        /** alias (as spelt in code) -> [canonical name, source] */
        final Map<String, String[]> aliases = new LinkedHashMap<>();
        /** name -> source */
        final Map<String, String> names = new LinkedHashMap<>();

        void alias(String alias, String canonical, String source) {
            if (!alias.equalsIgnoreCase(canonical)) {
                aliases.putIfAbsent(alias, new String[] {canonical, source});
            }
        }

        void name(String name, String source) {
            if (names.keySet().stream().noneMatch(n -> n.equalsIgnoreCase(name))) {
                names.put(name, source);
            }
        }

        ArrayNode aliasNodes() {
            ArrayNode nodes = NODES.arrayNode();
            aliases.entrySet().stream().sorted(Map.Entry.comparingByKey(String.CASE_INSENSITIVE_ORDER))
                    .forEach(e -> nodes.addObject().put("name", e.getKey()).put("field", e.getValue()[0])
                            .put("source", e.getValue()[1]));
            return nodes;
        }

        ArrayNode readNodes(Set<String> schemaNames) {
            ArrayNode nodes = NODES.arrayNode();
            Set<String> aliasNames = new HashSet<>();
            aliases.keySet().forEach(a -> aliasNames.add(a.toLowerCase(Locale.ROOT)));
            names.entrySet().stream().sorted(Map.Entry.comparingByKey(String.CASE_INSENSITIVE_ORDER))
                    .filter(e -> !schemaNames.contains(e.getKey().toLowerCase(Locale.ROOT))
                            && !aliasNames.contains(e.getKey().toLowerCase(Locale.ROOT)))
                    .forEach(e -> nodes.addObject().put("name", e.getKey()).put("source", e.getValue()));
            return nodes;
        }
    }

    /**
     * Reads the Go packages the component compiles in (its own and the components-contrib packages it imports,
     * transitively, under the component folders and {@code common/}).
     */
    private CodeReads codeReads(String dir, Set<String> schemaNames) {
        CodeReads reads = new CodeReads();
        List<GoPackage> reachable = reachable(dir);
        Map<String, String> constants = new HashMap<>();
        reachable.forEach(p -> p.stringConstants().forEach(constants::putIfAbsent));
        Map<String, List<String>> azureTables = azureTables();
        Set<String> usedTables = new LinkedHashSet<>();
        for (GoPackage p : reachable) {
            for (TaggedField f : p.taggedFields()) {
                String source = f.file() + ":" + f.line();
                reads.name(f.name(), source + " (mapstructure)");
                for (String alias : f.aliases()) {
                    reads.alias(alias, f.name(), source + " (mapstructurealiases)");
                }
            }
            for (String function : List.of("GetMetadataProperty", "GetMetadataPropertyWithMatchedKey")) {
                for (Call call : p.calls(function)) {
                    List<String> keys = new ArrayList<>();
                    for (String argument : call.arguments().subList(Math.min(1, call.arguments().size()),
                            call.arguments().size())) {
                        String key = GoPackage.literal(argument);
                        if (key == null) {
                            String id = argument.substring(argument.lastIndexOf('.') + 1);
                            key = argument.matches("[\\w.]+") ? constants.get(id) : null;
                        }
                        if (key != null && !key.isEmpty()) {
                            keys.add(key);
                        }
                    }
                    String source = call.file() + ":" + call.line() + " (" + function + ")";
                    if (keys.size() > 1) {
                        String canonical = keys.stream().filter(k -> schemaNames.contains(k.toLowerCase(Locale.ROOT)))
                                .findFirst().orElse(null);
                        if (canonical != null) {
                            keys.forEach(k -> reads.alias(k, canonical, source));
                        } else if (!p.relative().equals("metadata")) {
                            keys.forEach(k -> reads.name(k, source));
                        }
                    } else if (keys.size() == 1 && !p.relative().equals("metadata")) {
                        reads.name(keys.get(0), source);
                    }
                }
            }
            boolean kindPackage = !p.relative().contains("/");
            for (var file : p.files()) {
                if (!kindPackage) {
                    Matcher index = INDEX_READ.matcher(file.code());
                    while (index.find()) {
                        String key = GoPackage.literal(index.group(1));
                        key = key != null ? key : constants.get(index.group(1).substring(index.group(1).lastIndexOf('.') + 1));
                        if (key != null && key.matches("[A-Za-z][\\w.-]*")) {
                            reads.name(key, file.path() + ":" + file.lineOf(index.start()) + " (map read)");
                        }
                    }
                }
                for (JsonNode helper : this.reads.path("helpers")) {
                    String call = helper.path("call").asString();
                    if (!p.relative().equals(helper.path("definedIn").asString())
                            && Pattern.compile("\\b" + Pattern.quote(call) + "\\(").matcher(file.code()).find()) {
                        helper.path("names").forEach(n -> reads.name(n.asString(), helper.path("source").asString()
                                + " (" + call + ", called in " + file.path() + ")"));
                    }
                }
                for (Call call : p.calls("DecodeConfigWithPrefix")) {
                    if (call.arguments().size() == 3) {
                        String prefix = GoPackage.literal(call.arguments().get(2));
                        prefix = prefix != null ? prefix : constants.get(call.arguments().get(2));
                        if (prefix != null && call.file().equals(file.path())) {
                            for (JsonNode field : this.reads.path("retryConfig").path("fields")) {
                                String f = field.asString();
                                reads.name(prefix + Character.toUpperCase(f.charAt(0)) + f.substring(1),
                                        call.file() + ":" + call.line() + " (DecodeConfigWithPrefix; fields: "
                                                + this.reads.path("retryConfig").path("source").asString() + ")");
                            }
                        }
                    }
                }
                if (p.relative().equals(AZURE_AUTH)) {
                    Matcher env = AZURE_ENVIRONMENT_USE.matcher(file.code());
                    while (env.find()) {
                        usedTables.add(env.group(1));
                    }
                } else {
                    Matcher use = AZURE_TABLE_USE.matcher(file.code());
                    while (use.find()) {
                        usedTables.add(use.group(1));
                    }
                }
            }
        }
        for (String table : usedTables) {
            List<String> spellings = azureTables.get(table);
            if (spellings == null) {
                continue;
            }
            String canonical = spellings.stream().filter(s -> schemaNames.contains(s.toLowerCase(Locale.ROOT)))
                    .findFirst().orElse(spellings.get(0));
            String source = AZURE_AUTH + "/metadata-properties.go (MetadataKeys[\"" + table + "\"])";
            spellings.forEach(s -> reads.alias(s, canonical, source));
            if (!schemaNames.contains(canonical.toLowerCase(Locale.ROOT))) {
                reads.name(canonical, source);
            }
        }
        return reads;
    }

    private Map<String, List<String>> azureTables() {
        GoPackage azure = pkg(AZURE_AUTH);
        Map<String, List<String>> tables = new LinkedHashMap<>();
        azure.files().stream().filter(f -> f.path().endsWith("/metadata-properties.go")).forEach(f -> {
            Matcher m = AZURE_TABLE.matcher(f.code());
            while (m.find()) {
                List<String> spellings = new ArrayList<>();
                Matcher s = Pattern.compile("\"([^\"]+)\"").matcher(m.group(2));
                while (s.find()) {
                    spellings.add(s.group(1));
                }
                tables.put(m.group(1), spellings);
            }
        });
        if (tables.isEmpty()) {
            throw new IllegalStateException("no alias table found in " + AZURE_AUTH + "/metadata-properties.go");
        }
        return tables;
    }

    private List<GoPackage> reachable(String dir) {
        List<GoPackage> reachable = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>(List.of(dir));
        Set<String> roots = new HashSet<>(List.of("common"));
        yamlFile(".build-tools/component-folders.yaml").path("componentFolders")
                .forEach(f -> roots.add(f.asString().split("/")[0]));
        while (!queue.isEmpty()) {
            String next = queue.poll();
            if (!seen.add(next)) {
                continue;
            }
            GoPackage p = pkg(next);
            if (p.isEmpty()) {
                continue;
            }
            reachable.add(p);
            for (String path : p.importPaths()) {
                if (path.startsWith(Registrations.CONTRIB)) {
                    String relative = path.substring(Registrations.CONTRIB.length());
                    if (roots.contains(relative.split("/")[0]) && !relative.contains("/internal/mock")) {
                        queue.add(relative);
                    }
                }
            }
        }
        reachable.sort(java.util.Comparator.comparing(GoPackage::relative));
        return reachable;
    }

    private GoPackage pkg(String relative) {
        return packages.computeIfAbsent(relative, r -> GoPackage.read(contrib, r));
    }

    // ---------------------------------------------------------------------------------------------------------
    // The hand-kept list

    private final Set<String> usedListEntries = new HashSet<>();

    private static boolean matches(JsonNode entry, String type, String version) {
        boolean typeMatches = false;
        for (JsonNode t : entry.path("types")) {
            typeMatches |= t.asString().equals(type);
        }
        typeMatches |= entry.path("type").asString("").equals(type);
        String v = entry.path("version").asString("");
        return typeMatches && (v.isEmpty() || v.equals(version));
    }

    private ArrayNode listed(String section, String type, String version) {
        ArrayNode out = NODES.arrayNode();
        int index = 0;
        for (JsonNode entry : reads.path(section)) {
            if (matches(entry, type, version)) {
                usedListEntries.add(section + "/" + index);
                ObjectNode copy = (ObjectNode) entry.deepCopy();
                copy.remove("types");
                copy.remove("type");
                copy.remove("version");
                out.add(copy);
            }
            index++;
        }
        return out;
    }

    private void addListed(ArrayNode readNames, String section, String type, String version) {
        Set<String> present = new HashSet<>();
        readNames.forEach(n -> present.add(n.path("name").asString().toLowerCase(Locale.ROOT)));
        for (JsonNode entry : listed(section, type, version)) {
            for (JsonNode name : entry.path("names")) {
                if (present.add(name.asString().toLowerCase(Locale.ROOT))) {
                    readNames.addObject().put("name", name.asString()).put("source", entry.path("source").asString());
                }
            }
        }
    }

    /**
     * For every required field of the component (its own, its profiles', its built-in profile extras), whether
     * the code enforces it, from the hand-kept list; a required field the list does not cover stops the generator,
     * so that a new release's new requirements are read before they are reported.
     */
    private ArrayNode requirements(ObjectNode component, String type, String version) {
        ArrayNode out = NODES.arrayNode();
        List<String[]> required = new ArrayList<>();
        component.path("metadata").forEach(f -> {
            if (f.path("required").asBoolean()) {
                required.add(new String[] {f.path("name").asString(), ""});
            }
        });
        component.path("authenticationProfiles").forEach(p -> p.path("metadata").forEach(f -> {
            if (f.path("required").asBoolean()) {
                required.add(new String[] {f.path("name").asString(), p.path("title").asString()});
            }
        }));
        for (Map.Entry<String, JsonNode> e : component.path("builtinAuthenticationProfileMetadata").properties()) {
            e.getValue().forEach(f -> {
                if (f.path("required").asBoolean()) {
                    required.add(new String[] {f.path("name").asString(), "builtin:" + e.getKey()});
                }
            });
        }
        for (String[] r : required) {
            JsonNode found = null;
            int index = 0;
            for (JsonNode entry : reads.path("requirements")) {
                if (matches(entry, type, version) && entry.path("field").asString().equals(r[0])
                        && entry.path("profile").asString("").equals(r[1])) {
                    found = entry;
                    usedListEntries.add("requirements/" + index);
                }
                index++;
            }
            if (found == null) {
                throw new IllegalStateException(type + " " + version + ": the required field " + r[0]
                        + (r[1].isEmpty() ? "" : " (profile " + r[1] + ")") + " has no entry under requirements in "
                        + DEFAULT_READS + "; read the component's Init and add one");
            }
            ObjectNode entry = out.addObject();
            entry.put("field", r[0]);
            if (!r[1].isEmpty()) {
                entry.put("profile", r[1]);
            }
            entry.put("enforced", found.path("enforced").asBoolean());
            entry.put("source", found.path("source").asString());
        }
        return out;
    }

    /**
     * The values the code accepts for every field whose schema lists {@code allowedValues} (own, profiles', built-in
     * extras' and the built-in profiles' fields), from the hand-kept list; a field without an entry stops the
     * generator, unless the code ignores the name.
     */
    private ArrayNode values(ObjectNode component, String type, String version, ArrayNode ignored) {
        Set<String> fields = new LinkedHashSet<>();
        java.util.function.Consumer<JsonNode> collect = f -> {
            if (f.path("allowedValues").size() > 0 && !f.path("implicit").asBoolean(false)) {
                fields.add(f.path("name").asString());
            }
        };
        component.path("metadata").forEach(collect);
        component.path("authenticationProfiles").forEach(p -> p.path("metadata").forEach(collect));
        component.path("builtinAuthenticationProfileMetadata").forEach(e -> e.forEach(collect));
        Set<String> builtins = new HashSet<>();
        component.path("builtinAuthenticationProfiles").forEach(b -> builtins.add(b.asString()));
        builtins.forEach(b -> builtinProfiles.path(b).forEach(p -> p.path("metadata").forEach(collect)));
        ignored.forEach(i -> fields.remove(i.path("name").asString()));
        ArrayNode out = NODES.arrayNode();
        for (String field : fields) {
            JsonNode found = null;
            int index = 0;
            for (JsonNode entry : reads.path("values")) {
                boolean applies = matches(entry, type, version) || builtins.contains(entry.path("builtin").asString(""));
                if (applies && entry.path("field").asString().equals(field)) {
                    found = entry;
                    usedListEntries.add("values/" + index);
                }
                index++;
            }
            if (found == null) {
                throw new IllegalStateException(type + " " + version + ": the field " + field + " lists allowedValues "
                        + "but has no entry under values in " + DEFAULT_READS + "; read how the code compares it and "
                        + "add one");
            }
            ObjectNode copy = (ObjectNode) found.deepCopy();
            copy.remove("types");
            copy.remove("builtin");
            out.add(copy);
        }
        return out;
    }

    private ObjectNode runtimeMetadata() {
        ObjectNode byKind = NODES.objectNode();
        int index = 0;
        for (JsonNode entry : reads.path("runtime")) {
            usedListEntries.add("runtime/" + index++);
            ObjectNode copy = (ObjectNode) entry.deepCopy();
            String kind = copy.remove("kind").asString();
            ArrayNode list = byKind.has(kind) ? (ArrayNode) byKind.get(kind) : byKind.putArray(kind);
            list.add(copy);
        }
        return byKind;
    }

    private void checkEveryListEntryUsed(ObjectNode bundle) {
        List<String> unused = new ArrayList<>();
        for (String section : List.of("legacy", "ignored", "namePatterns", "undocumented", "requirements", "values")) {
            int index = 0;
            for (JsonNode entry : reads.path(section)) {
                if (!usedListEntries.contains(section + "/" + index)) {
                    unused.add(section + "[" + index + "] " + entry);
                }
                index++;
            }
        }
        if (!unused.isEmpty()) {
            throw new IllegalStateException("entries of " + DEFAULT_READS + " that match no component or field "
                    + "(renamed or removed in this release?): " + String.join("; ", unused));
        }
    }
}

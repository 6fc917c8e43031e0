package io.daprguard.cli;

import io.daprguard.cli.DocumentParser.Document;
import io.daprguard.config.DaprGuardProperties;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;

/**
 * Builds the policy from the server's own settings: the {@code dapr-guard:} part of a policy file (the server's
 * {@code application.yaml}), then the {@code --rule} overrides. A policy file's keys are bound into
 * {@link DaprGuardProperties} with Spring Boot's {@link Binder} (no application context), so defaults, relaxed
 * names ({@code mutate-templates} or {@code mutateTemplates}) and checks are exactly the server's. Without a file
 * the policy is the server's defaults, built directly.
 *
 * <p>Keys under {@code dapr-guard} that the server does not know are ignored, as the server ignores them, but
 * each one is reported as a warning ({@code dapr-guard.tls.*} is the server's TLS setup and is skipped quietly).
 * Documents that only apply to a Spring profile ({@code spring.config.activate.*}) are skipped. Placeholders
 * ({@code ${...}}) are not resolved.
 */
final class PolicyLoader {

    static final String PREFIX = "dapr-guard";

    /** The settings are unusable; the message names the file and the setting. */
    static final class PolicyException extends Exception {

        PolicyException(String message) {
            super(message);
        }
    }

    private PolicyLoader() {}

    /**
     * @param file the policy file, or null for the server's defaults
     * @param rules rule id to action, applied over the file's {@code dapr-guard.rules}
     * @param warnings receives one line per ignored key
     */
    static Policy load(Path file, Map<String, String> rules, Consumer<String> warnings) throws PolicyException {
        if (file == null) {
            return defaults(rules);
        }
        Map<String, Object> properties = new LinkedHashMap<>(readFile(file));
        properties.keySet().stream()
                .filter(key -> !known(key))
                .forEach(key -> warnings.accept(file + ": " + key.replaceFirst("\\[\\d+]$", "")
                        + " is not a dapr-guard setting; ignored"));
        rules.forEach((id, action) -> properties.put(PREFIX + ".rules." + id, action));
        return bind(properties, file.toString());
    }

    /**
     * The server's defaults with the {@code --rule} overrides. With no file there is nothing to bind, and skipping
     * the binder (and the Spring classes it loads) saves most of a short run; {@code PolicyLoaderTest} proves that
     * this is the policy the binder makes of the same settings.
     */
    static Policy defaults(Map<String, String> rules) throws PolicyException {
        Policy standard = Policy.standard();
        Map<String, Action> actions = new LinkedHashMap<>();
        try {
            rules.forEach((id, action) -> actions.put(id, Action.parse(action)));
            return Policy.of(standard.mode(), actions, null, standard.defaults(), standard.mutateTemplates());
        } catch (IllegalArgumentException e) {
            throw new PolicyException("--rule: " + e.getMessage());
        }
    }

    /** Binds flattened {@code dapr-guard.*} properties as the server does; {@code origin} names them in errors. */
    static Policy bind(Map<String, Object> properties, String origin) throws PolicyException {
        try {
            Binder binder = new Binder(List.of(new MapConfigurationPropertySource(properties)), null, conversions());
            return binder.bindOrCreate(PREFIX, Bindable.of(DaprGuardProperties.class)).toPolicy();
        } catch (BindException e) {
            throw new PolicyException(origin + ": " + describe(e));
        } catch (IllegalArgumentException e) {
            throw new PolicyException(origin + ": " + e.getMessage());
        }
    }

    /**
     * Spring Boot's converters (durations, data sizes, lenient enums...) without the formatters of its shared
     * conversion service, which the policy does not need and which take a noticeable part of a short run to load.
     */
    private static ConversionService conversions() {
        DefaultConversionService conversions = new DefaultConversionService();
        ApplicationConversionService.addApplicationConverters(conversions);
        return conversions;
    }

    /** The file's {@code dapr-guard} keys, flattened as in a properties file ({@code dapr-guard.rules.log-level}). */
    private static Map<String, Object> readFile(Path file) throws PolicyException {
        String text;
        try {
            text = ManifestReader.decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new PolicyException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new PolicyException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot read: " + e.getMessage());
        }
        DocumentParser.Result parsed = DocumentParser.parse(text, DocumentParser.Format.YAML);
        if (!parsed.errors().isEmpty()) {
            InputError error = parsed.errors().get(0);
            throw new PolicyException(file + ":" + error.line() + ": " + error.message());
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        boolean found = false;
        for (Document document : parsed.documents()) {
            JsonNode root = document.node();
            if (!root.isObject()) {
                throw new PolicyException(file + ":" + document.line() + ": not a mapping of settings");
            }
            if (!root.path("spring").path("config").path("activate").isMissingNode()) {
                continue;
            }
            JsonNode settings = root.get(PREFIX);
            if (settings != null) {
                found = true;
                flatten(PREFIX, settings, properties);
            }
        }
        if (!found) {
            throw new PolicyException(file + ": no top-level '" + PREFIX + ":' map; a policy file has the keys of the"
                    + " server's application.yaml, e.g. 'dapr-guard: {rules: {log-level: deny}}'");
        }
        return properties;
    }

    private static void flatten(String key, JsonNode node, Map<String, Object> into) {
        if (node.isObject()) {
            node.properties().forEach(entry -> flatten(key + "." + entry.getKey(), entry.getValue(), into));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(key + "[" + i + "]", node.get(i), into);
            }
        } else if (!node.isNull()) {
            into.put(key, node.asString());
        }
    }

    /** Whether a flattened key names a {@link DaprGuardProperties} setting (or {@code dapr-guard.tls.*}). */
    static boolean known(String key) {
        List<String> segments = Arrays.stream(key.replaceAll("\\[\\d+]", "").split("\\."))
                .map(PolicyLoader::canonical)
                .toList();
        if (segments.size() < 2 || !canonical(PREFIX).equals(segments.get(0))) {
            return false;
        }
        if ("tls".equals(segments.get(1))) {
            return true;
        }
        Class<?> type = DaprGuardProperties.class;
        for (int i = 1; i < segments.size(); i++) {
            if (!type.isRecord()) {
                return Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type);
            }
            String segment = segments.get(i);
            RecordComponent component = Arrays.stream(type.getRecordComponents())
                    .filter(each -> canonical(each.getName()).equals(segment))
                    .findFirst()
                    .orElse(null);
            if (component == null) {
                return false;
            }
            type = component.getType();
        }
        return true;
    }

    /** Spring's relaxed names: {@code mutate-templates}, {@code mutateTemplates} and {@code mutate_templates}. */
    private static String canonical(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static String describe(BindException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (e.getProperty() == null) {
            return root.getMessage();
        }
        String name = e.getProperty().getName().toString();
        Object value = e.getProperty().getValue();
        String reason = root.getMessage();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConversionFailedException conversion) {
                reason = expected(conversion.getTargetType().getType(), reason);
            }
        }
        return name + " '" + value + "' is not valid" + (reason == null ? "" : "; " + reason);
    }

    /** What a value of {@code type} looks like, for a conversion failure. */
    private static String expected(Class<?> type, String fallback) {
        if (type.isEnum()) {
            return "use " + Arrays.stream(type.getEnumConstants())
                    .map(constant -> constant.toString().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(" or "));
        }
        if (type == boolean.class || type == Boolean.class) {
            return "use true or false";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "use a whole number";
        }
        if (type == Duration.class) {
            return "use a duration such as 250ms or 5s";
        }
        if (type == DataSize.class) {
            return "use a size such as 8MB";
        }
        return fallback;
    }
}

package io.daprguard.cli;

import io.daprguard.config.DaprGuardProperties;
import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.util.unit.DataSize;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Builds the policy from the server's own settings: the {@code dapr-guard:} part of a policy file (the server's
 * {@code application.yaml}), then the {@code --rule} overrides. The file is read with Spring Boot's
 * {@link YamlPropertySourceLoader} (YAML 1.1, as the server reads it: {@code 1_000}, {@code 0777} and {@code 1:30}
 * are numbers) and bound into {@link DaprGuardProperties} with Spring Boot's {@link Binder} (no application
 * context), so values, defaults, relaxed names ({@code mutate-templates} or {@code mutateTemplates}) and checks are
 * exactly the server's; later documents of the file win over earlier ones, as they do for the server. Without a
 * file the policy is the server's defaults, built directly.
 *
 * <p>Keys under {@code dapr-guard} that the server does not know are an error, found by Boot's
 * {@link NoUnboundElementsBindHandler} ({@code dapr-guard.tls.*} is the server's TLS setup and is skipped). The
 * server ignores them; for a check a misspelt key is a mistake to report, not a setting to drop. Documents that
 * only apply to a Spring profile ({@code spring.config.activate.*}) are skipped. Placeholders ({@code ${...}}) are
 * not resolved.
 */
public final class PolicyLoader {

    static final String PREFIX = "dapr-guard";

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);

    private static final ConfigurationPropertyName TLS = ConfigurationPropertyName.of(PREFIX + ".tls");

    private static final ConfigurationPropertyName PROFILE_ACTIVATION =
            ConfigurationPropertyName.of("spring.config.activate");

    /** The settings are unusable; the message names the file and the setting. */
    public static final class PolicyException extends Exception {

        PolicyException(String message) {
            super(message);
        }
    }

    private PolicyLoader() {}

    /**
     * @param file the policy file, or null for the server's defaults
     * @param rules rule id to action, applied over the file's {@code dapr-guard.rules}
     */
    public static Policy load(Path file, Map<String, String> rules) throws PolicyException {
        if (file == null) {
            return defaults(rules);
        }
        try {
            return properties(file, rules).toPolicy();
        } catch (IllegalArgumentException e) {
            throw new PolicyException(file + ": " + e.getMessage());
        }
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

    /** The file's settings as the server binds them, with the {@code --rule} overrides over them. */
    static DaprGuardProperties properties(Path file, Map<String, String> rules) throws PolicyException {
        List<ConfigurationPropertySource> sources = new ArrayList<>();
        sources.add(new MapConfigurationPropertySource(overrides(rules)));
        sources.addAll(readFile(file));
        return bind(sources, file.toString());
    }

    /** Binds {@code dapr-guard.*} as the server does; {@code origin} names the settings in errors. */
    static DaprGuardProperties bind(List<ConfigurationPropertySource> sources, String origin) throws PolicyException {
        try {
            Binder binder = new Binder(sources, null, conversions());
            return binder.bindOrCreate(PREFIX, Bindable.of(DaprGuardProperties.class),
                    new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException e) {
            throw new PolicyException(origin + ": " + describe(e));
        } catch (IllegalArgumentException e) {
            throw new PolicyException(origin + ": " + e.getMessage());
        }
    }

    /** {@code --rule} overrides as properties. */
    static Map<String, Object> overrides(Map<String, String> rules) {
        Map<String, Object> properties = new LinkedHashMap<>();
        rules.forEach((id, action) -> properties.put(PREFIX + ".rules." + id, action));
        return properties;
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

    /**
     * The file's documents as Boot loads them, last first (a later document wins), without profile-specific
     * documents and without {@code dapr-guard.tls.*}.
     */
    private static List<ConfigurationPropertySource> readFile(Path file) throws PolicyException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
            ManifestReader.decode(bytes);
        } catch (NoSuchFileException e) {
            throw new PolicyException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new PolicyException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new PolicyException(file + ": cannot read: " + e.getMessage());
        }
        List<PropertySource<?>> documents;
        try {
            documents = new YamlPropertySourceLoader().load(file.toString(), new ByteArrayResource(bytes));
        } catch (MarkedYAMLException e) {
            // The line of the construct the message names ("while parsing a flow sequence"), else of the problem.
            Mark mark = e.getContextMark() != null ? e.getContextMark() : e.getProblemMark();
            throw new PolicyException(file + ":" + (mark.getLine() + 1) + ": "
                    + (e.getContext() == null ? "" : e.getContext() + ": ") + e.getProblem());
        } catch (IOException | RuntimeException e) {
            throw new PolicyException(file + ": not a YAML file of settings: " + e.getMessage());
        }
        List<ConfigurationPropertySource> sources = new ArrayList<>();
        for (PropertySource<?> document : documents) {
            ConfigurationPropertySource source = ConfigurationPropertySource.from(document);
            if (source == null || names(source).stream().anyMatch(PROFILE_ACTIVATION::isAncestorOf)) {
                continue;
            }
            if (names(source).stream().anyMatch(name -> name.equals(ROOT) || ROOT.isAncestorOf(name))) {
                sources.add(0, source.filter(name -> !name.equals(TLS) && !TLS.isAncestorOf(name)));
            }
        }
        if (sources.isEmpty()) {
            throw new PolicyException(file + ": no top-level '" + PREFIX + ":' map; a policy file has the keys of the"
                    + " server's application.yaml, e.g. 'dapr-guard: {rules: {log-level: deny}}'");
        }
        return sources;
    }

    private static List<ConfigurationPropertyName> names(ConfigurationPropertySource source) {
        return source instanceof IterableConfigurationPropertySource iterable ? iterable.stream().toList() : List.of();
    }

    private static String describe(BindException e) {
        if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
            return unbound.getUnboundProperties().stream()
                    .map(property -> property.getName() + line(property.getOrigin()))
                    .collect(Collectors.joining(", "))
                    + (unbound.getUnboundProperties().size() == 1 ? " is not a dapr-guard setting"
                            : " are not dapr-guard settings");
        }
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

    /** " (line N)" where the YAML loader recorded the line of a value. */
    private static String line(Origin origin) {
        for (Origin each = origin; each != null; each = each.getParent()) {
            if (each instanceof PropertySourceOrigin fromSource) {
                each = fromSource.getOrigin();
            }
            if (each instanceof TextResourceOrigin text && text.getLocation() != null) {
                return " (line " + (text.getLocation().getLine() + 1) + ")";
            }
        }
        return "";
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

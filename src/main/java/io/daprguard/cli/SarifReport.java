package io.daprguard.cli;

import io.daprguard.policy.Policy;
import io.daprguard.rules.Action;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import tools.jackson.core.JsonGenerator;

/**
 * The report for code scanning ({@code --output sarif}): a SARIF 2.1.0 log with one run of the tool
 * {@code dapr-guard}, as GitHub code scanning reads it.
 *
 * <ul>
 *   <li>{@code tool.driver.rules}: one reportingDescriptor per rule, Helm values check and {@code skip} (the
 *       {@code daprguard.io/skip} annotations), with a short description, help text that says how to fix a
 *       finding, and the level this run gives it ({@code error} for deny, {@code warning} for warn, {@code none}
 *       and disabled for off).
 *   <li>{@code results}: one per finding, level {@code error} (deny) or {@code warning} (warn; in audit mode
 *       every finding), located at the line of the annotation or field the finding names, else at the object's
 *       line. The object is the result's logical location; when the two lines differ, the object's line is a
 *       related location. The message starts with the object ({@code Deployment shop/orders: ...}).
 *   <li>{@code invocations[0]}: the exit code (the same as with any other format), {@code executionSuccessful}
 *       false when an input could not be read or checked, and each such input as a tool execution notification
 *       (level {@code error}, with its file and line), never a crash.
 * </ul>
 *
 * <p>File names become relative URIs as given ({@code examples/orders.yaml}; {@code ./} dropped), so paths
 * relative to the repository root line up with the pull request; absolute paths become {@code file:} URIs.
 * Standard input has no URI, only the description {@code standard input}.
 */
final class SarifReport {

    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    static final String TOOL = "dapr-guard";
    /** The descriptor of engine findings that belong to no rule: the {@code daprguard.io/skip} annotations. */
    static final String SKIP = "skip";

    private static final Properties HELP = help();

    private SarifReport() {}

    /** One rule as a reportingDescriptor: id, level in this run, summary and fix. */
    record Descriptor(String id, String level, String summary, String help) {}

    static String render(CheckReport report, Policy policy, String version) {
        List<Descriptor> descriptors = descriptors(policy);
        Map<String, Integer> index = new LinkedHashMap<>();
        descriptors.forEach(descriptor -> index.put(descriptor.id(), index.size()));
        return JsonReport.pretty(json -> {
            json.writeStartObject();
            json.writeStringProperty("$schema", SCHEMA);
            json.writeStringProperty("version", "2.1.0");
            json.writeArrayPropertyStart("runs");
            json.writeStartObject();
            tool(json, version, descriptors);
            invocation(json, report);
            json.writeArrayPropertyStart("results");
            for (FileReport file : report.files()) {
                for (ObjectReport object : file.objects()) {
                    for (Finding finding : object.findings()) {
                        String id = finding.rule() == null ? SKIP : finding.rule();
                        result(json, file.file(), object, finding, id, index.getOrDefault(id, -1));
                    }
                }
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** Every rule in engine order, then the Helm values checks, then {@value #SKIP}. */
    static List<Descriptor> descriptors(Policy policy) {
        List<Descriptor> descriptors = new ArrayList<>();
        for (Rule rule : Rules.all()) {
            descriptors.add(descriptor(rule.id(), level(policy.action(rule.id()))));
        }
        for (String id : DaprValuesLint.IDS) {
            descriptors.add(descriptor(id, DaprValuesLint.MTLS.equals(id) ? "error" : "warning"));
        }
        descriptors.add(descriptor(SKIP, "warning"));
        return descriptors;
    }

    private static Descriptor descriptor(String id, String level) {
        String summary = HELP.getProperty(id + ".summary");
        String help = HELP.getProperty(id + ".help");
        if (summary == null || help == null) {
            throw new IllegalStateException("rule-help.properties has no summary or help for " + id);
        }
        return new Descriptor(id, level, summary, help);
    }

    private static String level(Action action) {
        return switch (action) {
            case DENY -> "error";
            case WARN -> "warning";
            case OFF -> "none";
        };
    }

    private static void tool(JsonGenerator json, String version, List<Descriptor> descriptors) {
        json.writeObjectPropertyStart("tool");
        json.writeObjectPropertyStart("driver");
        json.writeStringProperty("name", TOOL);
        json.writeStringProperty("version", version);
        json.writeArrayPropertyStart("rules");
        for (Descriptor descriptor : descriptors) {
            json.writeStartObject();
            json.writeStringProperty("id", descriptor.id());
            json.writeStringProperty("name", pascal(descriptor.id()));
            json.writeObjectPropertyStart("shortDescription");
            json.writeStringProperty("text", descriptor.summary());
            json.writeEndObject();
            json.writeObjectPropertyStart("help");
            json.writeStringProperty("text", descriptor.help());
            json.writeEndObject();
            json.writeObjectPropertyStart("defaultConfiguration");
            if ("none".equals(descriptor.level())) {
                json.writeBooleanProperty("enabled", false);
            }
            json.writeStringProperty("level", descriptor.level());
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void invocation(JsonGenerator json, CheckReport report) {
        int exitCode = report.exitCode();
        json.writeArrayPropertyStart("invocations");
        json.writeStartObject();
        json.writeBooleanProperty("executionSuccessful", exitCode != CheckReport.INCOMPLETE);
        json.writeNumberProperty("exitCode", exitCode);
        json.writeArrayPropertyStart("toolExecutionNotifications");
        for (FileReport file : report.files()) {
            for (InputError error : file.errors()) {
                json.writeStartObject();
                json.writeStringProperty("level", "error");
                message(json, error.message());
                json.writeArrayPropertyStart("locations");
                json.writeStartObject();
                physicalLocation(json, file.file(), error.line());
                json.writeEndObject();
                json.writeEndArray();
                json.writeEndObject();
            }
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndArray();
    }

    private static void result(
            JsonGenerator json, String file, ObjectReport object, Finding finding, String id, int ruleIndex) {
        json.writeStartObject();
        json.writeStringProperty("ruleId", id);
        if (ruleIndex >= 0) {
            json.writeNumberProperty("ruleIndex", ruleIndex);
        }
        json.writeStringProperty("level", finding.level() == Finding.Level.DENY ? "error" : "warning");
        message(json, object.label() + ": " + finding.message());
        int line = finding.line() != null ? finding.line() : object.line();
        json.writeArrayPropertyStart("locations");
        json.writeStartObject();
        physicalLocation(json, file, line);
        json.writeArrayPropertyStart("logicalLocations");
        json.writeStartObject();
        json.writeStringProperty("name", object.name().isEmpty() ? "(no name)" : object.name());
        json.writeStringProperty("fullyQualifiedName", object.label());
        json.writeStringProperty("kind", "resource");
        json.writeEndObject();
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndArray();
        if (line != object.line()) {
            json.writeArrayPropertyStart("relatedLocations");
            json.writeStartObject();
            json.writeNumberProperty("id", 1);
            physicalLocation(json, file, object.line());
            message(json, object.label());
            json.writeEndObject();
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    private static void message(JsonGenerator json, String text) {
        json.writeObjectPropertyStart("message");
        json.writeStringProperty("text", text);
        json.writeEndObject();
    }

    private static void physicalLocation(JsonGenerator json, String file, Integer line) {
        json.writeObjectPropertyStart("physicalLocation");
        json.writeObjectPropertyStart("artifactLocation");
        if (ManifestReader.STDIN.equals(file)) {
            json.writeObjectPropertyStart("description");
            json.writeStringProperty("text", "standard input");
            json.writeEndObject();
        } else {
            json.writeStringProperty("uri", uri(file));
        }
        json.writeEndObject();
        if (line != null) {
            json.writeObjectPropertyStart("region");
            json.writeNumberProperty("startLine", line);
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    /** A file name as given, as a URI reference: relative stays relative (forward slashes), absolute is file:. */
    static String uri(String file) {
        Path path = Path.of(file);
        if (path.isAbsolute()) {
            return path.toUri().toString();
        }
        String slashes = file.replace('\\', '/');
        try {
            String relative = new URI(null, null, slashes, null).normalize().toASCIIString();
            return relative.startsWith("./") ? relative.substring(2) : relative;
        } catch (URISyntaxException e) {
            return path.toUri().toString();
        }
    }

    /** {@code sidecar-resources} as {@code SidecarResources}. */
    private static String pascal(String id) {
        StringBuilder name = new StringBuilder();
        for (String part : id.split("-")) {
            if (!part.isEmpty()) {
                name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return name.toString();
    }

    private static Properties help() {
        Properties properties = new Properties();
        try (InputStream in = SarifReport.class.getResourceAsStream("rule-help.properties")) {
            if (in == null) {
                throw new IllegalStateException("rule-help.properties is missing from the jar");
            }
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}

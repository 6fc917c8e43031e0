package io.daprguard.cli;

import java.io.StringWriter;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;

/**
 * The report for tools ({@code --output json}). Its shape is stable: fields appear in this order, arrays are
 * always present (possibly empty), and new fields, if any, are only ever added.
 *
 * <pre>
 * {
 *   "files": [
 *     {
 *       "file": "deploy/orders.yaml",          // as given; "&lt;stdin&gt;" for -
 *       "objects": [
 *         {
 *           "apiVersion": "apps/v1",
 *           "kind": "Deployment",
 *           "namespace": "shop",                 // metadata.namespace, else --namespace (default "default")
 *           "name": "orders",                    // metadata.name, else generateName, else ""
 *           "line": 12,                          // 1-based line the object starts at; null with --cluster
 *           "reviewed": true,                    // false: the engine does not look at this object
 *           "denied": true,                      // at least one finding has level deny
 *           "findings": [
 *             {"rule": "sidecar-resources", "level": "deny", "message": "dapr.io/sidecar-memory-limit ..."}
 *           ],                                   // rule is null for a warning of no rule; deny first
 *           "mutations": [
 *             {"rule": "sidecar-seccomp", "change": "add dapr.io/sidecar-seccomp-profile-type: RuntimeDefault"}
 *           ]
 *         }
 *       ],
 *       "errors": [
 *         {"line": 40, "message": "mapping values are not allowed here"}   // line null: the whole file
 *       ]
 *     }
 *   ],
 *   "summary": {"objects": 3, "denied": 1, "warnings": 1, "notReviewed": 1, "errors": 1}
 * }
 * </pre>
 *
 * <p>{@code message} is the webhook's text without its {@code [rule-id]} prefix; in audit mode denials are
 * {@code warn} findings whose message starts with {@code would deny: }. {@code summary.warnings} counts objects
 * with at least one warning. A {@code --dapr-values} file is one object with apiVersion {@code ""}, kind
 * {@code HelmValues}, namespace {@code ""} and name {@code dapr}. With {@code --cluster} there is one "file", named
 * {@code cluster ...} after the API server, whose objects are those the audit judged (pods through their top-level
 * owner) and whose errors say why the cluster could not be read completely.
 */
final class JsonReport {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"));

    /** Pretty-printed output straight from a generator: no ObjectMapper to start for a short run. */
    private static final class Pretty extends ObjectWriteContext.Base {

        @Override
        public PrettyPrinter getPrettyPrinter() {
            return PRETTY.createInstance();
        }

        @Override
        public boolean hasPrettyPrinter() {
            return true;
        }
    }

    private JsonReport() {}

    static String render(CheckReport report) {
        return pretty(json -> write(report, json));
    }

    /** What {@code body} writes, pretty-printed (two-space indent), ending with a newline. */
    static String pretty(Consumer<JsonGenerator> body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(new Pretty(), out)) {
            body.accept(json);
        }
        return out + "\n";
    }

    private static void write(CheckReport report, JsonGenerator json) {
        json.writeStartObject();
        json.writeArrayPropertyStart("files");
        for (FileReport file : report.files()) {
            json.writeStartObject();
            json.writeStringProperty("file", file.file());
            json.writeArrayPropertyStart("objects");
            for (ObjectReport object : file.objects()) {
                object(object, json);
            }
            json.writeEndArray();
            json.writeArrayPropertyStart("errors");
            for (InputError error : file.errors()) {
                json.writeStartObject();
                if (error.line() == null) {
                    json.writeNullProperty("line");
                } else {
                    json.writeNumberProperty("line", error.line());
                }
                json.writeStringProperty("message", error.message());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        CheckReport.Summary summary = report.summary();
        json.writeObjectPropertyStart("summary");
        json.writeNumberProperty("objects", summary.objects());
        json.writeNumberProperty("denied", summary.denied());
        json.writeNumberProperty("warnings", summary.warnings());
        json.writeNumberProperty("notReviewed", summary.notReviewed());
        json.writeNumberProperty("errors", summary.errors());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void object(ObjectReport object, JsonGenerator json) {
        json.writeStartObject();
        json.writeStringProperty("apiVersion", object.apiVersion());
        json.writeStringProperty("kind", object.kind());
        json.writeStringProperty("namespace", object.namespace());
        json.writeStringProperty("name", object.name());
        if (object.line() <= 0) {
            json.writeNullProperty("line");
        } else {
            json.writeNumberProperty("line", object.line());
        }
        json.writeBooleanProperty("reviewed", object.reviewed());
        json.writeBooleanProperty("denied", object.denied());
        json.writeArrayPropertyStart("findings");
        for (Finding finding : object.findings()) {
            json.writeStartObject();
            json.writeStringProperty("rule", finding.rule());
            json.writeStringProperty("level", finding.level().jsonName());
            json.writeStringProperty("message", finding.message());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayPropertyStart("mutations");
        for (Change change : object.mutations()) {
            json.writeStartObject();
            json.writeStringProperty("rule", change.rule());
            json.writeStringProperty("change", change.change());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }
}

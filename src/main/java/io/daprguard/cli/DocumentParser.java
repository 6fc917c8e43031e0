package io.daprguard.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;

/**
 * Turns YAML or JSON text into documents, each with the line it starts at.
 *
 * <p>YAML is split at its document markers ({@code ---} at the start of a line, which YAML forbids inside
 * content) before it is parsed, so a syntax error in one document is reported with its line and the documents
 * after it are still read. Anchors and aliases (also {@code <<} merge keys) are resolved; duplicate keys are an
 * error (which of the values would count is not certain). Empty documents (a bare {@code ---}, only comments) are skipped. Scalars follow
 * YAML 1.2: unquoted {@code yes}/{@code on} are strings, not booleans.
 *
 * <p>JSON is read strictly (duplicate keys are an error); several top-level values in one file are several
 * documents.
 */
final class DocumentParser {

    /** How to read a text. */
    enum Format {
        YAML,
        JSON,
        /** JSON when the text starts with a brace or a bracket and parses as JSON, YAML otherwise. */
        AUTO
    }

    /**
     * One top-level value.
     *
     * @param line the 1-based line its first token is on
     * @param source the {@code # Source: ...} comment of its YAML document ({@code helm template}), or null
     * @param node the value
     * @param itemLines for an object with an {@code items} array (a {@code List}): the line of each item
     * @param lines the line of every field of the value
     */
    record Document(int line, String source, JsonNode node, List<Integer> itemLines, SourceLines lines) {

        Document {
            itemLines = List.copyOf(itemLines);
        }
    }

    /** The documents that could be read, and the syntax errors, both in text order. */
    record Result(List<Document> documents, List<InputError> errors) {

        Result {
            documents = List.copyOf(documents);
            errors = List.copyOf(errors);
        }
    }

    private static final Pattern DOCUMENT_MARKER = Pattern.compile("---(?:[ \\t].*)?");
    private static final Pattern SOURCE_COMMENT = Pattern.compile("#\\s*Source:\\s*(\\S.*?)\\s*");
    private static final Pattern YAML_MARK = Pattern.compile("(?m)^ in reader, line (\\d+), column \\d+:$");
    private static final int MAX_MESSAGE = 240;

    /*
     * Parsers only, no ObjectMapper: the trees are built from the token stream, which keeps a short run from
     * paying for a mapper's start-up.
     */
    private static final TokenStreamFactory YAML = YAMLAnchorReplayingFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final TokenStreamFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DocumentParser() {}

    static Result parse(String text, Format format) {
        String content = text.startsWith("\uFEFF") ? text.substring(1) : text;
        return switch (format) {
            case YAML -> parseYaml(content);
            case JSON -> parseJson(content);
            case AUTO -> parseAuto(content);
        };
    }

    private static Result parseAuto(String text) {
        String start = text.stripLeading();
        if (!start.startsWith("{") && !start.startsWith("[")) {
            return parseYaml(text);
        }
        Result json = parseJson(text);
        if (json.errors().isEmpty()) {
            return json;
        }
        Result yaml = parseYaml(text);
        return yaml.errors().isEmpty() ? yaml : json;
    }

    private static Result parseJson(String text) {
        List<Document> documents = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        read(JSON, text, 0, null, documents, errors);
        return new Result(documents, errors);
    }

    private static Result parseYaml(String text) {
        List<Document> documents = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        for (Chunk chunk : chunks(text)) {
            read(YAML, chunk.text(), chunk.firstLine() - 1, chunk.source(), documents, errors);
        }
        return new Result(documents, errors);
    }

    /**
     * Reads every top-level value of {@code text}; stops at the first syntax error.
     *
     * @param lineOffset added to the parser's line numbers (the chunk's position in the file)
     */
    private static void read(
            TokenStreamFactory factory, String text, int lineOffset, String source, List<Document> documents,
            List<InputError> errors) {
        int lastLine = lineOffset + 1;
        try (JsonParser parser = factory.createParser(ObjectReadContext.empty(), text)) {
            while (parser.nextToken() != null) {
                lastLine = line(parser.currentTokenLocation(), lineOffset, lastLine);
                Document document = readDocument(parser, lastLine, lineOffset, source);
                if (!isEmpty(document.node())) {
                    documents.add(document);
                }
            }
        } catch (JacksonException e) {
            errors.add(InputError.at(errorLine(e, lineOffset, lastLine), describe(e)));
        }
    }

    /**
     * The line of a syntax error. YAML errors carry their own marks ("in reader, line 2, column 5"): the problem's
     * (the last one), or, when the problem is the end of the input, the construct left open (the first one).
     */
    private static int errorLine(JacksonException e, int lineOffset, int fallback) {
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        List<Integer> marks = new ArrayList<>();
        Matcher matcher = YAML_MARK.matcher(message);
        while (matcher.find()) {
            marks.add(Integer.parseInt(matcher.group(1)));
        }
        if (marks.isEmpty()) {
            return line(e.getLocation(), lineOffset, fallback);
        }
        boolean atEnd = message.contains("end of stream") || message.contains("<stream end>");
        return (atEnd ? marks.get(0) : marks.get(marks.size() - 1)) + lineOffset;
    }

    /**
     * Reads the value at the current token, with the line of every field; records the lines of a top-level
     * {@code items} array's elements.
     */
    private static Document readDocument(JsonParser parser, int line, int lineOffset, String source) {
        Map<String, Integer> lines = new HashMap<>();
        Lines at = new Lines(lines, lineOffset, line);
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return new Document(line, source, value(parser, "", at), List.of(), new SourceLines(lines, ""));
        }
        ObjectNode object = NODES.objectNode();
        List<Integer> itemLines = List.of();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            String pointer = "/" + SourceLines.token(name);
            at.record(parser, pointer);
            JsonToken token = parser.nextToken();
            if ("items".equals(name) && token == JsonToken.START_ARRAY) {
                ArrayNode items = NODES.arrayNode();
                List<Integer> found = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    found.add(at.record(parser, pointer + "/" + items.size()));
                    items.add(value(parser, pointer + "/" + items.size(), at));
                }
                object.set(name, items);
                itemLines = found;
            } else {
                object.set(name, value(parser, pointer, at));
            }
        }
        return new Document(line, source, object, itemLines, new SourceLines(lines, ""));
    }

    /** Records the line of the current token as the line of the field at a pointer. */
    private record Lines(Map<String, Integer> byPointer, int lineOffset, int fallback) {

        int record(JsonParser parser, String pointer) {
            int line = line(parser.currentTokenLocation(), lineOffset, fallback);
            byPointer.put(pointer, line);
            return line;
        }
    }

    /**
     * The tree of the value at the current token, which sits at {@code pointer}, recording the line of each field
     * below it (nesting is bounded by the parser's constraints).
     */
    private static JsonNode value(JsonParser parser, String pointer, Lines at) {
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    String child = pointer + "/" + SourceLines.token(name);
                    at.record(parser, child);
                    parser.nextToken();
                    object.set(name, value(parser, child, at));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    String child = pointer + "/" + array.size();
                    at.record(parser, child);
                    array.add(value(parser, child, at));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.stringNode(parser.getString());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> parser.getEmbeddedObject() instanceof byte[] bytes
                    ? NODES.binaryNode(bytes) : NODES.stringNode(parser.getString());
            default -> throw new IllegalStateException("unexpected token " + token + " at the start of a value");
        };
    }

    /** A bare {@code ---} or a document of only comments reads as null or an empty string. */
    private static boolean isEmpty(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode()
                || (node.isString() && node.stringValue().isEmpty());
    }

    private static int line(TokenStreamLocation location, int lineOffset, int fallback) {
        return location == null || location.getLineNr() < 1 ? fallback : location.getLineNr() + lineOffset;
    }

    /**
     * The parser's message on one line: YAML errors come as "problem, in reader, line, column, snippet, caret"
     * blocks, of which only the unindented lines say what is wrong.
     */
    static String describe(JacksonException e) {
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        List<String> parts = new ArrayList<>();
        for (String line : original.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        String message = parts.isEmpty() ? original.strip() : String.join(": ", parts);
        message = message
                .replaceAll(", from `[^`]*`", "")
                .replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)]", "line $1, column $2")
                .replaceFirst("^Duplicate Object property \"(.*)\"$", "duplicate key \"$1\"")
                .replaceAll("\\s+", " ");
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
    }

    /** A piece of a YAML stream that holds one document (or, after a {@code ...} end marker, a bare one). */
    private record Chunk(int firstLine, String text, String source) {}

    /**
     * Splits a YAML stream at document markers. A {@code ---} only starts a new chunk when the current one already
     * has content or a marker, so comments and directives stay with the document they precede.
     */
    private static List<Chunk> chunks(String text) {
        List<Chunk> chunks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        StringBuilder current = new StringBuilder();
        int firstLine = 1;
        boolean content = false;
        boolean marker = false;
        boolean ended = false;
        String source = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            boolean isMarker = DOCUMENT_MARKER.matcher(line).matches();
            boolean significant = !line.isBlank() && !line.startsWith("#");
            if ((isMarker && (content || marker)) || (ended && significant && !isMarker)) {
                chunks.add(new Chunk(firstLine, current.toString(), source));
                current.setLength(0);
                firstLine = i + 1;
                content = false;
                marker = false;
                ended = false;
                source = null;
            }
            if (isMarker) {
                marker = true;
                String rest = line.substring(3).strip();
                content |= !rest.isEmpty() && !rest.startsWith("#");
            } else if (line.equals("...") || line.startsWith("... ")) {
                ended = content;
            } else if (significant && !line.startsWith("%")) {
                content = true;
            } else if (!content && source == null) {
                Matcher matcher = SOURCE_COMMENT.matcher(line);
                if (matcher.matches()) {
                    source = matcher.group(1);
                }
            }
            current.append(lines[i]).append('\n');
        }
        chunks.add(new Chunk(firstLine, current.toString(), source));
        return chunks;
    }
}

package io.daprguard.cli;

import io.daprguard.cli.DocumentParser.Document;
import io.daprguard.cli.DocumentParser.Format;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the inputs of a run: files, directories (searched recursively for {@code *.yaml}, {@code *.yml} and
 * {@code *.json}, in sorted order, skipping hidden files and directories) and {@code -} for standard input (reported as
 * {@value #STDIN}), and finds the Kubernetes objects in them. {@code List} objects ({@code kind: List}, and
 * {@code *List} kinds with {@code items}) are expanded into their items.
 *
 * <p>Anything that is not a Kubernetes object is an {@link InputError}, never skipped silently: a document
 * without {@code apiVersion} and {@code kind}, a scalar or sequence document, a syntax error, a path that does not
 * exist, a directory with no manifests.
 */
final class ManifestReader {

    /** The name standard input is reported under. */
    static final String STDIN = "<stdin>";

    /**
     * One Kubernetes object found in an input.
     *
     * @param line the 1-based line it starts at
     * @param source the {@code # Source:} comment of its document, or null
     * @param lines where its fields are in the file
     */
    record KubeObject(int line, String source, String apiVersion, String kind, ObjectNode node, SourceLines lines) {}

    /** What one input holds: its objects and what could not be read. */
    record Manifest(String file, List<KubeObject> objects, List<InputError> errors) {

        Manifest {
            objects = List.copyOf(objects);
            errors = List.copyOf(errors);
        }
    }

    private final InputStream stdin;

    ManifestReader(InputStream stdin) {
        this.stdin = stdin;
    }

    /** Reads every path in order; a directory yields one manifest per file found in it. */
    List<Manifest> read(List<String> paths) {
        List<Manifest> manifests = new ArrayList<>();
        for (String path : paths) {
            if ("-".equals(path)) {
                manifests.add(readStdin());
                continue;
            }
            Path file = Path.of(path);
            if (Files.isDirectory(file)) {
                List<Path> found = findManifests(file);
                if (found.isEmpty()) {
                    manifests.add(failed(path, "no .yaml, .yml or .json files in this directory"));
                }
                found.forEach(each -> manifests.add(readFile(each.toString(), each)));
            } else {
                manifests.add(readFile(path, file));
            }
        }
        return manifests;
    }

    private Manifest readStdin() {
        try {
            return parse(STDIN, decode(stdin.readAllBytes()), Format.AUTO);
        } catch (CharacterCodingException e) {
            return failed(STDIN, "not UTF-8 text");
        } catch (IOException e) {
            return failed(STDIN, "cannot read: " + e.getMessage());
        }
    }

    private static Manifest readFile(String name, Path file) {
        if (!Files.exists(file)) {
            return failed(name, "no such file or directory");
        }
        try {
            String text = decode(Files.readAllBytes(file));
            return parse(name, text, name.toLowerCase(Locale.ROOT).endsWith(".json") ? Format.JSON : Format.AUTO);
        } catch (CharacterCodingException e) {
            return failed(name, "not UTF-8 text");
        } catch (AccessDeniedException e) {
            return failed(name, "permission denied");
        } catch (NoSuchFileException e) {
            return failed(name, "no such file or directory");
        } catch (IOException e) {
            return failed(name, "cannot read: " + e.getMessage());
        }
    }

    /** Finds the Kubernetes objects in a text that came from {@code file}. */
    static Manifest parse(String file, String text, Format format) {
        DocumentParser.Result parsed = DocumentParser.parse(text, format);
        List<KubeObject> objects = new ArrayList<>();
        List<InputError> errors = new ArrayList<>(parsed.errors());
        for (Document document : parsed.documents()) {
            collect(document.node(), document.line(), document.source(), document.itemLines(), document.lines(),
                    objects, errors);
        }
        errors.sort(Comparator.comparing(InputError::line, Comparator.nullsFirst(Comparator.naturalOrder())));
        return new Manifest(file, objects, errors);
    }

    private static void collect(
            JsonNode node, int line, String source, List<Integer> itemLines, SourceLines lines,
            List<KubeObject> objects, List<InputError> errors) {
        if (!(node instanceof ObjectNode object)) {
            errors.add(InputError.at(line, "not a Kubernetes object: the document is " + describe(node)
                    + ", not a mapping with apiVersion and kind"));
            return;
        }
        String apiVersion = text(object, "apiVersion");
        String kind = text(object, "kind");
        if (apiVersion == null || kind == null) {
            errors.add(InputError.at(line, "not a Kubernetes object: it has no " + (apiVersion == null && kind == null
                    ? "apiVersion and no kind" : apiVersion == null ? "apiVersion" : "kind")));
            return;
        }
        JsonNode items = object.get("items");
        boolean list = "List".equals(kind) || (kind.endsWith("List") && items != null && items.isArray());
        if (!list) {
            objects.add(new KubeObject(line, source, apiVersion, kind, object, lines));
            return;
        }
        if (items == null || items.isNull()) {
            return;
        }
        if (!items.isArray()) {
            errors.add(InputError.at(line, kind + " has items that are not a list"));
            return;
        }
        String itemKind = "List".equals(kind) ? null : kind.substring(0, kind.length() - "List".length());
        for (int i = 0; i < items.size(); i++) {
            int itemLine = i < itemLines.size() ? itemLines.get(i) : line;
            JsonNode item = items.get(i);
            if (itemKind != null && item instanceof ObjectNode typed
                    && text(typed, "apiVersion") == null && text(typed, "kind") == null) {
                // A typed list (DeploymentList) as the API returns it: the items leave out apiVersion and kind.
                objects.add(new KubeObject(itemLine, source, apiVersion, itemKind, typed, lines.under("/items/" + i)));
            } else {
                collect(item, itemLine, source, List.of(), lines.under("/items/" + i), objects, errors);
            }
        }
    }

    private static String text(ObjectNode object, String field) {
        JsonNode value = object.get(field);
        return value != null && value.isString() && !value.stringValue().isBlank() ? value.stringValue() : null;
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) {
            return "a sequence";
        }
        if (node.isString()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static Manifest failed(String file, String message) {
        return new Manifest(file, List.of(), List.of(InputError.file(message)));
    }

    /** Strict UTF-8: a file in another encoding is an error, not a page of replacement characters. */
    static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
    }

    /** The manifest files under {@code dir}, sorted by path, without hidden files and directories ({@code .git}). */
    static List<Path> findManifests(Path dir) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path path, BasicFileAttributes attributes) {
                    boolean skip = !path.equals(dir) && isHidden(path);
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path path, BasicFileAttributes attributes) {
                    if (isManifest(path) && !isHidden(path) && Files.isRegularFile(path)) {
                        found.add(path);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path path, IOException e) {
                    // An unreadable entry is read (and reported) like any other file.
                    if (isManifest(path) && !isHidden(path)) {
                        found.add(path);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparing(Path::toString));
        return found;
    }

    private static boolean isHidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }

    private static boolean isManifest(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
    }
}

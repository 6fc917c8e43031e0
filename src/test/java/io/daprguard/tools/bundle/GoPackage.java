package io.daprguard.tools.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The non-test Go files of one package directory, read the little that the bundle generator needs: the declared
 * package name, the imports, the struct fields with {@code mapstructure} tags, the string constants, and the string
 * arguments of calls. Comments are blanked first (keeping line numbers), so commented-out code is never read. Not a
 * Go parser: it reads gofmt-formatted code of the shapes components-contrib and dapr/dapr use.
 */
final class GoPackage {

    /** A struct field's metadata tag: the {@code mapstructure} name and its {@code mapstructurealiases}. */
    record TaggedField(String file, int line, String field, String name, List<String> aliases) {}

    /** A Go file: its path relative to the repository and its text with comments blanked. */
    record GoFile(String path, String code) {

        int lineOf(int offset) {
            int line = 1;
            for (int i = 0; i < offset && i < code.length(); i++) {
                if (code.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }
    }

    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+(\\w+)");
    private static final Pattern IMPORT_BLOCK = Pattern.compile("(?s)\\bimport\\s*\\((.*?)\\)");
    private static final Pattern IMPORT_LINE = Pattern.compile("(?m)^\\s*(?:import\\s+)?([\\w.]+\\s+)?\"([^\"]+)\"");
    private static final Pattern SINGLE_IMPORT = Pattern.compile("(?m)^import\\s+([\\w.]+\\s+)?\"([^\"]+)\"");
    private static final Pattern TAGGED_FIELD = Pattern.compile("(?m)^[ \\t]*(\\w*)[ \\t]*[^\\n`]*`([^`\\n]*)`");
    private static final Pattern TAG = Pattern.compile("(\\w+):\"([^\"]*)\"");
    private static final Pattern STRING_CONST = Pattern.compile("(?m)^\\s*(?:const\\s+)?(\\w+)\\s*(?:string\\s*)?=\\s*\"([^\"]*)\"\\s*$");

    private final Path dir;
    private final String relative;
    private final List<GoFile> files;

    private GoPackage(Path dir, String relative, List<GoFile> files) {
        this.dir = dir;
        this.relative = relative;
        this.files = files;
    }

    /** Reads the package in {@code root/relative}; empty when the directory has no non-test Go file. */
    static GoPackage read(Path root, String relative) {
        Path dir = root.resolve(relative);
        List<GoFile> files = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path file : list.sorted().toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".go") && !name.endsWith("_test.go") && Files.isRegularFile(file)) {
                        files.add(new GoFile(root.relativize(file).toString().replace('\\', '/'),
                                withoutComments(Files.readString(file))));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new GoPackage(dir, relative, List.copyOf(files));
    }

    String relative() {
        return relative;
    }

    boolean isEmpty() {
        return files.isEmpty();
    }

    List<GoFile> files() {
        return files;
    }

    /** The name in the {@code package} clause (the identifier an import without an alias gets). */
    String name() {
        for (GoFile file : files) {
            Matcher m = PACKAGE.matcher(file.code());
            if (m.find()) {
                return m.group(1);
            }
        }
        return dir.getFileName().toString();
    }

    /** Import paths of one file, by the identifier they are used with ({@code null} key: no alias given). */
    static Map<String, String> imports(GoFile file, java.util.function.Function<String, String> nameOf) {
        Map<String, String> imports = new LinkedHashMap<>();
        List<String> blocks = new ArrayList<>();
        Matcher block = IMPORT_BLOCK.matcher(file.code());
        while (block.find()) {
            blocks.add(block.group(1));
        }
        Matcher single = SINGLE_IMPORT.matcher(file.code());
        while (single.find()) {
            blocks.add(single.group(0));
        }
        for (String text : blocks) {
            Matcher line = IMPORT_LINE.matcher(text);
            while (line.find()) {
                String alias = line.group(1) == null ? null : line.group(1).trim();
                String path = line.group(2);
                if ("_".equals(alias) || ".".equals(alias)) {
                    continue;
                }
                imports.put(alias != null ? alias : nameOf.apply(path), path);
            }
        }
        return imports;
    }

    /** Every import path of the package. */
    List<String> importPaths() {
        List<String> paths = new ArrayList<>();
        for (GoFile file : files) {
            for (String path : imports(file, p -> p).values()) {
                if (!paths.contains(path)) {
                    paths.add(path);
                }
            }
        }
        return paths;
    }

    /** The struct fields that carry a {@code mapstructure} name (not {@code -} or {@code ,squash}). */
    List<TaggedField> taggedFields() {
        List<TaggedField> fields = new ArrayList<>();
        for (GoFile file : files) {
            Matcher m = TAGGED_FIELD.matcher(file.code());
            while (m.find()) {
                Map<String, String> tags = new LinkedHashMap<>();
                Matcher tag = TAG.matcher(m.group(2));
                while (tag.find()) {
                    tags.put(tag.group(1), tag.group(2));
                }
                String name = tags.getOrDefault("mapstructure", "");
                int comma = name.indexOf(',');
                name = comma < 0 ? name : name.substring(0, comma);
                if (name.isEmpty() || name.equals("-")) {
                    continue;
                }
                List<String> aliases = new ArrayList<>();
                for (String alias : tags.getOrDefault("mapstructurealiases", "").split(",")) {
                    if (!alias.isBlank()) {
                        aliases.add(alias.trim());
                    }
                }
                fields.add(new TaggedField(file.path(), file.lineOf(m.start()), m.group(1), name, List.copyOf(aliases)));
            }
        }
        return fields;
    }

    /** String constants and variables assigned a literal ({@code name = "value"}), by name. */
    Map<String, String> stringConstants() {
        Map<String, String> constants = new LinkedHashMap<>();
        for (GoFile file : files) {
            Matcher m = STRING_CONST.matcher(file.code());
            while (m.find()) {
                constants.putIfAbsent(m.group(1), m.group(2));
            }
        }
        return constants;
    }

    /**
     * The argument lists (top-level arguments, as source text) of every call of {@code function} in the package,
     * with the file and line of the call.
     */
    List<Call> calls(String function) {
        List<Call> calls = new ArrayList<>();
        Pattern start = Pattern.compile("\\b" + Pattern.quote(function) + "\\(");
        for (GoFile file : files) {
            Matcher m = start.matcher(file.code());
            while (m.find()) {
                List<String> arguments = arguments(file.code(), m.end());
                if (arguments != null) {
                    calls.add(new Call(file.path(), file.lineOf(m.start()), arguments));
                }
            }
        }
        return calls;
    }

    /** A call's place and its top-level arguments as source text. */
    record Call(String file, int line, List<String> arguments) {}

    /** The top-level arguments of the call whose {@code (} ends just before {@code from}; null if unbalanced. */
    static List<String> arguments(String code, int from) {
        List<String> arguments = new ArrayList<>();
        int depth = 0;
        int begin = from;
        for (int i = from; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '"' || c == '`' || c == '\'') {
                i = endOfLiteral(code, i);
                continue;
            }
            if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                if (depth == 0) {
                    String last = code.substring(begin, i).trim();
                    if (!last.isEmpty()) {
                        arguments.add(last);
                    }
                    return arguments;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                arguments.add(code.substring(begin, i).trim());
                begin = i + 1;
            }
        }
        return null;
    }

    /** The index of the closing quote of the literal that opens at {@code i}. */
    private static int endOfLiteral(String code, int i) {
        char quote = code.charAt(i);
        for (int j = i + 1; j < code.length(); j++) {
            char c = code.charAt(j);
            if (c == '\\' && quote != '`') {
                j++;
            } else if (c == quote) {
                return j;
            }
        }
        return code.length();
    }

    /** The text with every comment replaced by spaces (newlines kept), string and rune literals untouched. */
    static String withoutComments(String code) {
        StringBuilder out = new StringBuilder(code);
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            if (c == '"' || c == '`' || c == '\'') {
                i = endOfLiteral(code, i) + 1;
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                while (i < code.length() && code.charAt(i) != '\n') {
                    out.setCharAt(i++, ' ');
                }
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                end = end < 0 ? code.length() : end + 2;
                for (; i < end; i++) {
                    if (code.charAt(i) != '\n') {
                        out.setCharAt(i, ' ');
                    }
                }
            } else {
                i++;
            }
        }
        return out.toString();
    }

    /** The value of a Go string literal argument ({@code "x"} or {@code `x`}), or null for any other expression. */
    static String literal(String argument) {
        if (argument.length() >= 2 && (argument.startsWith("\"") && argument.endsWith("\"")
                || argument.startsWith("`") && argument.endsWith("`"))) {
            String body = argument.substring(1, argument.length() - 1);
            return body.contains("\"") ? null : body;
        }
        return null;
    }
}

package io.daprguard.tools.bundle;

import io.daprguard.tools.bundle.GoPackage.Call;
import io.daprguard.tools.bundle.GoPackage.GoFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The component types dapr/dapr's daprd registers ({@code cmd/daprd/components}, the files a build with the
 * {@code allcomponents} tag compiles, as the release images are built): each {@code spec.type} name, the version,
 * the components-contrib package that implements it, and for bindings whether it is an input or an output binding.
 */
final class Registrations {

    static final String CONTRIB = "github.com/dapr/components-contrib/";
    private static final String LOADERS = "github.com/dapr/dapr/pkg/components/";
    private static final Pattern REGISTER = Pattern.compile(
            "(\\w+)\\.DefaultRegistry\\.(RegisterComponent|RegisterInputBinding|RegisterOutputBinding"
                    + "|RegisterComponentWithVersions)\\(");
    private static final Pattern VERSIONED = Pattern.compile(
            "Version:\\s*\"(v\\d+)\",\\s*Constructor:\\s*([\\w.]+)");
    private static final Pattern BUILD = Pattern.compile("(?m)^//go:build (.+)$");
    private static final Pattern IDENTIFIER_USE = Pattern.compile("\\b([A-Za-z_]\\w*)\\.");

    /** One registered name: {@code spec.type}, version, contrib package directory, and where it is registered. */
    record Registration(String type, String version, String packageDir, String direction, String file) {}

    private Registrations() {}

    /** Every registration of the daprd checkout, in file-name order, then source order. */
    static List<Registration> read(Path dapr, Path contrib) {
        GoPackage components = GoPackage.read(dapr, "cmd/daprd/components");
        Map<String, String> packageNames = new HashMap<>();
        Function<String, String> nameOf = path -> packageNames.computeIfAbsent(path, p -> p.startsWith(CONTRIB)
                ? GoPackage.read(contrib, p.substring(CONTRIB.length())).name()
                : p.substring(p.lastIndexOf('/') + 1));
        List<Registration> registrations = new ArrayList<>();
        for (GoFile file : components.files()) {
            if (!builtWithAllComponents(dapr.resolve(file.path()))) {
                continue;
            }
            Map<String, String> imports = GoPackage.imports(file, nameOf);
            Matcher m = REGISTER.matcher(file.code());
            while (m.find()) {
                String loader = imports.get(m.group(1));
                if (loader == null || !loader.startsWith(LOADERS)) {
                    continue;
                }
                String kind = loader.substring(LOADERS.length()).replace('/', '.');
                List<String> args = GoPackage.arguments(file.code(), m.end());
                if (args == null || args.isEmpty()) {
                    throw new IllegalStateException("cannot read the registration at " + file.path() + ":"
                            + file.lineOf(m.start()));
                }
                String method = m.group(2);
                if (method.equals("RegisterComponentWithVersions")) {
                    String name = GoPackage.literal(args.get(0));
                    Matcher v = VERSIONED.matcher(String.join(",", args.subList(1, args.size())));
                    while (v.find()) {
                        String dir = contribPackage(v.group(2), imports);
                        if (dir != null) {
                            registrations.add(new Registration(kind + "." + name, v.group(1), dir, "", file.path()));
                        }
                    }
                    continue;
                }
                String dir = null;
                Matcher use = IDENTIFIER_USE.matcher(args.get(0));
                while (use.find() && dir == null) {
                    dir = contribPackage(use.group(1) + ".", imports);
                    if (dir != null && GoPackage.read(contrib, dir).isEmpty()) {
                        dir = null;
                    }
                }
                if (dir == null) {
                    continue;
                }
                String direction = switch (method) {
                    case "RegisterInputBinding" -> "input";
                    case "RegisterOutputBinding" -> "output";
                    default -> "";
                };
                for (String arg : args.subList(1, args.size())) {
                    String name = GoPackage.literal(arg);
                    if (name != null) {
                        registrations.add(new Registration(kind + "." + name, "v1", dir, direction, file.path()));
                    }
                }
            }
        }
        return List.copyOf(registrations);
    }

    /** The contrib directory of the package an expression such as {@code pgv2.New} uses; null if not contrib. */
    private static String contribPackage(String expression, Map<String, String> imports) {
        int dot = expression.indexOf('.');
        String path = dot < 0 ? null : imports.get(expression.substring(0, dot));
        if (path == null || !path.startsWith(CONTRIB)) {
            return null;
        }
        String dir = path.substring(CONTRIB.length());
        // the contrib packages that only hold interfaces and shared types are not component implementations
        return dir.contains("/") ? dir : null;
    }

    /** Whether the file's {@code //go:build} constraint holds with only the tag {@code allcomponents} set. */
    static boolean builtWithAllComponents(Path file) {
        String head;
        try {
            head = java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Matcher m = BUILD.matcher(head);
        return !m.find() || new Constraint(m.group(1).trim(), "allcomponents").holds();
    }

    /** A {@code //go:build} expression ({@code ||}, {@code &&}, {@code !}, parentheses, tags). */
    private static final class Constraint {
        private final String text;
        private final String tag;
        private int at;

        Constraint(String text, String tag) {
            this.text = text;
            this.tag = tag;
        }

        boolean holds() {
            boolean value = or();
            skipSpaces();
            if (at != text.length()) {
                throw new IllegalStateException("cannot read the build constraint " + text);
            }
            return value;
        }

        private boolean or() {
            boolean value = and();
            while (take("||")) {
                value |= and();
            }
            return value;
        }

        private boolean and() {
            boolean value = unary();
            while (take("&&")) {
                value &= unary();
            }
            return value;
        }

        private boolean unary() {
            if (take("!")) {
                return !unary();
            }
            if (take("(")) {
                boolean value = or();
                if (!take(")")) {
                    throw new IllegalStateException("unbalanced build constraint " + text);
                }
                return value;
            }
            skipSpaces();
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || "_.".indexOf(text.charAt(at)) >= 0)) {
                at++;
            }
            return text.substring(start, at).equals(tag);
        }

        private boolean take(String token) {
            skipSpaces();
            if (text.startsWith(token, at)) {
                at += token.length();
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }
    }

    /** The registrations grouped by contrib package directory, each list in registration order. */
    static Map<String, List<Registration>> byPackage(List<Registration> registrations) {
        Map<String, List<Registration>> byPackage = new LinkedHashMap<>();
        registrations.forEach(r -> byPackage.computeIfAbsent(r.packageDir(), k -> new ArrayList<>()).add(r));
        return byPackage;
    }
}

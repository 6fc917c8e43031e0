package io.daprguard.dapr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code dapr.io/env} annotation, split into variables exactly as Dapr's sidecar injector splits it
 * ({@code parseEnvVars} in dapr/dapr {@code pkg/injector/patcher/sidecar_container.go}).
 *
 * <p>The rules:
 * <ol>
 *   <li>A comma separates two variables only when it is followed by optional whitespace and an identifier
 *       followed by {@code =}: Dapr finds the separators with the Go regular expression
 *       {@code ,\s*[a-zA-Z_][a-zA-Z0-9_]*=}. Every other comma stays in the value, so
 *       {@code NO_PROXY=a,b,HTTP_PROXY=x} is two variables, {@code NO_PROXY=a,b} and {@code HTTP_PROXY=x}, and a
 *       trailing comma belongs to the last value. ({@code \s} in Go is only {@code [\t\n\f\r ]}; Java's
 *       {@code \s} also matches the vertical tab, so this class spells the class out.)</li>
 *   <li>Each part is trimmed with Go's {@code strings.TrimSpace} (Unicode white space, including U+00A0; see
 *       {@link GoStrings#trimSpace}). Only the ends of the part are trimmed: {@code A= x} has the value
 *       {@code " x"}, which matters for values such as GOMEMLIMIT that Go refuses with a leading space.</li>
 *   <li>The part is split at its <em>first</em> {@code =}: the name is what comes before it, the value (which may
 *       contain more {@code =}) what comes after. A part with no {@code =} at all is silently dropped by Dapr, and
 *       is not an entry here either; only the first part can be like that, since every later part starts with
 *       {@code NAME=}. A first part such as {@code =x} gives an entry with an empty name, as in Dapr (Kubernetes
 *       then rejects the pod).</li>
 *   <li>Quotes are not special: {@code A="x,y"} has the value {@code "x,y"} with the quotes.</li>
 *   <li>Duplicates are all passed on to the container, in order; the container sees the last one.</li>
 * </ol>
 * <p>Versions: Dapr 1.16.1 and older split a part at <em>every</em> {@code =} and silently dropped a part that did
 * not give exactly a name and a value, so a value containing {@code =} (for example
 * {@code OTEL_RESOURCE_ATTRIBUTES=service.name=x}) was lost. dapr/dapr pull request 9006 ("fix dapr.io/env
 * annotation parsing to support values containing equals signs", merged August 2025) changed that to a split at
 * the first {@code =}; {@link #legacyDroppedEntries()} lists what the older injectors drop.
 *
 * <p>The same separator rules apply to {@code dapr.io/env-from-secret} ({@code NAME=secret} or
 * {@code NAME=secret:key}), so this class can parse that annotation too.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class DaprEnv {

    /** Dapr's separator: {@code ,\s*[a-zA-Z_][a-zA-Z0-9_]*=} with Go's meaning of {@code \s}. */
    private static final Pattern SEPARATOR = Pattern.compile(",[\\t\\n\\f\\r ]*[a-zA-Z_][a-zA-Z0-9_]*=");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private static final DaprEnv EMPTY = new DaprEnv(List.of());

    /**
     * One variable: the name before the first {@code =} and the value after it, both exactly as Dapr passes them
     * to the container.
     */
    public record Entry(String name, String value) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }

        /** {@code name=value}. */
        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    private final List<Entry> entries;

    private DaprEnv(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Splits an annotation value as the Dapr injector does.
     *
     * @param raw the annotation value; null or blank gives no entries
     */
    public static DaprEnv parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return EMPTY;
        }
        Matcher m = SEPARATOR.matcher(raw);
        List<Entry> result = null;
        int partStart = 0;
        while (m.find()) {
            result = addPart(result, raw.substring(partStart, m.start()));
            partStart = m.start() + 1; // the part after a separator starts just after its comma
        }
        result = addPart(result, raw.substring(partStart));
        return result == null ? EMPTY : new DaprEnv(Collections.unmodifiableList(result));
    }

    private static List<Entry> addPart(List<Entry> list, String part) {
        String trimmed = GoStrings.trimSpace(part);
        int eq = trimmed.indexOf('=');
        if (eq < 0) {
            return list; // Dapr drops a part that has no '='
        }
        List<Entry> l = list == null ? new ArrayList<>(4) : list;
        l.add(new Entry(trimmed.substring(0, eq), trimmed.substring(eq + 1)));
        return l;
    }

    /** All variables in order, duplicates included. Unmodifiable. */
    public List<Entry> entries() {
        return entries;
    }

    /** True if there are no variables. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * The value the container actually gets for {@code name}: the last entry with exactly that name
     * (environment variable names are case-sensitive).
     */
    public Optional<String> lastValue(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.name().equals(name)) {
                return Optional.of(e.value());
            }
        }
        return Optional.empty();
    }

    /**
     * For {@code dapr.io/env-from-secret}: the Secret reference ({@code secret} or {@code secret:key}) the container
     * gets {@code name} from, the last entry with that name whose reference Dapr keeps (it drops one with more
     * than one {@code :}, such as {@code a:b:c}, while still listing the name in {@code DAPR_ENV_KEYS}).
     */
    public Optional<String> secretReference(String name) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.name().equals(name) && e.value().chars().filter(c -> c == ':').count() <= 1) {
                return Optional.of(GoStrings.trimSpace(e.value()));
            }
        }
        return Optional.empty();
    }

    /** True if some entry has exactly this name. */
    public boolean contains(String name) {
        return lastValue(name).isPresent();
    }

    /**
     * The entries a Dapr injector of version 1.16.1 or older silently drops: those whose value contains
     * {@code =} (see the class comment). Unmodifiable.
     */
    public List<Entry> legacyDroppedEntries() {
        List<Entry> dropped = null;
        for (Entry e : entries) {
            if (e.value().indexOf('=') >= 0) {
                if (dropped == null) {
                    dropped = new ArrayList<>(2);
                }
                dropped.add(e);
            }
        }
        return dropped == null ? List.of() : Collections.unmodifiableList(dropped);
    }

    /**
     * The annotation value with {@code name=value} appended, the original text kept byte for byte, so that
     * {@code parse(append(raw, name, value))} is {@code parse(raw)} plus the new entry: null or blank
     * {@code raw} (nothing but white space in Go's sense, which gives no entries) gives {@code name=value},
     * anything else {@code raw + "," + name + "=" + value}.
     *
     * <p>Why this is safe: a separator match is a comma followed by white space and an identifier and
     * {@code =}, so no match inside {@code raw} can run on into the appended text (which starts with a comma),
     * the appended comma always starts a new match, and the old last part ends where it used to, up to the
     * white space that trimming removed anyway.
     *
     * @throws IllegalArgumentException if {@code name} is not an identifier ({@code [a-zA-Z_][a-zA-Z0-9_]*}:
     *     otherwise Dapr would not split before it and it would end up in the previous value), or if
     *     {@code value} is null, would itself be split by Dapr (it contains a comma followed by an identifier and
     *     {@code =}), or ends with white space (Dapr would trim it away)
     */
    public static String append(String raw, String name, String value) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not an environment variable identifier: " + name);
        }
        if (value == null) {
            throw new IllegalArgumentException("value is null");
        }
        if (SEPARATOR.matcher(value).find()) {
            throw new IllegalArgumentException("Dapr would split the value of " + name + " into several variables");
        }
        if (!value.isEmpty() && GoStrings.isSpace(value.codePointBefore(value.length()))) {
            throw new IllegalArgumentException("Dapr would trim the trailing white space off the value of " + name);
        }
        if (raw == null || GoStrings.trimSpace(raw).isEmpty()) {
            return name + "=" + value;
        }
        return raw + "," + name + "=" + value;
    }

    /**
     * {@code raw} with every variable {@code name} set to {@code value} and everything else exactly as written (other
     * variables, their order, separators and spacing); appended as {@link #append} does when there is none.
     *
     * @throws IllegalArgumentException as {@link #append} does for a name or value Dapr would not read back
     */
    public static String set(String raw, String name, String value) {
        String appended = append(raw, name, value); // validates name and value
        if (raw == null || raw.isEmpty() || !parse(raw).contains(name)) {
            return appended;
        }
        StringBuilder out = new StringBuilder();
        Matcher m = SEPARATOR.matcher(raw);
        int partStart = 0;
        while (m.find()) {
            out.append(rewrite(raw.substring(partStart, m.start()), name, value)).append(',');
            partStart = m.start() + 1;
        }
        out.append(rewrite(raw.substring(partStart), name, value));
        return out.toString();
    }

    private static String rewrite(String part, String name, String value) {
        String trimmed = GoStrings.trimSpace(part);
        int eq = trimmed.indexOf('=');
        if (eq < 0 || !trimmed.substring(0, eq).equals(name)) {
            return part;
        }
        int start = part.indexOf(trimmed);
        return part.substring(0, start) + name + "=" + value + part.substring(start + trimmed.length());
    }

    /** The entries as a list of {@code NAME=value} (for messages, not for writing back). */
    @Override
    public String toString() {
        return entries.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DaprEnv d && entries.equals(d.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }
}

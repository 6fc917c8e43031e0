package io.daprguard.dapr;

import java.util.ArrayList;
import java.util.List;

/**
 * Whose pods Dapr's sidecar injector injects. Dapr 1.18.3 answers "allowed, no patch" to a pod CREATE unless the
 * requester is authorized ({@code isAuthorizedUser}, {@code pkg/injector/service/handler.go}): a member of the group
 * {@code system:masters}, or a service account {@code system:serviceaccount:<namespace>:<name>} that one of its
 * patterns matches. The patterns are its built-in list ({@code AllowedServiceAccountInfos},
 * {@code pkg/injector/service/injector.go}: the kube-controller-manager's workload controllers, OLM, Tekton,
 * mirrord) plus the Helm values {@code dapr_sidecar_injector.allowedServiceAccounts} and
 * {@code allowedServiceAccountsPrefixNames}, each {@code namespace:name} with Go {@code path.Match} globs on either
 * side ({@code pkg/injector/service/serviceaccountmatcher.go}). A pod anyone else creates (a user's
 * {@code kubectl apply} of a bare Pod) gets no sidecar by design. The injector also allows by service-account UID;
 * those UIDs are looked up from the same list, so names decide alone here.
 */
public final class InjectorAccounts {

    /** Dapr 1.18.3's built-in {@code AllowedServiceAccountInfos}. */
    public static final List<String> BUILT_IN = List.of(
            "kube-system:replicaset-controller",
            "kube-system:replication-controller",
            "kube-system:deployment-controller",
            "kube-system:cronjob-controller",
            "kube-system:job-controller",
            "kube-system:statefulset-controller",
            "kube-system:daemon-set-controller",
            "openshift-operator-lifecycle-manager:olm-operator-serviceaccount",
            "tekton-pipelines:tekton-pipelines-controller",
            "mirrord:mirrord-operator");

    /** The group whose members the injector always serves. */
    public static final String MASTERS = "system:masters";

    /** How a service account's user name starts: {@code system:serviceaccount:<namespace>:<name>}. */
    public static final String SERVICE_ACCOUNT = "system:serviceaccount:";

    /** The built-in list alone, as a default Dapr install has it. */
    public static final InjectorAccounts DEFAULT = of(List.of());

    private final List<String> extra;
    private final List<String[]> patterns;

    private InjectorAccounts(List<String> extra, List<String[]> patterns) {
        this.extra = List.copyOf(extra);
        this.patterns = List.copyOf(patterns);
    }

    /**
     * The built-in list plus {@code extra} patterns, as the injector's {@code ALLOWED_SERVICE_ACCOUNTS} takes them.
     *
     * @throws IllegalArgumentException for a pattern the injector refuses at start-up (not exactly one {@code :},
     *     both sides empty, a malformed glob), naming it
     */
    public static InjectorAccounts of(List<String> extra) {
        List<String[]> patterns = new ArrayList<>();
        List<String> all = new ArrayList<>(BUILT_IN);
        all.addAll(extra);
        for (String raw : all) {
            String pattern = raw.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            if (pattern.chars().filter(c -> c == ':').count() != 1) {
                throw new IllegalArgumentException("injector service account pattern '" + raw
                        + "' must be namespace:name with exactly one ':'");
            }
            int colon = pattern.indexOf(':');
            String namespace = pattern.substring(0, colon).strip();
            String name = pattern.substring(colon + 1).strip();
            if (namespace.isEmpty() && name.isEmpty()) {
                throw new IllegalArgumentException("injector service account pattern '" + raw
                        + "' has neither a namespace nor a name");
            }
            for (String glob : new String[] {namespace, name}) {
                if (!wellFormed(glob)) {
                    throw new IllegalArgumentException("injector service account pattern '" + raw
                            + "' is not a valid glob (Go path.Match)");
                }
            }
            patterns.add(new String[] {namespace, name});
        }
        return new InjectorAccounts(extra, patterns);
    }

    /** The patterns added to the built-in list. */
    public List<String> extra() {
        return extra;
    }

    /** Whether the injector injects a pod that {@code user} (in {@code groups}) creates. */
    public boolean authorizes(String user, List<String> groups) {
        if (groups.contains(MASTERS)) {
            return true;
        }
        if (user == null || !user.startsWith(SERVICE_ACCOUNT)) {
            return false;
        }
        String[] parts = user.substring(SERVICE_ACCOUNT.length()).split(":", -1);
        if (parts.length <= 1) {
            return false;
        }
        for (String[] pattern : patterns) {
            if (match(pattern[0], parts[0]) && match(pattern[1], parts[1])) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InjectorAccounts accounts && accounts.extra.equals(extra);
    }

    @Override
    public int hashCode() {
        return extra.hashCode();
    }

    @Override
    public String toString() {
        return "InjectorAccounts" + extra;
    }

    private static boolean wellFormed(String glob) {
        try {
            match(glob, "");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Go's {@code path.Match}: {@code *} any run of non-{@code /} characters, {@code ?} one such character,
     * {@code [...]} a class ({@code ^} negates, {@code a-z} ranges), {@code \} escapes.
     *
     * @throws IllegalArgumentException for a malformed pattern ({@code path.ErrBadPattern})
     */
    static boolean match(String pattern, String name) {
        return matchFrom(pattern, 0, name, 0);
    }

    private static boolean matchFrom(String pattern, int p, String name, int n) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '*') {
                while (p < pattern.length() && pattern.charAt(p) == '*') {
                    p++;
                }
                if (p == pattern.length()) {
                    return name.indexOf('/', n) < 0;
                }
                for (int i = n; i <= name.length(); i++) {
                    if (matchFrom(pattern, p, name, i)) {
                        return true;
                    }
                    if (i < name.length() && name.charAt(i) == '/') {
                        break;
                    }
                }
                checkRest(pattern, p);
                return false;
            }
            if (n >= name.length()) {
                checkRest(pattern, p);
                return false;
            }
            char actual = name.charAt(n);
            if (c == '?') {
                if (actual == '/') {
                    checkRest(pattern, p + 1);
                    return false;
                }
                p++;
            } else if (c == '[') {
                int end = classEnd(pattern, p);
                if (actual == '/' || !inClass(pattern, p + 1, end, actual)) {
                    checkRest(pattern, end + 1);
                    return false;
                }
                p = end + 1;
            } else {
                if (c == '\\') {
                    p++;
                    if (p == pattern.length()) {
                        throw new IllegalArgumentException("bad pattern");
                    }
                    c = pattern.charAt(p);
                }
                if (c != actual) {
                    checkRest(pattern, p + 1);
                    return false;
                }
                p++;
            }
            n++;
        }
        return n == name.length();
    }

    /** Go checks the rest of a pattern for syntax even when the match already failed. */
    private static void checkRest(String pattern, int p) {
        while (p < pattern.length()) {
            char c = pattern.charAt(p);
            if (c == '[') {
                p = classEnd(pattern, p) + 1;
            } else if (c == '\\') {
                if (p + 1 >= pattern.length()) {
                    throw new IllegalArgumentException("bad pattern");
                }
                p += 2;
            } else {
                p++;
            }
        }
    }

    /** The index of the {@code ]} that closes the class opened at {@code open}. */
    private static int classEnd(String pattern, int open) {
        int p = open + 1;
        if (p < pattern.length() && pattern.charAt(p) == '^') {
            p++;
        }
        boolean first = true;
        while (true) {
            if (p >= pattern.length()) {
                throw new IllegalArgumentException("bad pattern");
            }
            char c = pattern.charAt(p);
            if (c == ']' && !first) {
                return p;
            }
            first = false;
            p = classChar(pattern, p);
            if (p < pattern.length() && pattern.charAt(p) == '-') {
                p = classChar(pattern, p + 1);
            }
        }
    }

    /** Skips one (possibly escaped) class character; a bare {@code -} or {@code ]} there is malformed. */
    private static int classChar(String pattern, int p) {
        if (p >= pattern.length()) {
            throw new IllegalArgumentException("bad pattern");
        }
        char c = pattern.charAt(p);
        if (c == '-' || c == ']') {
            throw new IllegalArgumentException("bad pattern");
        }
        if (c == '\\') {
            p++;
            if (p >= pattern.length()) {
                throw new IllegalArgumentException("bad pattern");
            }
        }
        return p + 1;
    }

    private static boolean inClass(String pattern, int from, int end, char actual) {
        int p = from;
        boolean negated = p < end && pattern.charAt(p) == '^';
        if (negated) {
            p++;
        }
        boolean matched = false;
        while (p < end) {
            char lo = pattern.charAt(p) == '\\' ? pattern.charAt(++p) : pattern.charAt(p);
            p++;
            char hi = lo;
            if (p < end && pattern.charAt(p) == '-') {
                p++;
                hi = pattern.charAt(p) == '\\' ? pattern.charAt(++p) : pattern.charAt(p);
                p++;
            }
            if (lo <= actual && actual <= hi) {
                matched = true;
            }
        }
        return matched != negated;
    }
}

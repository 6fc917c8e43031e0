package io.daprguard.rules;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which Component metadata names look like secrets: the signal for component types Dapr's schemas do not know
 * (custom and pluggable components), and the second signal where a schema leaves an obvious secret unmarked (see
 * {@code ComponentSecretsRule}). A name is compared in lower case with everything but letters and digits removed
 * ({@code redis-password} and {@code redisPassword} both become {@code redispassword}); it is a secret when one
 * of the patterns matches all of it, unless it ends in a word that names something about a secret rather than
 * the secret itself ({@code secretStore}, {@code tokenFile}, {@code keyPrefix} never match), a count or bound
 * ({@code maxTokens}, {@code tokenLimit}) or a CA certificate ({@code oauth2TokenCAPEM}), which is public.
 */
public final class SecretNames {

    /** The default patterns, documented in the README. */
    public static final List<String> DEFAULT_PATTERNS = List.of(
            ".*(password|passwd|passphrase|secret|token|credential|connectionstring).*",
            ".*(access|account|api|app|client|encryption|master|primary|private|sas|secondary|shared|signing|storage|subscription)key",
            "key",
            "sas|sasurl");

    /** Endings that describe a secret's location or handling, not the secret. */
    private static final Pattern EXEMPT = Pattern.compile(
            ".*(store|file|path|name|ref|enabled|ttl|type|mode|version|url|uri|endpoint|host|header|timeout|interval"
                    + "|duration|seconds|audience|issuer|scope|scopes|field|format|prefix|length|size|tokens|count|limit"
                    + "|capem|cacert)");

    private final List<Pattern> patterns;

    private SecretNames(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    public static final SecretNames DEFAULT = of(DEFAULT_PATTERNS);

    /** @throws IllegalArgumentException naming a pattern that is not a valid regular expression */
    public static SecretNames of(List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns");
        return new SecretNames(patterns.stream().map(SecretNames::compile).toList());
    }

    private static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern, Pattern.CASE_INSENSITIVE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("component secret-name pattern '" + pattern
                    + "' is not a regular expression: " + e.getDescription());
        }
    }

    /** Whether a Component metadata item of this name holds a secret. */
    public boolean isSecret(String name) {
        String compact = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (compact.isEmpty() || EXEMPT.matcher(compact).matches() && !compact.equals("sasurl")) {
            return false;
        }
        for (Pattern pattern : patterns) {
            if (pattern.matcher(compact).matches()) {
                return true;
            }
        }
        return false;
    }
}

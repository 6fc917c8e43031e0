package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.DaprEnv;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code env-secrets}: no variable in {@code dapr.io/env} is named like a secret; such values are readable by
 * anyone who can read the pod and belong in {@code dapr.io/env-from-secret}. Only names are ever reported, never
 * values.
 */
public final class EnvSecretsRule extends BaseRule {

    public static final String ID = "env-secrets";

    /** Name parts (split at '_') that mark a secret. */
    private static final Set<String> SECRET_WORDS = Set.of(
            "PASSWORD", "PASSWD", "PASS", "SECRET", "SECRETS", "TOKEN", "KEY", "APIKEY", "CREDENTIAL",
            "CREDENTIALS", "CREDS", "PRIVATE", "CONNECTIONSTRING", "CONNSTR", "SAS");

    /** Substrings that mark a secret even inside a longer word (DBPASSWORD, GITHUBTOKEN). */
    private static final Pattern SECRET_INFIX = Pattern.compile("PASSWORD|SECRET|TOKEN|APIKEY|CREDENTIAL|PRIVATEKEY");

    public EnvSecretsRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        Set<String> names = new LinkedHashSet<>();
        for (DaprEnv.Entry entry : DaprEnv.parse(pod.annotation(DaprAnnotations.ENV)).entries()) {
            if (looksSecret(entry.name())) {
                names.add(entry.name());
            }
        }
        List<Problem> problems = new ArrayList<>();
        for (String name : names) {
            problems.add(Problem.violation(DaprAnnotations.ENV + " sets " + Texts.shown(name) + " in plain text; move "
                    + "it to " + DaprAnnotations.ENV_FROM_SECRET));
        }
        return problems;
    }

    static boolean looksSecret(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (SECRET_INFIX.matcher(upper).find()) {
            return true;
        }
        for (String part : upper.split("[_.-]")) {
            if (SECRET_WORDS.contains(part)) {
                return true;
            }
        }
        return false;
    }

}

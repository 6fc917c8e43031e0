package io.daprguard.cli;

import io.daprguard.rules.Action;
import io.daprguard.rules.Rule;
import io.daprguard.rules.Rules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/** The options that choose the policy, shared by {@code check} and {@code export} (a picocli mixin). */
final class PolicyOptions {

    @Option(names = "--rule", paramLabel = "ID=ACTION",
            description = "set a rule's action: deny, warn or off (repeatable)")
    List<String> rules = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "FILE",
            description = "the server's application.yaml; only its dapr-guard: keys apply")
    String policy;

    /** The {@code --policy} file, or null. */
    Path policy() throws UsageException {
        if (policy == null) {
            return null;
        }
        if (policy.isEmpty()) {
            throw new UsageException("--policy needs a value: a file");
        }
        return Path.of(policy);
    }

    /** Each {@code --rule}'s id to its action's name, checked: known rule ids and actions only. */
    Map<String, String> rules() throws UsageException {
        Map<String, String> actions = new LinkedHashMap<>();
        for (String value : rules) {
            if (value.isEmpty()) {
                throw new UsageException("--rule needs a value: ID=ACTION, e.g. sidecar-resources=warn");
            }
            int equals = value.indexOf('=');
            if (equals <= 0) {
                throw new UsageException("--rule '" + value + "' is not valid; use ID=ACTION,"
                        + " e.g. sidecar-resources=warn");
            }
            String id = value.substring(0, equals).strip();
            String action = value.substring(equals + 1).strip();
            if (Rules.byId(id).isEmpty()) {
                throw new UsageException("--rule " + value + ": unknown rule '" + id + "'; the rules are "
                        + Rules.all().stream().map(Rule::id).collect(Collectors.joining(", ")));
            }
            try {
                actions.put(id, Action.parse(action).configName());
            } catch (IllegalArgumentException e) {
                throw new UsageException("--rule " + value + ": action '" + action + "' is not valid;"
                        + " use deny, warn or off");
            }
        }
        return actions;
    }
}

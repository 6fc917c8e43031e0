package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import java.util.List;

/** {@code log-level}: {@code dapr.io/log-level} is one of debug, info, warn, error, fatal. */
public final class LogLevelRule extends BaseRule {

    public static final String ID = "log-level";

    /** What follows the quoted value in the message (the native policy writes the same). */
    public static final String NOT_A_LEVEL = " is not a Dapr log level; use debug, info, warn, error or fatal";

    public LogLevelRule() {
        super(ID, Action.WARN);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        String level = pod.annotation(DaprAnnotations.LOG_LEVEL);
        if (level == null || DaprAnnotations.LOG_LEVELS.contains(level)) {
            return List.of();
        }
        return List.of(Problem.violation(DaprAnnotations.LOG_LEVEL + " " + Texts.quoted(level) + NOT_A_LEVEL));
    }
}

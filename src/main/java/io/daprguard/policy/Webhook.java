package io.daprguard.policy;

import java.util.Locale;

/** Which admission phase is asking: the mutating webhook ({@code /mutate}) or the validating one. */
public enum Webhook {
    MUTATE,
    VALIDATE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

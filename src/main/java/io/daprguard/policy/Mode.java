package io.daprguard.policy;

import java.util.Locale;

/**
 * How decisions take effect.
 *
 * <ul>
 *   <li>{@code enforce}: mutations are patched in and deny-level findings turn the object away;
 *   <li>{@code audit}: a dry run of enforce. Nothing is patched or denied; what would have been added or denied
 *       comes back as warnings (and, with the operations work, in logs and metrics).
 * </ul>
 */
public enum Mode {
    ENFORCE,
    AUDIT;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

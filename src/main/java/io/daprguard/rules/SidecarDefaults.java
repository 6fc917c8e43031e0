package io.daprguard.rules;

import io.daprguard.dapr.Quantity;
import java.util.Objects;

/**
 * The values dapr-guard adds to a Dapr-enabled pod that lacks them: the guideline's production sidecar resources
 * and the GOMEMLIMIT percentage. Checked once at start-up, so a request can never be defaulted above a limit.
 */
public record SidecarDefaults(
        Quantity cpuRequest, Quantity cpuLimit, Quantity memoryRequest, Quantity memoryLimit, int gomemlimitPercent) {

    /** The guideline's values: cpu 100m/300m, memory 250Mi/1000Mi, GOMEMLIMIT at 90%. */
    public static final SidecarDefaults GUIDELINE = of("100m", "300m", "250Mi", "1000Mi", 90);

    public SidecarDefaults {
        Objects.requireNonNull(cpuRequest, "cpuRequest");
        Objects.requireNonNull(cpuLimit, "cpuLimit");
        Objects.requireNonNull(memoryRequest, "memoryRequest");
        Objects.requireNonNull(memoryLimit, "memoryLimit");
        requirePositive("cpu-request", cpuRequest);
        requirePositive("cpu-limit", cpuLimit);
        requirePositive("memory-request", memoryRequest);
        requirePositive("memory-limit", memoryLimit);
        if (cpuRequest.compareTo(cpuLimit) > 0) {
            throw new IllegalArgumentException("sidecar default cpu-request " + cpuRequest.text()
                    + " is above the default cpu-limit " + cpuLimit.text());
        }
        if (memoryRequest.compareTo(memoryLimit) > 0) {
            throw new IllegalArgumentException("sidecar default memory-request " + memoryRequest.text()
                    + " is above the default memory-limit " + memoryLimit.text());
        }
        if (gomemlimitPercent < 1 || gomemlimitPercent > 100) {
            throw new IllegalArgumentException(
                    "gomemlimit-percent must be between 1 and 100, was " + gomemlimitPercent);
        }
    }

    /** Builds defaults from quantity strings; throws {@link IllegalArgumentException} naming a bad value. */
    public static SidecarDefaults of(
            String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit, int gomemlimitPercent) {
        return new SidecarDefaults(
                quantity("cpu-request", cpuRequest),
                quantity("cpu-limit", cpuLimit),
                quantity("memory-request", memoryRequest),
                quantity("memory-limit", memoryLimit),
                gomemlimitPercent);
    }

    private static Quantity quantity(String name, String text) {
        return Quantity.parse(text).orElseThrow(() -> new IllegalArgumentException(
                "sidecar default " + name + " '" + text + "' is not a valid Kubernetes quantity (e.g. 100m, 1000Mi)"));
    }

    private static void requirePositive(String name, Quantity quantity) {
        if (!quantity.isPositive()) {
            throw new IllegalArgumentException(
                    "sidecar default " + name + " must be greater than zero, was " + quantity.text());
        }
    }
}

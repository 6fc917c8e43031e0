package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.Quantity;

/** The four sidecar resource settings: their annotation, where they land in the daprd container, their default. */
public enum SidecarResource {
    CPU_REQUEST(DaprAnnotations.SIDECAR_CPU_REQUEST, "requests", "cpu"),
    CPU_LIMIT(DaprAnnotations.SIDECAR_CPU_LIMIT, "limits", "cpu"),
    MEMORY_REQUEST(DaprAnnotations.SIDECAR_MEMORY_REQUEST, "requests", "memory"),
    MEMORY_LIMIT(DaprAnnotations.SIDECAR_MEMORY_LIMIT, "limits", "memory");

    private final String annotation;
    private final String section;
    private final String resource;

    SidecarResource(String annotation, String section, String resource) {
        this.annotation = annotation;
        this.section = section;
        this.resource = resource;
    }

    public String annotation() {
        return annotation;
    }

    /** {@code requests} or {@code limits}. */
    public String section() {
        return section;
    }

    /** {@code cpu} or {@code memory}. */
    public String resource() {
        return resource;
    }

    /** {@code resources.limits.memory} and the like, for messages about the daprd container. */
    public String containerField() {
        return "resources." + section + "." + resource;
    }

    public boolean isRequest() {
        return "requests".equals(section);
    }

    public Quantity defaultValue(SidecarDefaults defaults) {
        return switch (this) {
            case CPU_REQUEST -> defaults.cpuRequest();
            case CPU_LIMIT -> defaults.cpuLimit();
            case MEMORY_REQUEST -> defaults.memoryRequest();
            case MEMORY_LIMIT -> defaults.memoryLimit();
        };
    }

    /** The request of a limit, the limit of a request. */
    public SidecarResource counterpart() {
        return switch (this) {
            case CPU_REQUEST -> CPU_LIMIT;
            case CPU_LIMIT -> CPU_REQUEST;
            case MEMORY_REQUEST -> MEMORY_LIMIT;
            case MEMORY_LIMIT -> MEMORY_REQUEST;
        };
    }

    /** The request/limit pairs, request first. */
    public static final SidecarResource[][] PAIRS = {{CPU_REQUEST, CPU_LIMIT}, {MEMORY_REQUEST, MEMORY_LIMIT}};
}

package io.daprguard.rules;

import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/** One container of a {@link PodView}, read and filled in place in the raw JSON tree. */
public final class ContainerView {

    /** Where an environment variable's value comes from. */
    public sealed interface EnvValue permits Literal, FromSource {}

    /** {@code value: ...} (an absent value is the empty string, as in Kubernetes). */
    public record Literal(String value) implements EnvValue {}

    /** {@code valueFrom: ...}: not knowable at admission. */
    public record FromSource() implements EnvValue {}

    private final PodView pod;
    private final String path;
    private ObjectNode container;

    ContainerView(PodView pod, ObjectNode container, String path) {
        this.pod = pod;
        this.container = container;
        this.path = path;
    }

    /** JSON pointer of this container within the reviewed object. */
    public String path() {
        return path;
    }

    public String name() {
        JsonNode name = container.path("name");
        return name.isString() ? name.stringValue() : null;
    }

    /**
     * A resource quantity as written, for example {@code resource("limits", "memory")}; null when absent.
     * Kubernetes also accepts a JSON number for a quantity.
     */
    public String resource(String section, String name) {
        JsonNode resources = container.path("resources");
        String base = path + "/resources";
        if (PodView.optionalObject(resources, base).isEmpty()) {
            return null;
        }
        JsonNode values = resources.path(section);
        if (PodView.optionalObject(values, base + "/" + section).isEmpty()) {
            return null;
        }
        JsonNode value = values.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isNumber()) {
            return value.asString();
        }
        throw new MalformedObjectException(base + "/" + section + "/" + name, "a quantity string");
    }

    /** Sets a resource quantity that is absent. */
    public void putResource(String section, String name, String quantity) {
        WorkingCopy copy = pod.writes();
        ObjectNode resources = copy.childObject(writable(copy), "resources");
        copy.childObject(resources, section).put(name, quantity);
    }

    /** The effective value of an environment variable (the last entry with that name wins), or empty. */
    public Optional<EnvValue> env(String name) {
        JsonNode env = container.path("env");
        if (env.isMissingNode() || env.isNull()) {
            return Optional.empty();
        }
        if (!env.isArray()) {
            throw new MalformedObjectException(path + "/env", "an array");
        }
        EnvValue found = null;
        for (int i = 0; i < env.size(); i++) {
            JsonNode entry = env.get(i);
            if (!entry.isObject() || !entry.path("name").isString()) {
                throw new MalformedObjectException(path + "/env/" + i, "an object with a string name");
            }
            if (!name.equals(entry.path("name").stringValue())) {
                continue;
            }
            JsonNode value = entry.path("value");
            if (!entry.path("valueFrom").isMissingNode() && !entry.path("valueFrom").isNull()) {
                found = new FromSource();
            } else if (value.isMissingNode() || value.isNull()) {
                found = new Literal("");
            } else if (value.isString()) {
                found = new Literal(value.stringValue());
            } else {
                throw new MalformedObjectException(path + "/env/" + i + "/value", "a string");
            }
        }
        return Optional.ofNullable(found);
    }

    /** Appends an environment variable. */
    public void addEnv(String name, String value) {
        WorkingCopy copy = pod.writes();
        copy.childArray(writable(copy), "env").addObject().put("name", name).put("value", value);
    }

    /** Whether {@code securityContext.capabilities.drop} lists {@code ALL}. */
    public boolean dropsAllCapabilities() {
        String base = path + "/securityContext";
        Optional<JsonNode> capabilities = PodView.optionalObject(container.path("securityContext"), base)
                .flatMap(securityContext -> PodView.optionalObject(securityContext.path("capabilities"),
                        base + "/capabilities"));
        JsonNode drop = capabilities.map(c -> c.path("drop")).orElse(MissingNode.getInstance());
        if (drop.isMissingNode() || drop.isNull()) {
            return false;
        }
        if (!drop.isArray()) {
            throw new MalformedObjectException(base + "/capabilities/drop", "an array");
        }
        for (JsonNode capability : drop) {
            if ("ALL".equals(capability.asString(""))) {
                return true;
            }
        }
        return false;
    }

    /** {@code securityContext.seccompProfile.type}, or null. */
    public String seccompProfileType() {
        return seccompType(container, path);
    }

    /** Sets {@code securityContext.seccompProfile.type} when there is no seccomp profile. */
    public void putSeccompProfileType(String type) {
        WorkingCopy copy = pod.writes();
        ObjectNode securityContext = copy.childObject(writable(copy), "securityContext");
        copy.childObject(securityContext, "seccompProfile").put("type", type);
    }

    /** This container in the working copy, made writable; later reads see it with every write. */
    private ObjectNode writable(WorkingCopy copy) {
        if (!copy.owns(container)) {
            container = copy.writableAt(path);
        }
        return container;
    }

    static String seccompType(JsonNode owner, String ownerPath) {
        JsonNode securityContext = owner.path("securityContext");
        String base = ownerPath + "/securityContext";
        if (PodView.optionalObject(securityContext, base).isEmpty()) {
            return null;
        }
        JsonNode profile = securityContext.path("seccompProfile");
        if (PodView.optionalObject(profile, base + "/seccompProfile").isEmpty()) {
            return null;
        }
        JsonNode type = profile.path("type");
        if (type.isMissingNode() || type.isNull()) {
            return null;
        }
        if (!type.isString()) {
            throw new MalformedObjectException(base + "/seccompProfile/type", "a string");
        }
        return type.stringValue();
    }
}

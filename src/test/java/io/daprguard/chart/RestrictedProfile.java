package io.daprguard.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The checks of the Kubernetes Pod Security Standards, "restricted" profile (which includes "baseline"), applied
 * to a pod spec, as the PodSecurity admission controller would. Returns the violations, empty when the pod passes.
 */
final class RestrictedProfile {

    /** Volume types the restricted profile allows. */
    static final Set<String> ALLOWED_VOLUME_TYPES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected",
            "secret");

    private static final Set<String> VOLUME_FIELDS_THAT_ARE_NOT_TYPES = Set.of("name");

    private RestrictedProfile() {
    }

    static List<String> violations(JsonNode podSpec) {
        List<String> violations = new ArrayList<>();
        JsonNode podContext = podSpec.path("securityContext");
        for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (podSpec.path(host).asBoolean(false)) {
                violations.add(host + " is true");
            }
        }
        if (podContext.path("windowsOptions").path("hostProcess").asBoolean(false)) {
            violations.add("pod is a Windows HostProcess pod");
        }
        for (JsonNode volume : podSpec.path("volumes")) {
            for (String field : volume.propertyNames()) {
                if (!VOLUME_FIELDS_THAT_ARE_NOT_TYPES.contains(field) && !ALLOWED_VOLUME_TYPES.contains(field)) {
                    violations.add("volume " + volume.path("name").asString() + " has type " + field);
                }
            }
        }
        if (podContext.path("runAsUser").asInt(-1) == 0) {
            violations.add("pod runAsUser is 0");
        }
        checkSeccomp("pod", podContext, violations);
        if (!podContext.path("sysctls").isEmpty()) {
            violations.add("pod sets sysctls (only a safe set is allowed; the chart needs none)");
        }
        boolean podNonRoot = podContext.path("runAsNonRoot").asBoolean(false);
        boolean podSeccompOk = seccompAllowed(podContext);
        List<JsonNode> containers = new ArrayList<>();
        for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
            podSpec.path(list).forEach(containers::add);
        }
        if (containers.isEmpty()) {
            violations.add("no containers");
        }
        for (JsonNode container : containers) {
            String name = "container " + container.path("name").asString();
            JsonNode context = container.path("securityContext");
            if (context.path("privileged").asBoolean(false)) {
                violations.add(name + " is privileged");
            }
            if (context.path("windowsOptions").path("hostProcess").asBoolean(false)) {
                violations.add(name + " is a Windows HostProcess container");
            }
            if (!context.path("allowPrivilegeEscalation").isBoolean()
                    || context.path("allowPrivilegeEscalation").asBoolean()) {
                violations.add(name + " does not set allowPrivilegeEscalation: false");
            }
            JsonNode runAsNonRoot = context.path("runAsNonRoot");
            if (runAsNonRoot.isBoolean() ? !runAsNonRoot.asBoolean() : !podNonRoot) {
                violations.add(name + " does not run as non-root (runAsNonRoot)");
            }
            if (context.path("runAsUser").asInt(-1) == 0) {
                violations.add(name + " runAsUser is 0");
            }
            if (context.has("seccompProfile")) {
                checkSeccomp(name, context, violations);
                if (!seccompAllowed(context)) {
                    violations.add(name + " seccomp profile is not RuntimeDefault or Localhost");
                }
            }
            else if (!podSeccompOk) {
                violations.add(name + " has no RuntimeDefault or Localhost seccomp profile (pod or container)");
            }
            boolean dropsAll = false;
            for (JsonNode drop : context.path("capabilities").path("drop")) {
                dropsAll |= "ALL".equals(drop.asString());
            }
            if (!dropsAll) {
                violations.add(name + " does not drop ALL capabilities");
            }
            for (JsonNode add : context.path("capabilities").path("add")) {
                if (!"NET_BIND_SERVICE".equals(add.asString())) {
                    violations.add(name + " adds capability " + add.asString());
                }
            }
            for (JsonNode port : container.path("ports")) {
                if (port.path("hostPort").asInt(0) != 0) {
                    violations.add(name + " uses hostPort " + port.path("hostPort").asInt());
                }
            }
            String procMount = context.path("procMount").asString("Default");
            if (!"Default".equals(procMount)) {
                violations.add(name + " procMount is " + procMount);
            }
            String appArmor = context.path("appArmorProfile").path("type").asString("");
            if ("Unconfined".equals(appArmor)) {
                violations.add(name + " AppArmor profile is Unconfined");
            }
        }
        return violations;
    }

    private static boolean seccompAllowed(JsonNode context) {
        String type = context.path("seccompProfile").path("type").asString("");
        return "RuntimeDefault".equals(type) || "Localhost".equals(type);
    }

    private static void checkSeccomp(String owner, JsonNode context, List<String> violations) {
        if ("Unconfined".equals(context.path("seccompProfile").path("type").asString(""))) {
            violations.add(owner + " seccomp profile is Unconfined");
        }
    }
}

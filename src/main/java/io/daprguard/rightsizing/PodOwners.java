package io.daprguard.rightsizing;

import io.daprguard.rules.NamespaceFacts.ObjectRef;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which workload a pod belonged to, also for pods that no longer exist: by the owner a usage source knows
 * (kube-state-metrics' {@code kube_pod_owner}), else by the way Kubernetes names pods:
 * <ul>
 *   <li>Deployment: {@code <name>-<ReplicaSet hash>-<5 characters>};</li>
 *   <li>StatefulSet: {@code <name>-<ordinal>};</li>
 *   <li>CronJob: {@code <name>-<scheduled minute>-<5 characters>} (its Jobs are {@code <name>-<minute>});</li>
 *   <li>DaemonSet, Job, ReplicaSet: {@code <name>-<5 characters>}.</li>
 * </ul>
 * The random parts use the characters of Kubernetes' {@code rand.String} ({@code bcdfghjklmnpqrstvwxz2456789}); the
 * ReplicaSet hash is a rendering of the same alphabet. A pod that matches several workloads goes to the longest name.
 */
public final class PodOwners {

    private static final String RANDOM = "[bcdfghjklmnpqrstvwxz2456789]";
    /** The scheduled minute a CronJob puts after its name in its Jobs' names. */
    static final String SCHEDULED_MINUTE = "\\d{6,}";
    private static final Pattern DEPLOYMENT = Pattern.compile("-" + RANDOM + "{5,10}-" + RANDOM + "{5}");
    private static final Pattern STATEFULSET = Pattern.compile("-\\d+");
    private static final Pattern SUFFIX = Pattern.compile("-" + RANDOM + "{5}");
    private static final Pattern CRONJOB = Pattern.compile("-" + SCHEDULED_MINUTE + "-" + RANDOM + "{5}");

    private PodOwners() {}

    /**
     * The owner among {@code owners} (the running workloads of the pod's namespace) of the pod {@code pod}.
     *
     * @param known the source's {@code Kind/name} for this pod, or null
     */
    public static Optional<ObjectRef> owner(String pod, String known, Collection<ObjectRef> owners) {
        if (known != null) {
            for (ObjectRef owner : owners) {
                if ((owner.kind() + "/" + owner.name()).equals(known)) {
                    return Optional.of(owner);
                }
            }
        }
        ObjectRef best = null;
        for (ObjectRef owner : owners) {
            if (named(pod, owner) && (best == null || owner.name().length() > best.name().length())) {
                best = owner;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether {@code pod} is named as a pod of {@code owner}. */
    static boolean named(String pod, ObjectRef owner) {
        if (owner.kind().equals("Pod")) {
            return pod.equals(owner.name());
        }
        if (!pod.startsWith(owner.name()) || pod.length() == owner.name().length()) {
            return false;
        }
        String rest = pod.substring(owner.name().length());
        Pattern suffix = switch (owner.kind().toLowerCase(Locale.ROOT)) {
            case "deployment" -> DEPLOYMENT;
            case "statefulset" -> STATEFULSET;
            case "cronjob" -> CRONJOB;
            default -> SUFFIX;
        };
        return suffix.matcher(rest).matches();
    }

    /** The owner of {@code namespace/pod} as a source's owners map gives it, or null. */
    static String known(Map<String, String> owners, String namespace, String pod) {
        return owners.get(namespace + "/" + pod);
    }
}

package io.daprguard.rules;

import io.daprguard.dapr.DaprAnnotations;
import io.daprguard.dapr.InjectorAccounts;
import java.util.List;

/**
 * {@code sidecar-injected}: a pod created with {@code dapr.io/enabled: "true"} whose final spec has no {@code daprd}
 * container (in {@code containers}, or in {@code initContainers} as a native sidecar). Dapr's injector registers its
 * webhook with {@code failurePolicy: Ignore} (Dapr 1.18.3's chart, {@code dapr_sidecar_injector.webhookFailurePolicy}),
 * so while it is down the pod is created without daprd and runs without Dapr; the same happens, always, to a pod its
 * webhook's {@code namespaceSelector} or {@code objectSelector} leaves out. Validating webhooks run after every
 * mutating one, so this rule sees the final pod and refuses it; the ReplicaSet, Job, StatefulSet or DaemonSet
 * controller retries by itself and succeeds once the injector answers.
 *
 * <p>Never a finding for what the injector skips by design (Dapr 1.18.3, {@code pkg/injector/}): a workload's pod
 * template (injection happens on pods); a value other than {@code "true"} in any letter case ({@code enabled-value}
 * covers {@code yes}, {@code on}...); a pod that already has a container named {@code daprd}; and a pod whose creator
 * the injector does not serve ({@link InjectorAccounts}), which only gets a warning, since no retry helps it. Where
 * the creator is unknown (the offline check, a running pod of another controller or none) the rule says nothing.
 * For a pod that already runs (the cluster audit), the finding says how to get daprd into it.
 */
public final class SidecarInjectedRule extends BaseRule {

    public static final String ID = "sidecar-injected";

    /**
     * At admission. Every message here fits a kubectl warning (256 characters, with the rule id and "would deny: "),
     * so audit mode and a warn action show it whole.
     */
    static final String REFUSED = "the Dapr injector did not add daprd: the pod would run without Dapr. Is it down "
            + "(kubectl get pods -A -l app=dapr-sidecar-injector), or do its webhook selectors omit the pod? Controllers "
            + "retry. No Dapr yet: make this rule warn";

    /** In the cluster audit, before the count of pods and the restart command. */
    static final String RUNNING = "daprd is missing, so the pods run without Dapr: the Dapr sidecar injector was down "
            + "when they were created, or its webhook's namespaceSelector or objectSelector leaves them out (kubectl get "
            + "pods -A -l app=dapr-sidecar-injector). Dapr's operator deletes such pods, for their controller to "
            + "re-create, when its injector watchdog is on: the Helm value dapr_operator.watchInterval (for example \"1m\"; \"0\", off, by default)";


    public SidecarInjectedRule() {
        super(ID, Action.DENY);
    }

    @Override
    public List<Problem> validate(PodView pod, RuleContext context) {
        RuleContext.Creation creation = context.creation();
        if (context.podTemplate() || !creation.known()
                || !DaprAnnotations.isTrue(pod.annotation(DaprAnnotations.ENABLED))
                || pod.daprdContainer().isPresent()) {
            return List.of();
        }
        if (!creation.injectorServes()) {
            if (creation.running()) {
                return List.of();
            }
            return List.of(Problem.advisory("the Dapr injector never adds daprd to pods of " + who(creation.user())
                    + " (no controller, " + InjectorAccounts.MASTERS + " or allowedServiceAccounts entry): they run "
                    + "without Dapr. Use a Deployment or Job, or allow it"));
        }
        return List.of(Problem.violation(creation.running() ? RUNNING : REFUSED));
    }

    /**
     * The requester as the warning names it: a service account as {@code namespace:name}, the form Dapr's
     * allowedServiceAccounts takes; clipped so that the warning stays within 256 characters.
     */
    static String who(String user) {
        if (user.startsWith(InjectorAccounts.SERVICE_ACCOUNT)) {
            return "service account " + Texts.shown(user.substring(InjectorAccounts.SERVICE_ACCOUNT.length()), 47);
        }
        return "\"" + Texts.shown(user, 61) + "\"";
    }
}

package io.daprguard.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code app-id-unique}: two Dapr-enabled workloads of one namespace share a {@code dapr.io/app-id}. The Dapr
 * operator creates one headless Service {@code <app-id>-dapr} per app-id, owned by the first Deployment and selecting
 * only its pods (pkg/operator/handlers/dapr_handler.go), so service invocation of that app-id never reaches the
 * other workload, and both act as one app towards actors and components.
 */
public final class AppIdUniqueRule extends BaseRule implements ClusterRule {

    public static final String ID = "app-id-unique";

    public AppIdUniqueRule() {
        super(ID, Action.DENY, Scope.CLUSTER);
    }

    @Override
    public List<ClusterProblem> check(NamespaceFacts facts) {
        Map<String, List<NamespaceFacts.App>> byId = new LinkedHashMap<>();
        for (NamespaceFacts.App app : facts.apps()) {
            if (app.appId() != null && !app.appId().isEmpty()) {
                byId.computeIfAbsent(app.appId(), id -> new ArrayList<>()).add(app);
            }
        }
        List<ClusterProblem> problems = new ArrayList<>();
        byId.forEach((appId, apps) -> {
            if (apps.size() < 2) {
                return;
            }
            for (NamespaceFacts.App app : apps) {
                String others = apps.stream().filter(other -> other != app)
                        .map(other -> other.ref().kind() + " " + other.ref().name())
                        .collect(Collectors.joining(", "));
                problems.add(new ClusterProblem(app.ref(), Problem.violation("dapr.io/app-id \"" + Texts.shown(appId)
                        + "\" is also the app-id of " + others + " in this namespace; Dapr's service "
                        + appId + "-dapr then selects the pods of only one of them, so calls to that app-id never "
                        + "reach the others; give every workload its own dapr.io/app-id")));
            }
        });
        return problems;
    }
}

package io.daprguard.cli;

import java.util.List;

/** A small report with one of everything, for the renderers' tests. */
final class ReportFixtures {

    static final String DENIAL = "dapr.io/sidecar-memory-limit \"1000MB\" is not a Kubernetes quantity, so Dapr"
            + " ignores all four sidecar resource annotations; write \"1000Mi\" (binary) or \"1000M\" (decimal)";
    static final String API_TOKEN = "the Dapr API accepts calls without a token; set dapr.io/api-token-secret to a"
            + " Secret with key token";

    private ReportFixtures() {}

    static CheckReport report() {
        ObjectReport denied = new ObjectReport("apps/v1", "Deployment", "shop", "orders", 12,
                "orders/templates/deployment.yaml", true,
                List.of(new Finding("sidecar-resources", Finding.Level.DENY, DENIAL),
                        new Finding("api-token", Finding.Level.WARN, API_TOKEN)),
                List.of(new Change("sidecar-seccomp", "add dapr.io/sidecar-seccomp-profile-type: RuntimeDefault")));
        ObjectReport clean = new ObjectReport("apps/v1", "Deployment", "shop", "cart", 40, null, true, List.of(),
                List.of());
        ObjectReport service = ObjectReport.notReviewed("v1", "Service", "shop", "orders", 2, null);
        FileReport first = new FileReport("deploy/orders.yaml", List.of(service, denied, clean),
                List.of(InputError.at(30, "mapping values are not allowed here")));
        FileReport quiet = new FileReport("deploy/service.yaml",
                List.of(ObjectReport.notReviewed("v1", "Service", "default", "", 1, null)), List.of());
        FileReport missing = new FileReport("deploy/missing.yaml", List.of(),
                List.of(InputError.file("no such file or directory")));
        return new CheckReport(List.of(first, quiet, missing));
    }
}

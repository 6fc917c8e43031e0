package io.daprguard.rightsizing;

import static org.assertj.core.api.Assertions.assertThat;

import io.daprguard.rules.NamespaceFacts.ObjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pods, running or long gone, mapped to their workloads by name as Kubernetes names them. */
class PodOwnersTest {

    private static final ObjectRef ORDERS = new ObjectRef("apps/v1", "Deployment", "shop", "orders");
    private static final ObjectRef ORDERS_API = new ObjectRef("apps/v1", "Deployment", "shop", "orders-api");
    private static final ObjectRef LEDGER = new ObjectRef("apps/v1", "StatefulSet", "shop", "ledger");
    private static final ObjectRef AGENT = new ObjectRef("apps/v1", "DaemonSet", "shop", "agent");
    private static final ObjectRef NIGHTLY = new ObjectRef("batch/v1", "CronJob", "shop", "nightly");
    private static final ObjectRef BARE = new ObjectRef("v1", "Pod", "shop", "debug");
    private static final List<ObjectRef> ALL = List.of(ORDERS, ORDERS_API, LEDGER, AGENT, NIGHTLY, BARE);

    @Test
    void byTheNamesKubernetesGivesPods() {
        assertThat(PodOwners.owner("orders-6d8f9c7b5-x2kqz", null, ALL)).contains(ORDERS);
        assertThat(PodOwners.owner("orders-api-7b9c6d5f4-b8n2w", null, ALL)).contains(ORDERS_API);
        assertThat(PodOwners.owner("ledger-2", null, ALL)).contains(LEDGER);
        assertThat(PodOwners.owner("agent-k7x2m", null, ALL)).contains(AGENT);
        assertThat(PodOwners.owner("nightly-29012345-z9s4t", null, ALL)).contains(NIGHTLY);
        assertThat(PodOwners.owner("debug", null, ALL)).contains(BARE);
    }

    @Test
    void notByAPrefixAlone() {
        assertThat(PodOwners.owner("orders", null, ALL)).isEmpty();
        assertThat(PodOwners.owner("orders-cache-0", null, ALL)).isEmpty();
        assertThat(PodOwners.owner("ledger-x", null, ALL)).isEmpty();
        assertThat(PodOwners.owner("orders-aaaaaa-aaaaa", null, ALL)).isEmpty(); // vowels never appear
        assertThat(PodOwners.owner("other-6d8f9c7b5-x2kqz", null, ALL)).isEmpty();
    }

    @Test
    void theOwnerASourceKnowsWins() {
        assertThat(PodOwners.owner("renamed-pod", "Deployment/orders", ALL)).contains(ORDERS);
        assertThat(PodOwners.owner("orders-6d8f9c7b5-x2kqz", "Deployment/gone", ALL)).contains(ORDERS);
    }
}

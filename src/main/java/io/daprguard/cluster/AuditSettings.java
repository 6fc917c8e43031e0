package io.daprguard.cluster;

import java.time.Duration;

/**
 * How the server's cluster audit runs (bound from {@code dapr-guard.audit.*}).
 *
 * @param interval time between two complete runs
 * @param initialDelay time from becoming the leader to the first run
 * @param pageSize objects per list call
 * @param qps the most Kubernetes API calls per second
 * @param maxResultsPerReport results kept in one namespace's report (the summary counts all)
 * @param leaseNamespace where the Lease {@value ClusterAuditService#LEASE} lives
 * @param leaseDuration how long a lease holds without renewal: another replica takes over within it
 * @param requestTimeout how long one API call may take
 * @param modes which namespaces are audited, and how
 */
public record AuditSettings(
        Duration interval, Duration initialDelay, int pageSize, double qps, int maxResultsPerReport,
        String leaseNamespace, Duration leaseDuration, Duration requestTimeout, NamespaceModes modes) {}

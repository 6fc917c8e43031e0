package io.daprguard.admission;

/**
 * Whether the admission port is draining: from the moment readiness turns false on shutdown, every answer carries
 * {@code Connection: close}, so that each kept-alive connection ends right after a complete response and the client's
 * next review opens a new connection, which the Service (or load balancer) sends to a ready replica. Without it a
 * kept-alive connection went on being used until the server stopped, and the review in transit on it then failed: the
 * kube-apiserver does not retry a POST, so that was a {@code failed calling webhook}.
 */
public final class ConnectionDrain {

    private volatile boolean draining;

    /** Every answer from now on ends its connection. */
    public void begin() {
        draining = true;
    }

    public boolean draining() {
        return draining;
    }
}

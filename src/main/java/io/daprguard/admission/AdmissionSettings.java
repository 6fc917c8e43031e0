package io.daprguard.admission;

/**
 * Settings of the HTTP edge.
 *
 * @param maxRequestBytes the largest body accepted; larger is HTTP 413
 */
public record AdmissionSettings(long maxRequestBytes) {}

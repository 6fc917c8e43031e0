package io.daprguard.cli;

/**
 * One change mutation would make to an object.
 *
 * @param rule the rule that makes it
 * @param change what it adds, as the engine words it ({@code add dapr.io/sidecar-cpu-request: 100m})
 */
record Change(String rule, String change) {}

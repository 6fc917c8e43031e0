/**
 * What dapr-guard knows about Dapr, Kubernetes and Go value syntax, as plain Java with no framework
 * dependencies: the parsers here mirror the Go code that finally reads each value (Kubernetes'
 * {@code resource.ParseQuantity}, the Dapr sidecar injector's {@code dapr.io/env} splitting and annotation list,
 * the Go runtime's {@code GOMEMLIMIT} parser), so that the webhook predicts exactly what will happen to a pod.
 *
 * <p>Everything here is immutable, null-safe and cheap enough for the admission hot path.
 */
package io.daprguard.dapr;

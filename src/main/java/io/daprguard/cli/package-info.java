/**
 * The offline {@code check} command: {@code java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...}.
 *
 * <p>It reads Kubernetes manifests (multi-document YAML, {@code List} objects, {@code helm template} and
 * {@code kustomize build} output, JSON), runs every object through the same {@link io.daprguard.policy.PolicyEngine}
 * the webhook runs (mutation, then validation of the mutated object) and reports what would be denied, warned
 * and added. It starts no Spring context and no web server; the policy is bound from the server's own
 * {@code dapr-guard.*} keys with Spring Boot's {@code Binder}, so a policy file means exactly what it means to the
 * server.
 *
 * <p>Flow: {@link io.daprguard.cli.CheckCommand} parses the options ({@code CheckOptions}), loads the policy
 * ({@code PolicyLoader}), reads the inputs ({@code ManifestReader}, {@code DocumentParser}), checks each object
 * ({@code ObjectChecker}) or Helm values file ({@code DaprValuesLint}), and renders a {@code CheckReport} as text
 * ({@code TextReport}) or JSON ({@code JsonReport}).
 */
package io.daprguard.cli;

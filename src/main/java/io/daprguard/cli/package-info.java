/**
 * The offline {@code check} command: {@code java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...}.
 *
 * <p>It reads Kubernetes manifests (multi-document YAML, {@code List} objects, {@code helm template} and
 * {@code kustomize build} output, JSON), runs every object through the same {@link io.daprguard.policy.PolicyEngine}
 * the webhook runs (mutation, then validation of the mutated object) and reports what would be denied, warned
 * and added. It starts no Spring context and no web server; a policy file is read with Spring Boot's YAML loader and
 * its {@code dapr-guard.*} keys bound with Spring Boot's {@code Binder}, so it means exactly what it means to the
 * server.
 *
 * <p>Flow: {@link io.daprguard.cli.CheckCommand} parses the options ({@code CheckOptions}), loads the policy
 * ({@code PolicyLoader}), reads the inputs ({@code ManifestReader}, {@code DocumentParser}), checks each object
 * ({@code ObjectChecker}) or Helm values file ({@code DaprValuesLint}), finds the line each finding is about
 * ({@code FindingLines}, from the lines the parser records in {@code SourceLines}), and renders a {@code CheckReport}
 * as text ({@code TextReport}), JSON ({@code JsonReport}), SARIF 2.1.0 ({@code SarifReport}) or JUnit XML
 * ({@code JUnitReport}). The exit code does not depend on the format.
 */
package io.daprguard.cli;

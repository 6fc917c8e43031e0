package io.daprguard.cli;

import io.daprguard.nativepolicy.NativeExport;
import io.daprguard.policy.Policy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * {@code export native}: the policy the server reads, as ValidatingAdmissionPolicies and bindings for the
 * kube-apiserver ({@link NativeExport}). Exit 0; 2 for a usage error, an unreadable policy file, or with
 * {@code --strict} when a rule that is not off has no native form.
 */
final class ExportCommand {

    private static final String NAME = "dapr-guard export";
    /** Plain scalars where YAML allows them, and long expressions on one line each. */
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .build();

    /** The oldest Kubernetes serving ValidatingAdmissionPolicy in admissionregistration.k8s.io/v1. */
    private static final int[] OLDEST = {1, 30};
    /** The oldest Kubernetes serving MutatingAdmissionPolicy in admissionregistration.k8s.io/v1. */
    private static final int[] OLDEST_MUTATING = {1, 36};

    private ExportCommand() {}

    @Command(name = "export", sortOptions = false, synopsisHeading = "",
            customSynopsis = {
                "Usage: java -jar dapr-guard.jar export native [--policy FILE] [--rule ID=ACTION]...",
                "         [--exclude-namespace NS]... [--kube-version 1.36] [--with-webhook] [--no-mutation]",
                "         [-o FILE] [--strict]", ""},
            description = {
                "Writes the rules CEL can express, with the same ids, messages and actions, as",
                "ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding objects (YAML), and the sidecar",
                "defaults as a MutatingAdmissionPolicy and its binding (Kubernetes 1.36+), for a cluster that",
                "enforces them in the kube-apiserver. The rules left to the webhook are named on stderr.",
                ""},
            optionListHeading = "Options:%n",
            footer = {"", "Exit codes:", "  0  written", "  2  usage error, unreadable policy file, or --strict with rules"
                    + " left to the webhook"})
    static final class Spec {

        @Parameters(index = "0", paramLabel = "TARGET", description = "native", arity = "0..1")
        String target;

        @Mixin
        PolicyOptions policyOptions = new PolicyOptions();

        @Option(names = "--exclude-namespace", paramLabel = "NS", description = {
            "a namespace the policies never apply to (repeatable; kube-system always)"})
        List<String> excluded = new ArrayList<>();

        @Option(names = "--kube-version", paramLabel = "VERSION", defaultValue = "1.36",
                description = "the Kubernetes version to write for (default 1.36; at least 1.30)")
        String kubeVersion;

        @Option(names = "--with-webhook", description = {
            "dapr-guard's webhook runs beside the policies (the chart's engine: both): export only the rules",
            "CEL expresses in full, and leave the partial ones to the webhook whole"})
        boolean withWebhook;

        @Option(names = "--no-mutation", description = {
            "write no MutatingAdmissionPolicy (validation only, as below 1.36): the rules that add the",
            "sidecar defaults are then left to the webhook"})
        boolean noMutation;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of stdout")
        Path output;

        @Option(names = "--strict", description = "exit 2 when a rule is left to the webhook")
        boolean strict;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help")
        boolean help;
    }

    static String usage() {
        return new CommandLine(new Spec()).setSeparator(" ").getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** Runs {@code export} with the arguments after it. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Spec spec = new Spec();
        CommandLine commandLine = new CommandLine(spec);
        try {
            commandLine.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            return usageError(e.getMessage(), err);
        }
        if (spec.help) {
            out.print(usage());
            return 0;
        }
        if (!"native".equals(spec.target)) {
            return usageError(spec.target == null ? "export what? the only target is native"
                    : "unknown export target \"" + spec.target + "\"; the only target is native", err);
        }
        if (!atLeast(spec.kubeVersion, OLDEST)) {
            return usageError("--kube-version " + spec.kubeVersion + ": ValidatingAdmissionPolicy is served in "
                    + "admissionregistration.k8s.io/v1 from Kubernetes 1.30", err);
        }
        Policy policy;
        try {
            policy = PolicyLoader.load(spec.policyOptions.policy(), spec.policyOptions.rules());
        } catch (UsageException e) {
            return usageError(e.getMessage(), err);
        } catch (PolicyLoader.PolicyException e) {
            err.println(NAME + ": " + e.getMessage());
            return 2;
        }
        Set<String> excluded = new LinkedHashSet<>(List.of("kube-system"));
        excluded.addAll(spec.excluded);
        boolean mutation = !spec.noMutation && atLeast(spec.kubeVersion, OLDEST_MUTATING);
        NativeExport.Result result = NativeExport.export(policy,
                new NativeExport.Options(excluded, mutation, spec.withWebhook));
        StringBuilder yaml = new StringBuilder("# dapr-guard export native: ").append(result.nativeRules().size())
                .append(" rules enforced by the kube-apiserver: ").append(String.join(", ", result.nativeRules()))
                .append('\n');
        if (spec.withWebhook) {
            yaml.append("# on the server beside them, set dapr-guard.native-rules: [")
                    .append(String.join(", ", result.nativeRules())).append("] (so that none is enforced twice)\n");
        } else if (!result.partial().isEmpty()) {
            yaml.append("# in part only (the webhook judges more of them): ")
                    .append(String.join(", ", result.partial())).append('\n');
        }
        for (ObjectNode object : result.objects()) {
            yaml.append(YAML.writeValueAsString(object));
        }
        try {
            if (spec.output == null) {
                out.print(yaml);
                out.flush();
            } else {
                Files.writeString(spec.output, yaml, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println(NAME + ": cannot write " + spec.output + ": " + e.getMessage());
            return 2;
        }
        if (!result.partial().isEmpty()) {
            err.println(NAME + ": in part only (the rest of them is left to the webhook): "
                    + String.join(", ", result.partial()));
        }
        if (!result.leftToWebhook().isEmpty()) {
            err.println(NAME + ": left to the webhook" + (mutation ? "" : " (without a MutatingAdmissionPolicy, the"
                    + " sidecar defaults too)") + ": " + String.join(", ", result.leftToWebhook()));
        }
        if (spec.strict && !(result.leftToWebhook().isEmpty() && result.partial().isEmpty())) {
            return 2;
        }
        return 0;
    }

    private static int usageError(String message, PrintStream err) {
        err.print(NAME + ": " + message + "\n\n" + usage());
        return 2;
    }

    /** Whether {@code version} (1.36, v1.36.3) is at least major.minor. */
    private static boolean atLeast(String version, int[] oldest) {
        String[] parts = version.replaceFirst("^v", "").split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > oldest[0] || major == oldest[0] && minor >= oldest[1];
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

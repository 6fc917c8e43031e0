package io.daprguard.cli;

import io.daprguard.dapr.Nearest;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads what the command line asks for: the webhook server (no arguments, or {@code --name=value} options only, which
 * Spring reads), a subcommand, or the usage. Anything else is a usage error (exit 2): a misspelt subcommand must never
 * start the server instead.
 */
public final class Launcher {

    /** {@link #dispatch}'s answer for "start the server with these arguments". */
    public static final int SERVER = -1;

    /** The subcommands, as the usage lists them. */
    private static final List<String> SUBCOMMANDS = List.of("check", "export");

    private static final Nearest NEAREST = new Nearest(SUBCOMMANDS);

    private Launcher() {}

    /** The usage of the whole program, ending with a newline. */
    static String usage() {
        return """
                Usage: java -jar dapr-guard.jar [--NAME=VALUE]...
                       java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...
                       java -jar dapr-guard.jar export native [OPTIONS]

                With no command, runs the admission webhook server; --NAME=VALUE options set its configuration
                (e.g. --dapr-guard.mode=audit), as in application.yaml.

                Commands:
                  check    check manifests, or a cluster, offline with the webhook's engine
                           (java -jar dapr-guard.jar check --help)
                  export   write the rules as ValidatingAdmissionPolicies for the kube-apiserver
                           (java -jar dapr-guard.jar export --help)
                """;
    }

    /**
     * Runs what the command line of the process asks for on its standard streams: a subcommand (standard output
     * buffered, and no library logging), or the usage.
     *
     * @return {@link #SERVER} when the arguments are for the server; otherwise the exit code
     */
    public static int run(String[] args) {
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            quietLogging();
        }
        PrintStream out = new PrintStream(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        try {
            return dispatch(args, System.in, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * No library may print to standard output, and none needs to log: Spring's commons-logging gets its no-op log
     * and SLF4J its no-op provider, unless the user chose others with {@code -D}. This also spares a command the
     * start-up of a logging system.
     */
    private static void quietLogging() {
        setIfAbsent("org.apache.commons.logging.LogFactory", "org.apache.commons.logging.impl.LogFactoryImpl");
        setIfAbsent("org.apache.commons.logging.Log", "org.apache.commons.logging.impl.NoOpLog");
        setIfAbsent("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        setIfAbsent("slf4j.internal.verbosity", "ERROR");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * Runs the subcommand the arguments name, or prints the usage.
     *
     * @return {@link #SERVER} when the arguments are for the server; otherwise the exit code: what the subcommand
     *     returned, 0 after {@code --help}, 2 for a usage error (the reason and the usage on {@code err})
     */
    public static int dispatch(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.length > 0 && "check".equals(args[0])) {
            return CheckCommand.run(Arrays.copyOfRange(args, 1, args.length), stdin, out, err);
        }
        if (args.length > 0 && "export".equals(args[0])) {
            return ExportCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err);
        }
        if (args.length == 1 && List.of("--help", "-h", "help").contains(args[0])) {
            out.print(usage());
            return 0;
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && arg.length() > 2) {
                continue;
            }
            String reason = i == 0 && !arg.startsWith("-")
                    ? "unknown command \"" + arg + "\"" + NEAREST.find(arg, 2)
                            .map(nearest -> " (did you mean \"" + nearest + "\"?)").orElse("")
                    : "the server takes --NAME=VALUE options only, not \"" + arg + "\"";
            err.print("dapr-guard: " + reason + "\n\n" + usage());
            return 2;
        }
        return SERVER;
    }
}

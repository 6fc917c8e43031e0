package io.daprguard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Launcher}: which arguments start the server, run a command, or are refused with the usage. */
class LauncherTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int dispatch(String... args) {
        return Launcher.dispatch(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noArgumentsOrOnlyOptionsStartTheServer() {
        assertThat(dispatch()).isEqualTo(Launcher.SERVER);
        assertThat(dispatch("--server.port=8443", "--dapr-guard.mode=audit")).isEqualTo(Launcher.SERVER);
        assertThat(out() + err()).isEmpty();
    }

    @Test
    void aMisspeltCommandIsRefusedWithASuggestion() {
        assertThat(dispatch("chek", "examples")).isEqualTo(2);

        assertThat(err()).isEqualTo("dapr-guard: unknown command \"chek\" (did you mean \"check\"?)\n\n"
                + Launcher.usage());
        assertThat(out()).isEmpty();
    }

    @Test
    void anUnknownCommandIsRefusedWithoutASuggestionWhenNothingIsClose() {
        assertThat(dispatch("serve", "--port=1")).isEqualTo(2);

        assertThat(err()).isEqualTo("dapr-guard: unknown command \"serve\"\n\n" + Launcher.usage());
    }

    @Test
    void aWordAmongTheServerOptionsIsRefused() {
        assertThat(dispatch("--server.port=8443", "audit")).isEqualTo(2);
        assertThat(err()).startsWith("dapr-guard: the server takes --NAME=VALUE options only, not \"audit\"\n\n");

        err.reset();
        assertThat(dispatch("-v")).isEqualTo(2);
        assertThat(err()).startsWith("dapr-guard: the server takes --NAME=VALUE options only, not \"-v\"\n\n");

        err.reset();
        assertThat(dispatch("--")).isEqualTo(2);
        assertThat(err()).startsWith("dapr-guard: the server takes --NAME=VALUE options only, not \"--\"\n\n");
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() {
        for (String help : new String[] {"--help", "-h", "help"}) {
            out.reset();
            assertThat(dispatch(help)).isZero();
            assertThat(out()).isEqualTo(Launcher.usage());
        }
        assertThat(Launcher.usage()).startsWith("Usage: java -jar dapr-guard.jar [--NAME=VALUE]...\n"
                + "       java -jar dapr-guard.jar check [OPTIONS] [FILE|DIR|-]...\n"
                + "       java -jar dapr-guard.jar export native [OPTIONS]\n");
    }

    @Test
    void exportRunsTheExportCommand() {
        assertThat(dispatch("export", "--help")).isZero();
        assertThat(out()).startsWith("Usage: java -jar dapr-guard.jar export native");
        out.reset();
        assertThat(dispatch("exprot", "native")).isEqualTo(2);
        assertThat(err()).startsWith("dapr-guard: unknown command \"exprot\" (did you mean \"export\"?)");
    }

    @Test
    void checkRunsTheCheckCommand() {
        assertThat(dispatch("check", "--help")).isZero();
        assertThat(out()).startsWith("Usage: java -jar dapr-guard.jar check [OPTIONS]");
    }
}

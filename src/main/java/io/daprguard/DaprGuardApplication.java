package io.daprguard;

import io.daprguard.cli.CheckCommand;
import io.daprguard.cli.Launcher;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

/**
 * dapr-guard's entry point. {@code @SpringBootApplication} spelled out so that the component scan leaves out
 * {@link ManagementContextConfiguration} classes: those belong to the management port's own context only.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(excludeFilters = {
    @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
    @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
    @ComponentScan.Filter(type = FilterType.ANNOTATION, classes = ManagementContextConfiguration.class)
})
@ConfigurationPropertiesScan
public class DaprGuardApplication {

    /**
     * Runs the webhook server (no arguments, or {@code --name=value} options only), or with {@code check} as the first
     * argument the offline {@link CheckCommand}, which needs no Spring context, web server or certificates. Anything
     * else prints the usage and exits 2 ({@link Launcher}).
     */
    public static void main(String[] args) {
        if (args.length > 0 && "check".equals(args[0])) {
            System.exit(CheckCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = Launcher.dispatch(args, System.in, System.out, err);
        if (code != Launcher.SERVER) {
            System.out.flush();
            System.exit(code);
        }
        SpringApplication.run(DaprGuardApplication.class, args);
    }
}

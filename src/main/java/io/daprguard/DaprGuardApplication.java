package io.daprguard;

import io.daprguard.cli.Launcher;
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
     * Runs the webhook server (no arguments, or {@code --name=value} options only), or the command the first argument
     * names ({@code check}, {@code export}), which needs no Spring context, web server or certificates. Anything else
     * prints the usage and exits 2 ({@link Launcher}).
     */
    public static void main(String[] args) {
        int code = Launcher.run(args);
        if (code != Launcher.SERVER) {
            System.exit(code);
        }
        SpringApplication.run(DaprGuardApplication.class, args);
    }
}

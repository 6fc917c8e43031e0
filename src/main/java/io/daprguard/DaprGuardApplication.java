package io.daprguard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class DaprGuardApplication {

    public static void main(String[] args) {
        SpringApplication.run(DaprGuardApplication.class, args);
    }
}

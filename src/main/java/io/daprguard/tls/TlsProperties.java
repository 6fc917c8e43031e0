package io.daprguard.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings for the HTTPS listener's certificate material, bound from {@code dapr-guard.tls.*} (the README's TLS
 * section says how they are used).
 *
 * @param dir directory holding the PEM files; relative paths resolve against the working directory
 * @param generate whether missing, expired or mismatched files may be (re)generated at start-up
 * @param dnsNames DNS names added to the generated serving certificate, besides {@code localhost},
 *     {@code 127.0.0.1} and {@code ::1} (for example {@code dapr-guard.dapr-guard.svc})
 * @param caValidity validity of a generated CA certificate
 * @param servingValidity validity of a generated serving certificate (never beyond the CA's own)
 * @param reloadInterval how often {@code tls.crt}, {@code tls.key}, {@code ca.crt} and the client CA
 *     file are read again to pick up a rotated certificate without a restart (at least 100ms)
 * @param clientCaFile PEM file of the CA(s) whose client certificates the admission port accepts;
 *     when set, every client must present a certificate signed by one of them (TLS client
 *     authentication "need"), when unset (the default) clients are not authenticated. The
 *     management port is never affected. Relative paths resolve against the working directory.
 */
@ConfigurationProperties(prefix = "dapr-guard.tls")
@Validated
public record TlsProperties(
        @DefaultValue("certs") @NotNull Path dir,
        @DefaultValue("true") boolean generate,
        @DefaultValue List<@NotNull @Pattern(
                regexp = DNS_NAME_PATTERN,
                flags = Pattern.Flag.CASE_INSENSITIVE,
                message = "must be a DNS name such as dapr-guard.dapr-guard.svc") String> dnsNames,
        @DefaultValue("3650d") @NotNull @DurationMin(days = 1) Duration caValidity,
        @DefaultValue("365d") @NotNull @DurationMin(hours = 1) Duration servingValidity,
        @DefaultValue("10s") @NotNull @DurationMin(millis = 100) Duration reloadInterval,
        Path clientCaFile) {

    /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
    static final String DNS_NAME_PATTERN =
            "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*";

    /** Normalises {@code dnsNames} to an immutable, never-null list. */
    public TlsProperties {
        dnsNames = (dnsNames != null) ? List.copyOf(dnsNames) : List.of();
    }

    /**
     * Bean-validation check that a generated CA outlives the serving certificates it issues.
     *
     * @return {@code true} if the CA validity is at least the serving validity (or either is unset,
     *     which {@code @NotNull} reports separately)
     */
    @AssertTrue(message = "dapr-guard.tls.ca-validity must be at least dapr-guard.tls.serving-validity")
    public boolean isCaValidityAtLeastServingValidity() {
        return caValidity == null || servingValidity == null || caValidity.compareTo(servingValidity) >= 0;
    }
}

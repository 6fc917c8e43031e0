package io.daprguard.tls;

import static io.daprguard.config.SettingChecks.atLeast;
import static io.daprguard.config.SettingChecks.required;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
public record TlsProperties(
        @DefaultValue("certs") Path dir,
        @DefaultValue("true") boolean generate,
        @DefaultValue List<String> dnsNames,
        @DefaultValue("3650d") Duration caValidity,
        @DefaultValue("365d") Duration servingValidity,
        @DefaultValue("10s") Duration reloadInterval,
        Path clientCaFile) {

    /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
    static final String DNS_NAME_PATTERN =
            "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*";

    private static final Pattern DNS_NAME = Pattern.compile(DNS_NAME_PATTERN, Pattern.CASE_INSENSITIVE);

    /** Whether {@code name} is an RFC 1123 host name ({@link #DNS_NAME_PATTERN}, any case). */
    static boolean isDnsName(String name) {
        return name != null && DNS_NAME.matcher(name).matches();
    }

    /**
     * Checks the settings (a bad one stops the start, naming it) and normalises {@code dnsNames} to an immutable,
     * never-null list. A generated CA must outlive the serving certificates it issues.
     */
    public TlsProperties {
        required("dapr-guard.tls.dir", dir);
        dnsNames = (dnsNames != null) ? List.copyOf(dnsNames) : List.of();
        for (int i = 0; i < dnsNames.size(); i++) {
            String name = dnsNames.get(i);
            if (!isDnsName(name)) {
                throw new IllegalArgumentException("dapr-guard.tls.dns-names[" + i + "] must be a DNS name such as"
                        + " dapr-guard.dapr-guard.svc, was '" + name + "'");
            }
        }
        atLeast("dapr-guard.tls.ca-validity", required("dapr-guard.tls.ca-validity", caValidity), Duration.ofDays(1));
        atLeast("dapr-guard.tls.serving-validity", required("dapr-guard.tls.serving-validity", servingValidity),
                Duration.ofHours(1));
        atLeast("dapr-guard.tls.reload-interval", required("dapr-guard.tls.reload-interval", reloadInterval),
                Duration.ofMillis(100));
        if (caValidity.compareTo(servingValidity) < 0) {
            throw new IllegalArgumentException("dapr-guard.tls.ca-validity must be at least "
                    + "dapr-guard.tls.serving-validity");
        }
    }
}

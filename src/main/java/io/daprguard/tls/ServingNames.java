package io.daprguard.tls;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names a generated serving certificate carries. Apart from {@link CertificateGenerator} (which needs Bouncy
 * Castle) so that checking the names of existing files does not load it.
 */
public final class ServingNames {

    /** DNS names every serving certificate covers, for local use and for probes inside the pod. */
    public static final List<String> DNS_NAMES = List.of("localhost");

    /** IP addresses every serving certificate covers. */
    public static final List<String> IP_ADDRESSES = List.of("127.0.0.1", "::1");

    /**
     * The DNS names a serving certificate gets: {@link #DNS_NAMES} followed by
     * {@code extraDnsNames}, lower-cased, without duplicates, in that order.
     *
     * @param extraDnsNames additional DNS names
     * @return the ordered set of names
     * @throws IllegalArgumentException if a name is not a valid DNS name
     */
    public static Set<String> dnsNames(Collection<String> extraDnsNames) {
        Set<String> names = new LinkedHashSet<>(DNS_NAMES);
        for (String name : extraDnsNames) {
            if (!TlsProperties.isDnsName(name)) {
                throw new IllegalArgumentException("Not a valid DNS name: '" + name + "'");
            }
            names.add(name.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    private ServingNames() {
    }
}

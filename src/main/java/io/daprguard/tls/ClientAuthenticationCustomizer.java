package io.daprguard.tls;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes the admission port require a TLS client certificate ({@link Ssl.ClientAuth#NEED}) when
 * {@code dapr-guard.tls.client-ca-file} is set; does nothing when it is not.
 *
 * <p>Which certificates are accepted is decided by the trust store of the
 * {@value TlsBundleRegistrar#BUNDLE_NAME} SSL bundle, which {@link PemSslBundleLoader} fills from
 * the client CA file (and which is reloaded with the serving pair). Spring Boot sets the connector's
 * client-auth mode from {@link Ssl#getClientAuth()} when it creates the web server, so this
 * customizer runs after Boot's own {@code ServletWebServerFactoryCustomizer} (which copies
 * {@code server.ssl.*} onto the factory) and replaces the factory's {@link Ssl} with a copy that
 * says NEED. It never changes the shared {@code server.ssl} properties object.
 *
 * <p>Only the main application context's web server (the admission port) is customized: a
 * separate management server ({@code management.server.port}) lives in a child context whose
 * factory takes its SSL settings from {@code management.server.ssl} and is not customized by beans
 * of the main context.
 */
final class ClientAuthenticationCustomizer
        implements WebServerFactoryCustomizer<AbstractConfigurableWebServerFactory>, Ordered {

    private static final Logger log = LoggerFactory.getLogger(ClientAuthenticationCustomizer.class);

    private final Path clientCaFile;

    /**
     * @param clientCaFile the client CA file, or {@code null} to leave client authentication off
     */
    ClientAuthenticationCustomizer(Path clientCaFile) {
        this.clientCaFile = clientCaFile;
    }

    @Override
    public void customize(AbstractConfigurableWebServerFactory factory) {
        if (clientCaFile == null) {
            return;
        }
        Ssl ssl = factory.getSsl();
        if (!Ssl.isEnabled(ssl) || !TlsBundleRegistrar.BUNDLE_NAME.equals(ssl.getBundle())) {
            throw new TlsCertificateException("dapr-guard.tls.client-ca-file is set (" + clientCaFile
                    + "), but the web server does not use the '" + TlsBundleRegistrar.BUNDLE_NAME
                    + "' SSL bundle (server.ssl.bundle=" + ((ssl != null) ? ssl.getBundle() : null)
                    + "), so client certificates cannot be checked against it. Set server.ssl.bundle="
                    + TlsBundleRegistrar.BUNDLE_NAME + " or unset dapr-guard.tls.client-ca-file.");
        }
        Ssl requiringClientCertificates = new Ssl();
        BeanUtils.copyProperties(ssl, requiringClientCertificates);
        requiringClientCertificates.setClientAuth(Ssl.ClientAuth.NEED);
        factory.setSsl(requiringClientCertificates);
        log.info("The admission port requires a TLS client certificate issued by a CA in {}", clientCaFile);
    }

    /** After Boot's {@code ServletWebServerFactoryCustomizer} (order 0), which sets the factory's {@link Ssl}. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}

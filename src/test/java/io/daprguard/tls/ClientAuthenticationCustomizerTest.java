package io.daprguard.tls;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ClientAuthenticationCustomizerTest {

    private static final Path CLIENT_CA = Path.of("/var/run/dapr-guard/client-ca/ca.crt");

    @Test
    void withoutAClientCaFileTheFactoryIsLeftAlone() {
        TomcatServletWebServerFactory factory = factoryWith(Ssl.forBundle(TlsBundleRegistrar.BUNDLE_NAME));
        Ssl before = factory.getSsl();

        new ClientAuthenticationCustomizer(null).customize(factory);

        assertThat(factory.getSsl()).isSameAs(before);
        assertThat(factory.getSsl().getClientAuth()).isNull();
    }

    @Test
    void withAClientCaFileClientCertificatesAreRequiredOnACopyOfTheSslSettings() {
        Ssl shared = Ssl.forBundle(TlsBundleRegistrar.BUNDLE_NAME);
        shared.setEnabledProtocols(new String[] { "TLSv1.3" });
        TomcatServletWebServerFactory factory = factoryWith(shared);

        new ClientAuthenticationCustomizer(CLIENT_CA).customize(factory);

        assertThat(factory.getSsl()).isNotSameAs(shared);
        assertThat(factory.getSsl().getClientAuth()).isEqualTo(Ssl.ClientAuth.NEED);
        assertThat(factory.getSsl().getBundle()).isEqualTo(TlsBundleRegistrar.BUNDLE_NAME);
        assertThat(factory.getSsl().isEnabled()).isTrue();
        assertThat(factory.getSsl().getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(shared.getClientAuth()).as("server.ssl itself is not changed").isNull();
    }

    @Test
    void aServerWithoutTheDaprGuardBundleCannotAuthenticateClients() {
        Ssl ssl = Ssl.forBundle("other");
        TomcatServletWebServerFactory factory = factoryWith(ssl);

        assertThatExceptionOfType(TlsCertificateException.class)
            .isThrownBy(() -> new ClientAuthenticationCustomizer(CLIENT_CA).customize(factory))
            .withMessageContaining("server.ssl.bundle=other")
            .withMessageContaining("dapr-guard.tls.client-ca-file");
    }

    @Test
    void runsAfterSpringBootsOwnServerCustomizer() {
        assertThat(new ClientAuthenticationCustomizer(CLIENT_CA).getOrder()).isEqualTo(Ordered.LOWEST_PRECEDENCE);
    }

    private static TomcatServletWebServerFactory factoryWith(Ssl ssl) {
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
        factory.setSsl(ssl);
        return factory;
    }
}

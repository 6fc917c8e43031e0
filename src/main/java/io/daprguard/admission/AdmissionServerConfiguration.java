package io.daprguard.admission;

import io.daprguard.config.DaprGuardProperties;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.RequestContextFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The admission servlet, and the admission port's Tomcat connector: its socket work runs on
 * {@link AdmissionExecutor}, and the memory it keeps per connection stays out of the heap and bounded
 * (bench/README.md, "Bursts", has the measurements). Applies to the admission server only; the management port
 * keeps Tomcat's own settings.
 */
@Configuration(proxyBeanMethods = false)
public class AdmissionServerConfiguration {

    /**
     * NioChannels (a connection's buffers) Tomcat keeps for reuse after their connection closed. Tomcat's default
     * of 500 kept about 25 MB of buffers alive after every burst; a new TLS connection costs far more than
     * allocating its buffers.
     */
    static final int CACHED_CHANNELS = 32;

    @Bean(destroyMethod = "close")
    AdmissionExecutor admissionExecutor(DaprGuardProperties properties) {
        DaprGuardProperties.Limits limits = properties.limits();
        return new AdmissionExecutor(limits.workerThreads(), limits.maxConcurrentReviews(), limits.maxWait());
    }

    @Bean
    ConnectionDrain connectionDrain() {
        return new ConnectionDrain();
    }

    @Bean
    ServletRegistrationBean<AdmissionController> admissionServlet(
            AdmissionHandler handler, AdmissionSettings settings, List<ReviewListener> listeners,
            ConnectionDrain drain) {
        ServletRegistrationBean<AdmissionController> registration = new ServletRegistrationBean<>(
                new AdmissionController(handler, settings, listeners, drain), AdmissionController.PATHS);
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * Keeps Spring MVC's request-context filter off the admission port (application.yaml turns off the
     * form-content and character-encoding filters): it ran in front of the admission servlet, which needs no
     * request context; Spring's DispatcherServlet, which serves the port's 404s, sets the context itself. Defining
     * the filter stops Boot's; the disabled registration keeps it from being mapped.
     */
    @Bean
    RequestContextFilter admissionPortRequestContextFilter() {
        return new RequestContextFilter();
    }

    @Bean
    FilterRegistrationBean<RequestContextFilter> admissionPortRequestContextFilterOff(RequestContextFilter filter) {
        return disabled(filter);
    }

    /**
     * Keeps the http.server.requests observation filter off the admission port: the observation is off
     * (application.yaml), but the filter still created an observation context per request. A registration of the
     * filter type stops Boot's (it is conditional on there being none).
     */
    @Bean
    FilterRegistrationBean<ServerHttpObservationFilter> admissionPortObservationFilterOff() {
        return disabled(new ServerHttpObservationFilter(ObservationRegistry.NOOP));
    }

    private static <F extends jakarta.servlet.Filter> FilterRegistrationBean<F> disabled(F filter) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.setEnabled(false);
        return registration;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> admissionConnector(AdmissionExecutor executor) {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.getProtocolHandler().setExecutor(executor);
            // A connection's buffers in native memory: two TLS record buffers of about 16.7 KB and two 8 KB
            // application buffers. On the heap they were 12.8 MB of long-lived objects at 256 connections, which
            // pushed the old generation over its size (back-to-back full collections).
            connector.setProperty("socket.directSslBuffer", "true");
            connector.setProperty("socket.directBuffer", "true");
            connector.setProperty("socket.bufferPool", Integer.toString(CACHED_CHANNELS));
            // "Expect: 100-continue" is answered only when the body is read: a body announced over
            // dapr-guard.max-request-size gets its 413 before a byte of it is sent (Tomcat's default sends 100 as
            // soon as the headers are in, and the client then uploads the body the server will refuse).
            connector.setProperty("continueResponseTiming", "onRead");
        });
    }
}

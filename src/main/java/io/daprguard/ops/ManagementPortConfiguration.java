package io.daprguard.ops;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * The management port (plain HTTP, default 9090) answers exactly three paths: {@code /metrics},
 * {@code /healthz} and {@code /readyz}. Everything else actuator could serve there (the health root, its
 * groups, discovery) is a 404, so nothing but these three is ever reachable.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
public class ManagementPortConfiguration {

    static final Set<String> PATHS = Set.of("/metrics", "/healthz", "/readyz");

    @Bean
    FilterRegistrationBean<Filter> managementPathAllowList() {
        Filter filter = (request, response, chain) -> {
            String path = ((HttpServletRequest) request).getRequestURI();
            if (PATHS.contains(path)) {
                chain.doFilter(request, response);
            } else {
                ((HttpServletResponse) response).sendError(HttpServletResponse.SC_NOT_FOUND);
            }
        };
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }
}

package dev.orderhub.api;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * What arrives outside the body is checked once, before any controller: every path variable,
 * query parameter and the X-Actor header follow the same text rule as body fields (printable,
 * bounded), skus the sku rule, and a parameter is given at most once. A NUL in a query
 * parameter would otherwise reach the database (PostgreSQL refuses it: a 5xx, not a 400).
 */
@Configuration
class EdgeChecks implements WebMvcConfigurer, HandlerInterceptor {

    static final String ACTOR = "X-Actor";
    private static final int MAX_PATH_VARIABLE = 100;
    private static final int MAX_PARAMETER = 200;

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
            variables.forEach((name, value) -> check(String.valueOf(name), String.valueOf(value), MAX_PATH_VARIABLE));
        }
        for (Map.Entry<String, String[]> parameter : request.getParameterMap().entrySet()) {
            String name = parameter.getKey();
            Fields.text("query parameter", name, 50);
            if (parameter.getValue().length > 1) {
                throw ApiException.invalid(name + ": given " + parameter.getValue().length + " times, at most once");
            }
            check(name, parameter.getValue()[0], MAX_PARAMETER);
        }
        String actor = request.getHeader(ACTOR);
        if (actor != null) {
            Fields.text(ACTOR, actor, 100);
        }
        return true;
    }

    private static void check(String name, String value, int maxLength) {
        if (name.equals("sku")) {
            Fields.sku(name, value);
        } else {
            Fields.text(name, value, maxLength);
        }
    }
}

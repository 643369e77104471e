package dev.orderhub.security;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Lets a request reach an API endpoint only if the caller holds one of the roles the endpoint
 * names ({@link RequiresRole}, on the method or its class) and, for an endpoint of one channel
 * ({@code {channel}} in its path), only if the caller's key may use that channel. An endpoint
 * that names no role and is not {@link NoKeyNeeded} is refused to everybody. Endpoints of a
 * library the hub cannot annotate are given their role here ({@link #LIBRARY_ENDPOINTS}).
 */
public class RoleCheck implements HandlerInterceptor {

    private final Refusals refusals;

    public RoleCheck(Refusals refusals) {
        this.refusals = refusals;
    }

    /**
     * Controllers of libraries, by package, and the role their endpoints need: springdoc's
     * OpenAPI document and Swagger UI ({@code /v3/api-docs}, {@code /swagger-ui.html}) are read
     * by viewers. The security chains ask the same role for these paths ({@link SecurityConfig#API_DOCS}).
     */
    static final java.util.Map<String, Role> LIBRARY_ENDPOINTS = java.util.Map.of("org.springdoc.", Role.VIEWER);

    /** What an endpoint asks of its callers, as its annotations (or {@link #LIBRARY_ENDPOINTS}) say: null when it says nothing. */
    public static Access access(HandlerMethod handler) {
        for (java.util.Map.Entry<String, Role> library : LIBRARY_ENDPOINTS.entrySet()) {
            if (handler.getBeanType().getName().startsWith(library.getKey())) {
                return new Access(new Role[] {library.getValue()}, null);
            }
        }
        NoKeyNeeded open = annotation(handler, NoKeyNeeded.class);
        if (open != null) {
            return new Access(new Role[0], open.value());
        }
        RequiresRole roles = annotation(handler, RequiresRole.class);
        return roles == null ? null : new Access(roles.value(), null);
    }

    /** The roles an endpoint needs (any one), or, for an open one, why it needs no key. */
    public record Access(Role[] roles, String openBecause) {
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        if (!(handler instanceof HandlerMethod method)) {
            return true;
        }
        Access access = access(method);
        if (access == null) {
            refusals.forbidden(request, response, "no_role_declared",
                    "this endpoint declares no role, so nobody may call it");
            return false;
        }
        if (access.openBecause() != null) {
            return true;
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof CallerAuthentication known)) {
            refusals.unauthorized(request, response, "no_credentials",
                    "Authorization: an API key is required (\"Bearer <api key>\")");
            return false;
        }
        Caller caller = known.caller();
        if (!caller.mayAct(access.roles())) {
            refusals.forbidden(request, response, "role", "this needs the role "
                    + Arrays.stream(access.roles()).map(Role::id).collect(Collectors.joining(" or "))
                    + "; " + caller.name() + " has " + (caller.roles().isEmpty() ? "no role"
                    : caller.roles().stream().map(Role::id).sorted().collect(Collectors.joining(", "))));
            return false;
        }
        @SuppressWarnings("unchecked")
        Map<String, String> path = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String channel = path == null ? null : path.get("channel");
        if (channel != null && !caller.mayUseChannel(channel)) {
            refusals.forbidden(request, response, "channel", caller.name() + " may act only for channels "
                    + caller.channels().stream().sorted().collect(Collectors.joining(", ")) + ", not " + channel);
            return false;
        }
        return true;
    }

    private static <A extends java.lang.annotation.Annotation> A annotation(HandlerMethod handler, Class<A> type) {
        A onMethod = AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), type);
        return onMethod != null ? onMethod : AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), type);
    }
}

package dev.orderhub.security;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may use the operations console ({@code /} and {@code /console/**}): a person signs in with
 * an API key of theirs (viewer, operator or admin), kept in a server-side session behind an
 * HttpOnly, SameSite=Strict cookie; every request checks the key again, so a revoked key ends
 * the session. The roles are the API's (RoleCheck, per page and action): a viewer sees, an
 * operator acts. Requests carrying {@code Authorization: Bearer} are taken as API calls (no
 * session, no CSRF token); every other state-changing request needs the session's CSRF token
 * (header {@code X-CSRF-TOKEN}, sent by the console's htmx). On the zero-setup default a person
 * on this machine is admin without signing in, as in the API. The OpenAPI document and Swagger
 * UI ({@link SecurityConfig#API_DOCS}) are served here too, to viewers, so a person signed in to
 * the console can read them in the browser.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurityConfig {

    /** The session attribute holding the signed-in person's API key. */
    public static final String SESSION_KEY = "orderhub.console.key";

    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    @Bean
    @Order(1)
    SecurityFilterChain console(HttpSecurity http, ApiKeys keys, Refusals refusals, SecurityConfig.Settings settings,
                                Environment environment) throws Exception {
        boolean postgres = environment.acceptsProfiles(Profiles.of("postgres"));
        boolean anonymousLoopback = !postgres && (settings.anonymousLoopback() == null || settings.anonymousLoopback());
        RequestMatcher bearer = request -> request.getHeader("Authorization") != null;
        RequestMatcher unsafe = request -> !Set.of("GET", "HEAD", "OPTIONS", "TRACE").contains(request.getMethod());
        java.util.List<RequestMatcher> paths = new java.util.ArrayList<>(java.util.List.of(path("/"), path("/console/**"),
                path("/webjars/**")));
        RequestMatcher[] docs = java.util.Arrays.stream(SecurityConfig.API_DOCS).map(ConsoleSecurityConfig::path)
                .toArray(RequestMatcher[]::new);
        paths.addAll(java.util.List.of(docs));
        http.securityMatcher(new OrRequestMatcher(paths))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .csrf(c -> c.csrfTokenRepository(new HttpSessionCsrfTokenRepository())
                        // Whoever acts through a cookie needs the token: a signed-in session, and on the
                        // zero-setup default a browser on this machine (admin without a key, so a page of
                        // another site must not be able to post to it). A request with neither gets 401.
                        .requireCsrfProtectionMatcher(request -> unsafe.matches(request) && !bearer.matches(request)
                                && (signedIn(request) || anonymousLoopback && CallerFilter.fromThisMachine(request))))
                .headers(h -> h.contentSecurityPolicy(p -> p.policyDirectives(CSP))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .addFilterAfter(new ConsoleCallerFilter(keys, refusals, anonymousLoopback), SecurityContextHolderFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers(path("/console/login"), path("/console/assets/**"), path("/webjars/**")).permitAll()
                        .requestMatchers(docs).access((authentication, context) -> SecurityConfig.viewer(authentication.get()))
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, failure) -> {
                            if (wantsPage(request)) {
                                response.sendRedirect(request.getContextPath() + "/console/login");
                            } else {
                                refusals.unauthorized(request, response, "no_credentials",
                                        "Authorization: an API key is required (\"Bearer <api key>\"), or sign in to the console");
                            }
                        })
                        .accessDeniedHandler((request, response, denied) -> {
                            if (denied instanceof org.springframework.security.web.csrf.CsrfException) {
                                refusals.forbidden(request, response, "csrf", "the console's form token is missing or stale: reload the page");
                            } else {
                                refusals.forbidden(request, response, "role", SecurityConfig.VIEWER_NEEDED);
                            }
                        }));
        return http.build();
    }

    private static boolean signedIn(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(SESSION_KEY) != null;
    }

    /** A browser asking for a page (not htmx, not an API client): sent to sign in rather than answered 401. */
    static boolean wantsPage(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return "GET".equals(request.getMethod()) && request.getHeader("HX-Request") == null
                && request.getHeader("Authorization") == null && accept != null && accept.contains("text/html");
    }

    private static PathPatternRequestMatcher path(String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    /** Says who is using the console: a bearer key, the session's key, or a person on this machine. */
    static final class ConsoleCallerFilter extends OncePerRequestFilter {

        private final ApiKeys keys;
        private final Refusals refusals;
        private final boolean anonymousLoopback;

        ConsoleCallerFilter(ApiKeys keys, Refusals refusals, boolean anonymousLoopback) {
            this.keys = keys;
            this.refusals = refusals;
            this.anonymousLoopback = anonymousLoopback;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String authorization = request.getHeader("Authorization");
            if (authorization != null) {
                String token = CallerFilter.bearer(authorization);
                Optional<Caller> caller = token == null ? Optional.empty() : keys.caller(token);
                if (caller.isEmpty()) {
                    refusals.unauthorized(request, response, "unknown_key",
                            "Authorization: the API key is not valid (unknown, rotated or revoked)");
                    return;
                }
                SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller.get()));
            } else {
                HttpSession session = request.getSession(false);
                Object key = session == null ? null : session.getAttribute(SESSION_KEY);
                if (key instanceof String presented) {
                    Optional<Caller> caller = keys.caller(presented);
                    if (caller.isPresent()) {
                        SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller.get()));
                    } else {
                        session.invalidate();
                    }
                } else if (anonymousLoopback && CallerFilter.fromThisMachine(request)) {
                    SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(
                            new Caller("local", Caller.Kind.LOCAL, Set.of(Role.ADMIN), Set.of())));
                }
            }
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }

    /** Whether the zero-setup default lets a person on this machine in without signing in. */
    public static boolean anonymousLoopback(SecurityConfig.Settings settings, Environment environment) {
        return !environment.acceptsProfiles(Profiles.of("postgres"))
                && (settings.anonymousLoopback() == null || settings.anonymousLoopback());
    }
}

package dev.orderhub.security;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Who may call the hub's HTTP API. Every request needs a valid API key (or, when configured, a
 * JWT of the company's identity provider) except {@code /actuator/health} (status only), the
 * channels' signed webhooks and the error page; on the zero-setup default a person on this
 * machine may call without one. Roles are checked per endpoint by {@link RoleCheck}; refusals
 * are 401/403 in the JSON error shape, counted and logged by {@link Refusals}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityConfig.Settings.class)
public class SecurityConfig implements WebMvcConfigurer {

    /** Paths a request may reach without a key; their handlers are {@link NoKeyNeeded}. */
    static final String[] WEBHOOKS = {"/api/channels/*/webhooks/**", "/api/carriers/*/webhooks/*", "/api/fulfilment/*/webhooks"};

    /**
     * The OpenAPI document and Swagger UI (springdoc): viewer or above, with a key or, for a
     * person in a browser, the console's session ({@link ConsoleSecurityConfig} serves them).
     */
    static final String[] API_DOCS = {"/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html",
            "/swagger-ui/**"};

    private final Refusals refusals;

    public SecurityConfig(MeterRegistry meters, ObjectMapper json) {
        this.refusals = new Refusals(meters, json);
    }

    /** {@code orderhub.security.*}. */
    @ConfigurationProperties("orderhub.security")
    public record Settings(Boolean anonymousLoopback, Jwt jwt) {

        /** A JWT resource server: issuer (checked) and/or key set, the claims that carry roles and channels. */
        public record Jwt(String issuerUri, String jwkSetUri, String rolesClaim, String channelsClaim,
                          Map<String, String> roleMapping) {

            boolean configured() {
                return (issuerUri != null && !issuerUri.isBlank()) || (jwkSetUri != null && !jwkSetUri.isBlank());
            }
        }
    }

    @Bean
    Refusals refusals() {
        return refusals;
    }

    /**
     * Requests Spring Security's firewall refuses before anything else sees them (a control
     * character in a header, an encoded slash or NUL in the path): 400 in the JSON error shape,
     * naming the header where there is one and never quoting the value.
     */
    @Bean
    RequestRejectedHandler rejectedRequests() {
        return (request, response, rejected) ->
                refusals.badRequest(request, response, "firewall", Refusals.firewallDetail(rejected));
    }

    /**
     * The bootstrap admin key of the environment, in place before the HTTP port opens. Only the
     * hub does this, never the keys command (which would revoke it when run without the variable).
     */
    @Bean
    SmartInitializingSingleton bootstrapAdminKey(ApiKeys keys, @Value("${orderhub.security.bootstrap-admin-key:}") String key) {
        return () -> keys.bootstrap(key);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiKeys keys, Settings settings, Environment environment) throws Exception {
        boolean postgres = environment.acceptsProfiles(Profiles.of("postgres"));
        boolean anonymousLoopback = !postgres && (settings.anonymousLoopback() == null || settings.anonymousLoopback());
        Settings.Jwt jwt = settings.jwt();
        boolean tokens = jwt != null && jwt.configured();
        http.csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .anonymous(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .addFilterBefore(new CallerFilter(keys, refusals, anonymousLoopback, tokens), BearerTokenAuthenticationFilter.class)
                // Path patterns, not MVC matchers: these paths need no handler lookup, and an MVC
                // matcher would look the handler up for every request once more.
                .authorizeHttpRequests(a -> a
                        .requestMatchers(path(null, "/actuator/health"), path(null, "/actuator/health/**"),
                                path(null, "/error")).permitAll()
                        .requestMatchers(path(null, "/actuator/**")).access((authentication, context) ->
                                identifiedViewer(authentication.get()))
                        .requestMatchers(path(HttpMethod.POST, WEBHOOKS[0]), path(HttpMethod.POST, WEBHOOKS[1]),
                                path(HttpMethod.POST, WEBHOOKS[2])).permitAll()
                        .anyRequest().authenticated())
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, failure) -> refusals.unauthorized(request, response,
                                "no_credentials", "Authorization: an API key is required (\"Bearer <api key>\")"))
                        .accessDeniedHandler((request, response, denied) -> refusals.forbidden(request, response, "role",
                                "this needs an API key with the role viewer or above")));
        if (tokens) {
            http.oauth2ResourceServer(o -> o
                    .bearerTokenResolver(request -> {
                        String authorization = request.getHeader("Authorization");
                        String token = authorization == null ? null : CallerFilter.bearer(authorization);
                        return token != null && CallerFilter.looksLikeJwt(token) ? token : null;
                    })
                    .authenticationEntryPoint((request, response, failure) -> refusals.unauthorized(request, response,
                            "invalid_token", "Authorization: the token is not valid (" + failure.getMessage() + ")"))
                    .jwt(j -> j.decoder(decoder(jwt)).jwtAuthenticationConverter(new TokenCallers(
                            jwt.rolesClaim() == null ? "roles" : jwt.rolesClaim(),
                            jwt.channelsClaim() == null ? "orderhub_channels" : jwt.channelsClaim(), jwt.roleMapping()))));
        }
        return http.build();
    }

    /** What a caller refused a viewer's path is told. */
    static final String VIEWER_NEEDED = "this needs the role viewer (or operator or admin, which include it)";

    /** Whether the caller presented a key or token with the viewer role (actuator: never the anonymous person on this machine). */
    static AuthorizationDecision identifiedViewer(org.springframework.security.core.Authentication authentication) {
        return new AuthorizationDecision(authentication instanceof CallerAuthentication caller
                && caller.caller().identified() && caller.caller().mayAct(Role.VIEWER));
    }

    /** Whether the caller holds the viewer role, the person on this machine on the zero-setup default included (as the console). */
    static AuthorizationDecision viewer(org.springframework.security.core.Authentication authentication) {
        return new AuthorizationDecision(authentication instanceof CallerAuthentication caller && caller.caller().mayAct(Role.VIEWER));
    }

    private static PathPatternRequestMatcher path(HttpMethod method, String pattern) {
        return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
    }

    private static JwtDecoder decoder(Settings.Jwt jwt) {
        boolean issuer = jwt.issuerUri() != null && !jwt.issuerUri().isBlank();
        NimbusJwtDecoder decoder = jwt.jwkSetUri() != null && !jwt.jwkSetUri().isBlank()
                ? NimbusJwtDecoder.withJwkSetUri(jwt.jwkSetUri()).build()
                : NimbusJwtDecoder.withIssuerLocation(jwt.issuerUri()).build();
        decoder.setJwtValidator(issuer ? JwtValidators.createDefaultWithIssuer(jwt.issuerUri()) : JwtValidators.createDefault());
        return decoder;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // Before the input checks of dev.orderhub.api.EdgeChecks: who may call comes before what they sent.
        registry.addInterceptor(new RoleCheck(refusals)).order(Ordered.HIGHEST_PRECEDENCE);
    }
}

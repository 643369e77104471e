package dev.orderhub.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Says who is calling. {@code Authorization: Bearer ohk_...} is looked up among the hub's API
 * keys (an unknown, rotated or revoked key is 401 at once); a bearer token that looks like a JWT
 * is left to the resource server when one is configured. A request without credentials is a
 * person on this machine only on the zero-setup default: from a loopback address, not through
 * a proxy (no forwarding headers), and only when {@code orderhub.security.anonymous-loopback}
 * is on, which the postgres profile never allows.
 */
public class CallerFilter extends OncePerRequestFilter {

    private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
            "X-Real-IP");

    private final ApiKeys keys;
    private final Refusals refusals;
    private final boolean anonymousLoopback;
    private final boolean tokensConfigured;

    public CallerFilter(ApiKeys keys, Refusals refusals, boolean anonymousLoopback, boolean tokensConfigured) {
        this.keys = keys;
        this.refusals = refusals;
        this.anonymousLoopback = anonymousLoopback;
        this.tokensConfigured = tokensConfigured;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            String token = bearer(authorization);
            if (token == null) {
                refusals.unauthorized(request, response, "malformed",
                        "Authorization: send \"Bearer <api key>\"");
                return;
            }
            if (!(tokensConfigured && looksLikeJwt(token))) {
                Optional<Caller> caller = keys.caller(token);
                if (caller.isEmpty()) {
                    refusals.unauthorized(request, response, "unknown_key",
                            "Authorization: the API key is not valid (unknown, rotated or revoked)");
                    return;
                }
                SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller.get()));
            }
        } else if (anonymousLoopback && fromThisMachine(request)) {
            SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(
                    new Caller("local", Caller.Kind.LOCAL, java.util.Set.of(Role.ADMIN), java.util.Set.of())));
        }
        chain.doFilter(request, response);
    }

    public static String bearer(String authorization) {
        if (authorization.length() > 7 && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).trim();
            return token.isEmpty() || token.length() > 8192 ? null : token;
        }
        return null;
    }

    public static boolean looksLikeJwt(String token) {
        return !token.startsWith(ApiKeys.PREFIX) && token.chars().filter(c -> c == '.').count() == 2;
    }

    /** A request from a loopback address, not through a proxy (no forwarding headers). */
    public static boolean fromThisMachine(HttpServletRequest request) {
        for (String header : FORWARDING_HEADERS) {
            if (request.getHeader(header) != null) {
                return false;
            }
        }
        try {
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}

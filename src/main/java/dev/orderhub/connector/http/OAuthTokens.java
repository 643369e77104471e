package dev.orderhub.connector.http;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Access tokens from an OAuth 2.0 refresh-token grant (Login with Amazon, eBay, ...), cached per
 * account until shortly before they expire. However many threads ask at once, one refresh
 * runs per account; the others wait for it and share its token. Secrets are never logged.
 */
@Component
public class OAuthTokens {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthTokens.class);
    /** A token this close to expiry is refreshed rather than used. */
    static final Duration REFRESH_BEFORE = Duration.ofSeconds(60);

    /** How to get a token for one account. {@link #toString} hides the secrets. */
    public record Grant(URI tokenUrl, String clientId, String clientSecret, String refreshToken) {

        @Override
        public String toString() {
            return "Grant[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", clientSecret=****, refreshToken=****]";
        }
    }

    /** The token endpoint refused or could not be reached; the message says which, without secrets. */
    public static class TokenException extends RuntimeException {
        public TokenException(String message) {
            super(message);
        }
    }

    private record Token(String value, Instant expiresAt) {
    }

    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Token> cache = new ConcurrentHashMap<>();
    private final Map<String, Object> refreshing = new ConcurrentHashMap<>();
    private final AtomicLong grants = new AtomicLong();

    public OAuthTokens(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** A valid access token for this account: the cached one, or a fresh one (one refresh at a time per account). */
    public String accessToken(String account, Grant grant) {
        Token token = cache.get(account);
        if (usable(token)) {
            return token.value();
        }
        synchronized (refreshing.computeIfAbsent(account, a -> new Object())) {
            token = cache.get(account);
            if (usable(token)) {
                return token.value();
            }
            Token fresh = refresh(account, grant);
            cache.put(account, fresh);
            return fresh.value();
        }
    }

    /** The remote rejected this token (expired early, revoked): the next ask refreshes, unless another thread already has. */
    public void rejected(String account, String token) {
        cache.computeIfPresent(account, (a, cached) -> cached.value().equals(token) ? null : cached);
    }

    /** Refresh grants made so far (all accounts). */
    public long grants() {
        return grants.get();
    }

    private boolean usable(Token token) {
        return token != null && clock.instant().isBefore(token.expiresAt().minus(REFRESH_BEFORE));
    }

    private Token refresh(String account, Grant grant) {
        String form = "grant_type=refresh_token"
                + "&refresh_token=" + URLEncoder.encode(grant.refreshToken(), StandardCharsets.UTF_8)
                + "&client_id=" + URLEncoder.encode(grant.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(grant.clientSecret(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(grant.tokenUrl()).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response;
        try {
            grants.incrementAndGet();
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenException("account " + account + ": token endpoint " + grant.tokenUrl() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("account " + account + ": interrupted while refreshing its token");
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (IOException e) {
            body = null;
        }
        if (response.statusCode() != 200 || body == null || !body.path("access_token").isTextual()) {
            String why = body == null ? "" : body.path("error").asText("") + " " + body.path("error_description").asText("");
            throw new TokenException("account " + account + ": token endpoint answered " + response.statusCode()
                    + (why.isBlank() ? "" : " (" + why.trim() + ")"));
        }
        long seconds = body.path("expires_in").asLong(3600);
        LOG.info("account {}: new access token, valid {} s", account, seconds);
        return new Token(body.path("access_token").asText(), clock.instant().plusSeconds(seconds));
    }
}

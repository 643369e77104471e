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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access token of one channel account: cached until shortly before it expires, fetched by
 * one thread at a time however many ask at once (the others wait and share it), dropped when
 * the remote rejects it. Refresh-token and client-credentials grants.
 */
final class AccessTokens {

    private static final Logger LOG = LoggerFactory.getLogger(AccessTokens.class);
    /** A token this close to expiry is fetched anew rather than used (half its life when that is shorter). */
    static final Duration REFRESH_BEFORE = Duration.ofSeconds(60);
    private static final Duration GRANT_TIMEOUT = Duration.ofSeconds(15);

    /** The token endpoint could not be reached or failed (5xx, 429): worth another try. */
    static final class TokenUnavailable extends IOException {
        TokenUnavailable(String message) {
            super(message);
        }
    }

    private record Token(String value, Instant refreshAt) {
    }

    private final String account;
    private final Credentials credentials;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final Object grantLock = new Object();
    private volatile Token current;
    private volatile int grants;

    AccessTokens(String account, Credentials credentials, HttpClient http, ObjectMapper json, Clock clock) {
        this.account = account;
        this.credentials = credentials;
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    /** Where the token goes, or null when the account sends none. */
    TokenPlacement placement() {
        if (credentials instanceof Credentials.StaticToken t) {
            return t.placement();
        }
        if (credentials instanceof Credentials.ClientCredentials c) {
            return c.placement();
        }
        if (credentials instanceof Credentials.RefreshToken r) {
            return r.placement();
        }
        return null;
    }

    /** Whether a rejected token can be replaced by a fresh one (not for a static token). */
    boolean renewable() {
        return credentials instanceof Credentials.ClientCredentials || credentials instanceof Credentials.RefreshToken;
    }

    /** The token to send: the cached one while it is good, else a fresh one (one grant at a time). */
    String token() throws TokenUnavailable {
        if (credentials instanceof Credentials.StaticToken t) {
            return t.token();
        }
        Token token = current;
        if (usable(token)) {
            return token.value();
        }
        synchronized (grantLock) {
            token = current;
            if (usable(token)) {
                return token.value();
            }
            current = grant();
            return current.value();
        }
    }

    /** The remote rejected {@code token}: the next ask fetches a new one, unless another thread already has. */
    void rejected(String token) {
        synchronized (grantLock) {
            if (current != null && current.value().equals(token)) {
                current = null;
            }
        }
    }

    /** Grants made so far. */
    int grants() {
        return grants;
    }

    private boolean usable(Token token) {
        return token != null && clock.instant().isBefore(token.refreshAt());
    }

    private Token grant() throws TokenUnavailable {
        URI tokenUrl;
        Map<String, String> form = new LinkedHashMap<>();
        if (credentials instanceof Credentials.RefreshToken r) {
            tokenUrl = r.tokenUrl();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", r.refreshToken());
            form.put("client_id", r.clientId());
            form.put("client_secret", r.clientSecret());
        } else if (credentials instanceof Credentials.ClientCredentials c) {
            tokenUrl = c.tokenUrl();
            form.put("grant_type", "client_credentials");
            form.put("client_id", c.clientId());
            form.put("client_secret", c.clientSecret());
            if (c.scope() != null && !c.scope().isBlank()) {
                form.put("scope", c.scope());
            }
        } else {
            throw new IllegalStateException(account + ": " + credentials + " has no grant");
        }
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(GRANT_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            grants++;
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenUnavailable(account + ": token endpoint " + tokenUrl.getHost() + " unreachable ("
                    + credentials.scrub(String.valueOf(e.getMessage())) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenUnavailable(account + ": interrupted while fetching its access token");
        }
        JsonNode answer = parse(response.body());
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new TokenUnavailable(account + ": token endpoint " + tokenUrl.getHost() + " answered " + status);
        }
        if (status != 200 || !answer.path("access_token").isTextual()) {
            String why = (answer.path("error").asText("") + " " + answer.path("error_description").asText("")).trim();
            throw new TokenRefusedException(account + ": token endpoint " + tokenUrl.getHost() + " answered " + status
                    + (why.isEmpty() ? " without an access token" : " (" + credentials.scrub(why) + ")"));
        }
        Duration lifetime = Duration.ofSeconds(Math.max(1, answer.path("expires_in").asLong(3600)));
        Duration margin = lifetime.dividedBy(2).compareTo(REFRESH_BEFORE) < 0 ? lifetime.dividedBy(2) : REFRESH_BEFORE;
        LOG.info("{}: new access token, valid {} s", account, lifetime.toSeconds());
        return new Token(answer.path("access_token").asText(), clock.instant().plus(lifetime).minus(margin));
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.missingNode() : json.readTree(body);
        } catch (IOException e) {
            return json.missingNode();
        }
    }
}

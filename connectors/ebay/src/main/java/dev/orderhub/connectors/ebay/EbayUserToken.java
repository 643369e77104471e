package dev.orderhub.connectors.ebay;

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
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.RetryLater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seller's user access token, minted from the refresh token as eBay's identity endpoint
 * wants it: {@code grant_type=refresh_token}, the refresh token and the scopes in the form, the
 * application's client id and secret as HTTP Basic. The toolkit's {@code Credentials.RefreshToken}
 * sends client id and secret in the form instead (client_secret_post), which eBay does not
 * document, so the connector mints the token itself and hands it to the toolkit client per call.
 * One grant at a time; a token is kept until a minute before it expires, or until eBay rejects it.
 */
final class EbayUserToken {

    private static final Logger LOG = LoggerFactory.getLogger(EbayUserToken.class);
    private static final Duration REFRESH_BEFORE = Duration.ofSeconds(60);

    private final String channel;
    private final URI tokenUrl;
    private final String basic;
    private final String form;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final Object grantLock = new Object();
    private volatile String token;
    private volatile Instant refreshAt = Instant.MIN;
    private volatile int grants;

    EbayUserToken(String channel, URI tokenUrl, String clientId, String clientSecret, String refreshToken, List<String> scopes,
                  Duration timeout, ObjectMapper json, Clock clock) {
        this.channel = channel;
        this.tokenUrl = tokenUrl;
        this.basic = "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
        this.form = "grant_type=refresh_token&refresh_token=" + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8)
                + (scopes.isEmpty() ? "" : "&scope=" + URLEncoder.encode(String.join(" ", scopes), StandardCharsets.UTF_8));
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.json = json;
        this.clock = clock;
    }

    /**
     * The token to send now: the cached one while it is good, else a fresh one.
     *
     * @throws ChannelUnusable eBay refused the grant (a revoked or expired refresh token, a wrong client secret)
     * @throws RetryLater      the token endpoint did not answer, was throttled or failed
     */
    String current() {
        String cached = token;
        if (cached != null && clock.instant().isBefore(refreshAt)) {
            return cached;
        }
        synchronized (grantLock) {
            if (token != null && clock.instant().isBefore(refreshAt)) {
                return token;
            }
            token = grant();
            return token;
        }
    }

    /** eBay rejected {@code rejected} (401): the next {@link #current()} mints a new one, unless another caller already has. */
    void rejected(String rejected) {
        synchronized (grantLock) {
            if (rejected != null && rejected.equals(token)) {
                token = null;
            }
        }
    }

    int grants() {
        return grants;
    }

    private String grant() {
        HttpRequest request = HttpRequest.newBuilder(tokenUrl).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", basic)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response;
        try {
            grants++;
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RetryLater(Duration.ZERO, "channel " + channel + ": eBay's token endpoint " + tokenUrl.getHost()
                    + " did not answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryLater(Duration.ZERO, "channel " + channel + ": interrupted while fetching its access token");
        }
        int status = response.statusCode();
        JsonNode answer = parse(response.body());
        if (status == 429 || status >= 500) {
            throw new RetryLater(Duration.ZERO, "channel " + channel + ": eBay's token endpoint answered " + status);
        }
        if (status != 200 || !answer.path("access_token").isTextual()) {
            // error and error_description are eBay's codes (invalid_grant, invalid_client); they never echo a secret.
            String why = (answer.path("error").asText("") + " " + answer.path("error_description").asText("")).trim();
            throw new ChannelUnusable("channel " + channel + ": eBay refused the refresh-token grant (HTTP " + status
                    + (why.isEmpty() ? "" : ", " + why) + "); check orderhub.channels." + channel
                    + ".connector.properties.clientId, clientSecret and refreshToken (the seller may have to consent again)");
        }
        Duration lifetime = Duration.ofSeconds(Math.max(1, answer.path("expires_in").asLong(7200)));
        Duration margin = lifetime.dividedBy(2).compareTo(REFRESH_BEFORE) < 0 ? lifetime.dividedBy(2) : REFRESH_BEFORE;
        refreshAt = clock.instant().plus(lifetime).minus(margin);
        LOG.info("ebay/{}: new user access token, valid {} s", channel, lifetime.toSeconds());
        return answer.path("access_token").asText();
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.missingNode() : json.readTree(body);
        } catch (IOException e) {
            return json.missingNode();
        }
    }

    @Override
    public String toString() {
        return "EbayUserToken[channel=" + channel + ", tokenUrl=" + tokenUrl + ", credentials=****]";
    }
}

package dev.orderhub.connectors.amazon;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.connector.http.OAuthTokens;
import dev.orderhub.connector.http.RateBuckets;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.OperationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Calls the Selling Partner API for one account: the LWA access token in
 * {@code x-amz-access-token}, each operation within its token bucket (rate and burst from
 * connectors/amazon/connector.yaml, then from the {@code x-amzn-RateLimit-Limit} header Amazon
 * sends), a 429 backed off and retried, an expired token refreshed once.
 */
@Component
public class SpApiClient {

    private static final Logger LOG = LoggerFactory.getLogger(SpApiClient.class);
    private static final int THROTTLE_RETRIES = 4;
    private static final long MAX_WAIT_MS = 10_000;

    /** An answer that is not a success, after retries; {@code errors} is Amazon's ErrorList text. */
    public static class SpApiException extends RuntimeException {
        private final int status;

        public SpApiException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** No request left in the operation's bucket (or still throttled after retries): try again later, nothing is lost. */
    public static class ThrottledException extends SpApiException {
        public ThrottledException(String message) {
            super(429, message);
        }
    }

    private final OAuthTokens tokens;
    private final RateBuckets rateLimiter;
    private final ConnectorManifests manifests;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Rates Amazon announced per (account, operation), which replace the manifest's. */
    private final Map<String, Double> announcedRates = new ConcurrentHashMap<>();

    public SpApiClient(OAuthTokens tokens, RateBuckets rateLimiter, ConnectorManifests manifests, ObjectMapper json, Clock clock) {
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.manifests = manifests;
        this.json = json;
        this.clock = clock;
    }

    /** An answer: status and body (JSON when it parses, else null) and its text. */
    public record Answer(int status, JsonNode json, String text) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /** Amazon's first error message ({"errors": [{"code", "message", "details"}]}), or the text. */
        public String error() {
            JsonNode first = json == null ? null : json.path("errors").path(0);
            if (first != null && first.has("message")) {
                return first.path("code").asText() + ": " + first.path("message").asText()
                        + (first.hasNonNull("details") && !first.path("details").asText().isBlank()
                        ? " (" + first.path("details").asText() + ")" : "");
            }
            return text == null || text.length() <= 500 ? text : text.substring(0, 500);
        }
    }

    /** GET an operation's path with query parameters (lists are sent comma-separated, as the spec's csv format says). */
    public JsonNode get(String channel, AmazonProperties.Account account, String operation, String path,
                        Map<String, Object> query) {
        Answer answer = call(channel, account, operation, "GET", path, query, null);
        if (answer.ok()) {
            if (answer.json() == null) {
                throw new SpApiException(answer.status(), operation + " for " + channel + ": the answer is not JSON");
            }
            return answer.json();
        }
        String message = operation + " for " + channel + " answered " + answer.status() + ": " + answer.error();
        throw answer.status() == 429 ? new ThrottledException(message) : new SpApiException(answer.status(), message);
    }

    /**
     * Sends one request and answers whatever Amazon answered, after the client's own retries: a
     * token that expired is refreshed once, a 429 is backed off and retried; only when the 429s
     * outlast the retries does it throw {@link ThrottledException}. Network failures throw
     * {@link SpApiException} with status 0.
     */
    public Answer call(String channel, AmazonProperties.Account account, String operation, String method, String path,
                       Map<String, Object> query, String jsonBody) {
        String queryString = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue() instanceof java.util.Collection<?> values
                        ? values.stream().map(String::valueOf).collect(Collectors.joining(","))
                        : String.valueOf(e.getValue()), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI uri = URI.create(account.endpoint().toString().replaceAll("/$", "") + path + (queryString.isEmpty() ? "" : "?" + queryString));
        OperationPolicy limit = limit(operation);
        String bucket = "amazon:" + channel + ":" + operation;
        long backoff = 1000;
        boolean refreshed = false;
        for (int attempt = 0; ; attempt++) {
            double rate = announcedRates.getOrDefault(channel + ":" + operation, limit.rate());
            awaitToken(bucket, rate, limit.burst(), channel, operation);
            OAuthTokens.Grant grant = new OAuthTokens.Grant(account.tokenUrl(), account.clientId(), account.clientSecret(),
                    account.refreshToken());
            String token = tokens.accessToken(channel, grant);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("x-amz-access-token", token).header("Accept", "application/json");
            if (jsonBody == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
            }
            HttpResponse<String> response = send(request.build(), operation);
            response.headers().firstValue("x-amzn-RateLimit-Limit").ifPresent(announced -> announce(channel, operation, announced));
            int status = response.statusCode();
            String text = response.body() == null ? "" : response.body();
            if (status == 403 && !refreshed && text.contains("expired")) {
                tokens.rejected(channel, token);
                refreshed = true;
                continue;
            }
            if (status == 429 && attempt < THROTTLE_RETRIES) {
                LOG.info("{} for {} throttled (429), retrying in {} ms", operation, channel, backoff);
                rateLimiter.blockUntil(bucket, clock.millis() + backoff);
                sleep(backoff);
                backoff *= 2;
                continue;
            }
            if (status == 429) {
                throw new ThrottledException(operation + " for " + channel + ": still throttled after " + attempt + " retries");
            }
            return new Answer(status, text.isBlank() ? null : parseOrNull(text), text);
        }
    }

    private JsonNode parseOrNull(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Waits for the operation's next request, up to {@value #MAX_WAIT_MS} ms; longer (searchOrders
     * refills one request every three minutes) is a {@link ThrottledException}: the caller
     * tries again on its next round, from where it stood.
     */
    private void awaitToken(String bucket, double rate, double burst, String channel, String operation) {
        long deadline = clock.millis() + MAX_WAIT_MS;
        while (!rateLimiter.tryTake(bucket, rate, burst)) {
            long wait = Math.max(rateLimiter.blockedFor(bucket), (long) Math.ceil(1000 / rate));
            if (clock.millis() + wait > deadline) {
                throw new ThrottledException(operation + " for " + channel + ": no request left in its bucket ("
                        + rate + "/s) for the next " + wait + " ms");
            }
            sleep(Math.max(10, wait));
        }
    }

    private OperationPolicy limit(String operation) {
        return manifests.get("amazon").flatMap(manifest -> manifest.operation(operation)).filter(policy -> policy.rate() != null)
                .orElseThrow(() -> new IllegalStateException("connectors/amazon/connector.yaml has no rate limit for " + operation));
    }

    private void announce(String channel, String operation, String announced) {
        try {
            double rate = Double.parseDouble(announced.trim());
            if (rate > 0 && !Double.valueOf(rate).equals(announcedRates.put(channel + ":" + operation, rate))) {
                LOG.info("{} for {}: Amazon announces {} requests/s", operation, channel, rate);
            }
        } catch (NumberFormatException e) {
            LOG.debug("{}: x-amzn-RateLimit-Limit {} is not a number", operation, announced);
        }
    }

    private HttpResponse<String> send(HttpRequest request, String operation) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SpApiException(0, operation + ": " + request.uri().getHost() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpApiException(0, operation + ": interrupted");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

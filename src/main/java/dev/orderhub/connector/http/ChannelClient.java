package dev.orderhub.connector.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP client of one channel account, written once for every connector: it refuses hosts
 * outside the account's allow-list before sending anything, attaches the account's access token
 * (fetched and cached by one thread at a time, fetched anew once when the remote rejects it),
 * takes each request from the operation's token bucket shared by all hub instances, and retries
 * what is worth retrying within the operation's {@link OperationPolicy}.
 *
 * <p>What comes back is typed: an {@link HttpAnswer} for a 2xx, 3xx or 4xx (one try; a 4xx is the
 * remote's final word on this request, with its error body), or {@link RetryLater} when the
 * bucket is empty, the remote throttles (429, honouring {@code Retry-After} as seconds or an
 * HTTP-date, and {@code X-RateLimit-Remaining}/{@code X-RateLimit-Reset}), or 408, 5xx, timeouts
 * and connection failures outlast the attempts. A remote's {@code x-amzn-RateLimit-Limit}
 * replaces the operation's rate from then on.
 *
 * <p>Only what is safe to send twice is sent twice: a GET, PUT or DELETE, a call with an
 * idempotency key, or any call the remote surely did not process (a 429, a connection that was
 * never made). A POST or PATCH without a key that failed with a 5xx or a timeout may already
 * have been applied; it ends in {@link RetryLater} at once, and the caller (who can ask the
 * remote whether it got through) decides.
 *
 * <p>Built on {@code java.net.http.HttpClient} rather than Camel's http component: a connector
 * calls this from Java (a bean step, a mapping), and every decision here (retry, wait, refresh)
 * depends on the answer just read, which reads as one loop in Java and as scattered headers and
 * error handlers in a route. The retry is that loop rather than Resilience4j's Retry: the 401
 * refresh must not count as an attempt, the bucket wait and the remote's Retry-After share one
 * bound, and a wait past that bound ends the call with the wait named; Resilience4j would split
 * that over a result predicate, an interval function and exception predicates, and it sleeps in
 * a way tests cannot see. Here every wait goes through {@link Pause}, on the caller's thread.
 *
 * <p>Make one per account and keep it: the token, the announced rates and the connection pool
 * live in it. Thread-safe.
 */
public final class ChannelClient {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelClient.class);
    static final String CALLS_METER = "orderhub.connector.calls";

    private final ChannelAccount account;
    private final HttpClient http;
    private final AccessTokens tokens;
    private final RateBuckets buckets;
    private final ObjectMapper json;
    private final Clock clock;
    private final Pause pause;
    private final MeterRegistry meters;
    /** Rates the remote announced per operation, which replace the policy's. */
    private final Map<String, Double> announcedRates = new ConcurrentHashMap<>();

    ChannelClient(ChannelAccount account, RateBuckets buckets, ObjectMapper json, Clock clock, Pause pause,
                  MeterRegistry meters) {
        this.account = account;
        this.http = HttpClient.newBuilder().connectTimeout(account.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.tokens = new AccessTokens(account.toString(), account.credentials(), http, json, clock);
        this.buckets = buckets;
        this.json = json;
        this.clock = clock;
        this.pause = pause;
        this.meters = meters;
    }

    public ChannelAccount account() {
        return account;
    }

    /**
     * Sends {@code call} as operation {@code policy} says and answers what the remote answered.
     *
     * @throws HostNotAllowedException the URL's host is not on the account's allow-list; nothing was sent
     * @throws RetryLater              throttled or still failing after the operation's attempts; try after {@link RetryLater#after()}
     * @throws TokenRefusedException   the token endpoint refused the account's grant
     */
    public HttpAnswer send(OperationPolicy policy, HttpCall call) {
        String label = account + " " + policy.operation();
        URI uri = call.resolve(account.baseUrl());
        try {
            account.allowedHosts().check(uri, label);
        } catch (HostNotAllowedException e) {
            count(policy, "refused");
            throw e;
        }
        checkIdempotency(policy, call, label);
        boolean withToken = call.authenticated() && tokens.placement() != null
                && account.baseUrl().getHost().equalsIgnoreCase(uri.getHost());
        byte[] body = body(call, label);
        String bucket = account.connector() + ":" + account.channel() + ":" + policy.operation();
        Waits waits = new Waits(policy.longestWait());
        HttpAnswer lastRetried = null;
        boolean repeatable = call.idempotencyKey() != null || REPEATABLE.contains(call.method());
        try {
            for (int attempt = 1; ; attempt++) {
                takeToken(policy, bucket, waits, label, lastRetried);
                String failure;
                Duration wait;
                boolean notProcessed; // the remote surely did nothing with it: safe to send again
                Duration remoteAsked = null; // a wait the remote asked for (Retry-After, a rate window's reset)
                try {
                    HttpAnswer answer = exchange(policy, call, uri, body, withToken, label);
                    Duration asked = learnLimits(policy, bucket, answer);
                    if (!retryable(answer.status())) {
                        count(policy, answer.status() / 100 + "xx");
                        return answer;
                    }
                    lastRetried = answer;
                    notProcessed = answer.status() == 429;
                    failure = label + ": " + answer.status();
                    remoteAsked = asked;
                    wait = asked != null ? asked : backoff(policy, attempt);
                    if (answer.status() == 429 || asked != null) {
                        buckets.blockUntil(bucket, clock.millis() + wait.toMillis());
                    }
                } catch (HttpConnectTimeoutException e) {
                    failure = label + ": " + uri.getHost() + " not reached within " + account.connectTimeout().toMillis() + " ms";
                    wait = backoff(policy, attempt);
                    notProcessed = true;
                } catch (HttpTimeoutException e) {
                    failure = label + ": no answer within " + policy.timeout().toMillis() + " ms";
                    wait = backoff(policy, attempt);
                    notProcessed = false;
                } catch (ConnectException e) {
                    failure = label + ": " + call.target() + " failed (ConnectException"
                            + (e.getMessage() == null ? "" : ": " + account.credentials().scrub(e.getMessage())) + ")";
                    wait = backoff(policy, attempt);
                    notProcessed = true;
                } catch (IOException e) {
                    notProcessed = false;
                    failure = label + ": " + call.target() + " failed (" + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + account.credentials().scrub(e.getMessage())) + ")";
                    wait = backoff(policy, attempt);
                }
                if (!repeatable && !notProcessed) {
                    // A POST or PATCH without an idempotency key may have been applied before it
                    // failed: sending it again could do it twice. The caller decides (it can ask first).
                    // The caller's own backoff applies, unless the remote asked for a wait.
                    throw retryLater(policy, remoteAsked == null ? Duration.ZERO : remoteAsked, failure + "; not sent again: " + call.method()
                            + " without an idempotency key may already have been applied", lastRetried);
                }
                if (attempt >= policy.maxAttempts()) {
                    throw retryLater(policy, wait, failure + " after " + attempt + " attempt(s)", lastRetried);
                }
                if (!waits.allow(wait)) {
                    throw retryLater(policy, wait, failure + "; waiting " + wait.toMillis()
                            + " ms more would pass its longest wait of " + policy.longestWait().toMillis() + " ms", lastRetried);
                }
                LOG.info("{}, attempt {} of {}; trying again in {} ms", failure, attempt, policy.maxAttempts(), wait.toMillis());
                pause.pause(wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw retryLater(policy, Duration.ZERO, label + ": interrupted", lastRetried);
        } catch (TokenRefusedException e) {
            count(policy, "token_refused");
            throw e;
        }
    }

    /** The rate the operation is held to now: the remote's announcement, else the policy's. */
    public double rate(OperationPolicy policy) {
        return announcedRates.getOrDefault(policy.operation(), policy.ratePerSecond());
    }

    /** Writes {@code value} as JSON with the hub's ObjectMapper. */
    public String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(account + ": cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** Grants made against the token endpoint so far (for tests and the health page). */
    int grants() {
        return tokens.grants();
    }

    /** Methods whose repetition does no more than the first request did (RFC 9110 9.2.2). */
    private static final Set<String> REPEATABLE = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || (status >= 500 && status != 501);
    }

    private void takeToken(OperationPolicy policy, String bucket, Waits waits, String label, HttpAnswer lastRetried)
            throws InterruptedException {
        double rate = rate(policy);
        while (!buckets.tryTake(bucket, rate, policy.burst())) {
            Duration wait = Duration.ofMillis(Math.max(buckets.blockedFor(bucket), (long) Math.ceil(1000 / rate)));
            if (!waits.allow(wait)) {
                throw retryLater(policy, wait, label + ": no request left in its bucket (" + rate + "/s, burst "
                        + policy.burst() + ") within its longest wait of " + policy.longestWait().toMillis() + " ms", lastRetried);
            }
            pause.pause(wait);
        }
    }

    /** One request; when the remote rejects the token, once more with a fresh one (that is not an attempt of its own). */
    private HttpAnswer exchange(OperationPolicy policy, HttpCall call, URI uri, byte[] body, boolean withToken, String label)
            throws IOException, InterruptedException {
        String token = withToken ? tokens.token() : null;
        HttpAnswer answer = answer(http.send(request(policy, call, uri, body, token), HttpResponse.BodyHandlers.ofByteArray()));
        if (token != null && tokens.renewable() && account.tokenRejected().test(answer)) {
            LOG.info("{}: the remote rejected the access token ({}); sending once more with a fresh one", label, answer.status());
            tokens.rejected(token);
            String fresh = tokens.token();
            answer = answer(http.send(request(policy, call, uri, body, fresh), HttpResponse.BodyHandlers.ofByteArray()));
        }
        return answer;
    }

    private HttpRequest request(OperationPolicy policy, HttpCall call, URI uri, byte[] body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(policy.timeout());
        call.headers().forEach(request::header);
        if (call.headers().keySet().stream().noneMatch("Accept"::equalsIgnoreCase)) {
            request.header("Accept", "application/json");
        }
        if (token != null) {
            TokenPlacement placement = tokens.placement();
            request.header(placement.header(), placement.value(token));
        }
        if (policy.idempotencyHeader() != null) {
            request.header(policy.idempotencyHeader(), call.idempotencyKey());
        }
        if (body == null) {
            request.method(call.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            if (call.contentType() != null) {
                request.header("Content-Type", call.contentType());
            }
            request.method(call.method(), HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return request.build();
    }

    private HttpAnswer answer(HttpResponse<byte[]> response) {
        byte[] content = response.body() == null ? new byte[0] : response.body();
        String text = new String(content, StandardCharsets.UTF_8);
        JsonNode parsed = null;
        if (!text.isBlank()) {
            try {
                parsed = json.readTree(text);
            } catch (IOException e) {
                parsed = null;
            }
        }
        return new HttpAnswer(response.statusCode(), response.headers(), content, text, parsed);
    }

    /**
     * Reads what the remote says about its limits: a new rate for the operation, a bucket that is
     * empty until a reset. Answers the wait the remote asked for, if it asked.
     */
    private Duration learnLimits(OperationPolicy policy, String bucket, HttpAnswer answer) {
        String announced = answer.header("x-amzn-RateLimit-Limit");
        if (announced != null) {
            try {
                double rate = Double.parseDouble(announced.trim());
                if (rate > 0 && !Double.valueOf(rate).equals(announcedRates.put(policy.operation(), rate))) {
                    LOG.info("{} {}: the remote announces {} requests/s", account, policy.operation(), rate);
                }
            } catch (NumberFormatException e) {
                LOG.debug("{} {}: x-amzn-RateLimit-Limit {} is not a number", account, policy.operation(), announced);
            }
        }
        Duration reset = null;
        String remaining = answer.header("X-RateLimit-Remaining");
        if (remaining != null && remaining.trim().equals("0")) {
            reset = RateHeaders.resetWait(answer.header("X-RateLimit-Reset"), clock.instant());
            if (reset != null && !retryable(answer.status())) {
                buckets.blockUntil(bucket, clock.millis() + reset.toMillis());
            }
        }
        // Retry-After, or X-Retry-After (seconds) as ShipBob sends it.
        String asked = answer.header("Retry-After") != null ? answer.header("Retry-After") : answer.header("X-Retry-After");
        Duration retryAfter = retryAfter(asked);
        return retryAfter != null ? retryAfter : reset;
    }

    /** {@code Retry-After}: delta seconds or an HTTP-date (RFC 9110 10.2.3). */
    Duration retryAfter(String value) {
        Duration wait = RateHeaders.retryAfter(value, clock.instant());
        if (wait == null && value != null && !value.isBlank()) {
            LOG.debug("{}: Retry-After \"{}\" is neither seconds nor an HTTP-date", account, value.trim());
        }
        return wait;
    }

    /** The operation's backoff after {@code failedAttempts} failures, with jitter: between half and all of it. */
    private static Duration backoff(OperationPolicy policy, int failedAttempts) {
        long full = Backoff.millis(policy.backoffBase().toMillis(), failedAttempts - 1, policy.backoffMax().toMillis());
        return Duration.ofMillis(full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1));
    }

    private void checkIdempotency(OperationPolicy policy, HttpCall call, String label) {
        if (policy.idempotencyHeader() != null && (call.idempotencyKey() == null || call.idempotencyKey().isBlank())) {
            throw new IllegalArgumentException(label + ": the operation sends " + policy.idempotencyHeader()
                    + ", so the call needs an idempotency key");
        }
        if (policy.idempotencyHeader() == null && call.idempotencyKey() != null) {
            throw new IllegalArgumentException(label + ": the call has an idempotency key but the operation declares "
                    + "no header to send it in");
        }
    }

    private byte[] body(HttpCall call, String label) {
        Object body = call.body();
        if (body == null) {
            return null;
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(label + ": cannot write the " + body.getClass().getSimpleName()
                    + " body as JSON (" + e.getOriginalMessage() + ")", e);
        }
    }

    private RetryLater retryLater(OperationPolicy policy, Duration after, String reason, HttpAnswer lastRetried) {
        count(policy, "retry_later");
        return new RetryLater(after, reason, lastRetried);
    }

    private void count(OperationPolicy policy, String outcome) {
        if (meters != null) {
            Counter.builder(CALLS_METER).description("Connector calls by outcome")
                    .tag("connector", account.connector()).tag("operation", policy.operation()).tag("outcome", outcome)
                    .register(meters).increment();
        }
    }

    /** The time one call has spent waiting, against its longest wait. */
    private static final class Waits {
        private final long limit;
        private long spent;

        Waits(Duration longestWait) {
            this.limit = longestWait.toMillis();
        }

        boolean allow(Duration wait) {
            if (spent + wait.toMillis() > limit) {
                return false;
            }
            spent += wait.toMillis();
            return true;
        }
    }
}

package dev.orderhub.connectors.webhook;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for a shop or marketplace taking the webhook connector's stock batches
 * (connectors/webhook/README.md): it remembers every update per channel and sku in arrival
 * order, enforces its own rate limit (429 with Retry-After beyond it), and can be told to
 * fail (500), throttle (429) or answer slowly. Optionally it "sells": a listing accepts
 * orders only while the quantity last pushed to it is above zero.
 */
public final class WebhookStockStub implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One accepted update, with the time it arrived. */
    public record Received(String channel, String sku, long quantity, long version, long atNanos, long atMillis) {
    }

    private final HttpServer server;
    /** Every request and answer, and scripted faults ahead of the handler: for the conformance suite. */
    final dev.orderhub.conformance.StubTap tap = new dev.orderhub.conformance.StubTap(
            status -> "{\"error\":\"scripted HTTP " + status + "\"}");
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Received> latest = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final Map<String, List<Long>> requestNanos = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> throttledNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> throttleNext = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> exhaustNext = new ConcurrentHashMap<>();
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>();
    private volatile int failWith = 0;
    private final Map<String, java.util.Queue<Fault>> faults = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> appliedKeys = new ConcurrentHashMap<>();
    private final AtomicInteger repeatedKeys = new AtomicInteger();
    private final Map<String, List<Long>> attemptNanos = new ConcurrentHashMap<>();
    private volatile long slowMillis = 1500;

    /** What the next request of a channel meets, in order (see {@link #script}). */
    public enum Fault {
        /** 500 with a JSON error; nothing applied. */
        ERROR_500,
        /** The connection is closed without an answer; nothing applied. */
        RESET,
        /** Applied, then answered only after {@link #slowMillis}: the caller's timeout fires first. */
        APPLIED_BUT_SLOW
    }
    private volatile double ratePerSecond = 0;
    private final Map<String, String> expectedTokens = new ConcurrentHashMap<>();

    public WebhookStockStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tap.on(server.createContext("/", this::handle));
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "webhook-stub");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /** The URL a channel's stockSink points at; the path names the channel. */
    public String url(String channel) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/stock/" + channel;
    }

    /** From now on every request answers this status (0: normal service again). */
    public void failWith(int status) {
        this.failWith = status;
    }

    /** The next requests of this channel that carry this (listing) sku meet these faults, one each, then normal service. */
    public void script(String channel, String sku, Fault... next) {
        faults.computeIfAbsent(channel + "|" + sku, c -> new java.util.concurrent.ConcurrentLinkedQueue<>()).addAll(List.of(next));
    }

    /** When each request of this channel carrying this sku arrived (System.nanoTime), whatever its answer. */
    public List<Long> attempts(String channel, String sku) {
        return List.copyOf(attemptNanos.getOrDefault(channel + "|" + sku, List.of()));
    }

    /** How long an APPLIED_BUT_SLOW answer takes. */
    public void slowMillis(long millis) {
        this.slowMillis = millis;
    }

    /** Requests that carried an Idempotency-Key already applied: answered 2xx, not applied again. */
    public int repeatedKeys() {
        return repeatedKeys.get();
    }

    /** The next n requests for this channel answer 429 with Retry-After: 1. */
    public void throttleNext(String channel, int n) {
        throttleNext.computeIfAbsent(channel, c -> new AtomicInteger()).set(n);
    }

    /** The next n accepted requests for this channel say the rate window is used up for a second. */
    public void exhaustWindowAfterNext(String channel, int n) {
        exhaustNext.computeIfAbsent(channel, c -> new AtomicInteger()).set(n);
    }

    /** Normal service on every channel: no failures, no forced 429s, no rate limit. */
    public void reset() {
        failWith = 0;
        ratePerSecond = 0;
        faults.clear();
        throttleNext.clear();
        exhaustNext.clear();
        buckets.clear();
    }

    /** The remote's own limit per channel: more requests than this per second answer 429 (0: no limit). */
    public void rateLimit(double perSecond) {
        this.ratePerSecond = perSecond;
    }

    /** Requests for this channel must carry "Authorization: Bearer token", else 401. */
    public void requireToken(String channel, String token) {
        expectedTokens.put(channel, token);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            String channel = exchange.getRequestURI().getPath().replaceFirst("^/stock/", "");
            requestNanos.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
            String expectedToken = expectedTokens.get(channel);
            if (expectedToken != null && !("Bearer " + expectedToken).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            if (failWith != 0) {
                answer(exchange, failWith, "{\"error\":\"unavailable\"}");
                return;
            }
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            JsonNode batch = JSON.readTree(requestBody);
            Fault fault = null;
            for (JsonNode update : batch.path("updates")) {
                String sku = update.path("sku").asText();
                attemptNanos.computeIfAbsent(channel + "|" + sku, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
                java.util.Queue<Fault> script = faults.get(channel + "|" + sku);
                Fault next = script == null ? null : script.poll();
                fault = fault == null ? next : fault;
            }
            if (fault == Fault.ERROR_500) {
                answer(exchange, 500, "{\"error\":\"internal error (scripted)\"}");
                return;
            }
            if (fault == Fault.RESET) {
                // No answer at all: the server drops the connection of a handler that throws.
                throw new IOException("scripted reset: connection dropped without an answer");
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (key != null && appliedKeys.getOrDefault(channel, Set.of()).contains(key)) {
                repeatedKeys.incrementAndGet();
                answer(exchange, 200, "{\"accepted\":0,\"repeat\":true}");
                return;
            }
            AtomicInteger toThrottle = throttleNext.get(channel);
            boolean forced = toThrottle != null && toThrottle.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (forced || !withinRate(channel)) {
                throttled.incrementAndGet();
                throttledNanos.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
                exchange.getResponseHeaders().add("Retry-After", "1");
                answer(exchange, 429, "{\"error\":\"too many requests\"}");
                return;
            }
            long nanos = System.nanoTime();
            long millis = System.currentTimeMillis();
            for (JsonNode update : batch.path("updates")) {
                Received r = new Received(channel, update.path("sku").asText(), update.path("quantity").asLong(),
                        update.path("version").asLong(), nanos, millis);
                received.add(r);
                latest.put(channel + "|" + r.sku(), r);
            }
            if (key != null) {
                appliedKeys.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(key);
            }
            if (fault == Fault.APPLIED_BUT_SLOW) {
                try {
                    Thread.sleep(slowMillis); // a remote slower than the caller's timeout, by design of this fault
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            AtomicInteger exhaust = exhaustNext.get(channel);
            if (exhaust != null && exhaust.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.getResponseHeaders().add("X-RateLimit-Remaining", "0");
                exchange.getResponseHeaders().add("X-RateLimit-Reset", "1");
            }
            answer(exchange, 200, "{\"accepted\":" + batch.path("updates").size() + "}");
        }
    }

    private synchronized boolean withinRate(String channel) {
        double rate = ratePerSecond;
        if (rate <= 0) {
            return true;
        }
        double[] bucket = buckets.computeIfAbsent(channel, c -> new double[] {rate, System.nanoTime()});
        long now = System.nanoTime();
        bucket[0] = Math.min(rate, bucket[0] + (now - bucket[1]) / 1e9 * rate);
        bucket[1] = now;
        if (bucket[0] >= 1) {
            bucket[0] -= 1;
            return true;
        }
        return false;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The quantity a channel shows for a listing sku now (null: never pushed). */
    public Long shown(String channel, String sku) {
        Received r = latest.get(channel + "|" + sku);
        return r == null ? null : r.quantity();
    }

    public List<Received> received(String channel, String sku) {
        List<Received> matching = new ArrayList<>();
        for (Received r : received) {
            if (r.channel().equals(channel) && r.sku().equals(sku)) {
                matching.add(r);
            }
        }
        return matching;
    }

    public List<Received> all() {
        return List.copyOf(received);
    }

    public int requests() {
        return requests.get();
    }

    /** Arrival times of a channel's requests, and of those answered 429. */
    public List<Long> requestTimes(String channel) {
        return List.copyOf(requestNanos.getOrDefault(channel, List.of()));
    }

    public List<Long> throttledTimes(String channel) {
        return List.copyOf(throttledNanos.getOrDefault(channel, List.of()));
    }

    public int throttled() {
        return throttled.get();
    }

    public int throttled(String channel) {
        return throttledNanos.getOrDefault(channel, List.of()).size();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

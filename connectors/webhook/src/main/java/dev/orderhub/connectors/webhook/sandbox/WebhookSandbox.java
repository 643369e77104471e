package dev.orderhub.connectors.webhook.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.connector.Sandbox;

/**
 * A stand-in for a shop or marketplace taking the webhook connector's stock batches
 * (connectors/webhook/README.md): it remembers every update per channel and sku in arrival
 * order, honours an Idempotency-Key it has applied, enforces its own rate limit (429 with
 * Retry-After beyond it), checks a bearer token per channel, and can be told to fail (500),
 * throttle (429), drop the connection or answer slowly.
 *
 * <p>It is the hub's demo sandbox for the connector ({@link Sandbox}): the shop's sink, and the
 * shop's buyers, whose orders it posts to the hub's order API as such a shop does. It is also
 * the base of the tests' stub ({@code WebhookStockStub} in the test sources, which adds the
 * conformance tap through {@link #filters}). Nothing listens until {@link #start(String, List, URI)}
 * (or a subclass's {@link #serve()}) is called. JDK HttpServer, java.net.http and Jackson only.
 */
public class WebhookSandbox implements Sandbox {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One accepted update, with the time it arrived. */
    public record Received(String channel, String sku, long quantity, long version, long atNanos, long atMillis) {
    }

    private volatile HttpServer server;
    private volatile String demoChannel;
    private volatile URI hub;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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

    /** Harmless: nothing listens until {@link #start} or {@link #serve()}. */
    public WebhookSandbox() {
    }

    /**
     * Starts serving on 127.0.0.1 at a free port (once; a second call does nothing), with
     * {@link #filters()} on its context and its handler through {@link #handler}.
     */
    protected final synchronized void serve() throws IOException {
        if (server != null) {
            return;
        }
        HttpServer created = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        HttpContext context = created.createContext("/", handler("/", this::handle));
        context.getFilters().addAll(filters());
        created.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "webhook-sandbox");
            thread.setDaemon(true);
            return thread;
        }));
        created.start();
        server = created;
    }

    /** Hook: the handler served at this context path; a subclass may wrap {@code behaviour}. The default serves it as it is. */
    protected HttpHandler handler(String contextPath, HttpHandler behaviour) {
        return behaviour;
    }

    /** Hook: filters added to every context, in this order (the default: none). Called once, by {@link #serve()}. */
    protected List<Filter> filters() {
        return List.of();
    }

    /** Whether it is serving. */
    public boolean started() {
        return server != null;
    }

    // ---- the demo (Sandbox) --------------------------------------------------------------------

    @Override
    public String connector() {
        return "webhook";
    }

    /**
     * Serves, and answers the channel's properties: {@code url} (this sink, the path naming the
     * channel) and a fresh {@code authorizationToken} that the sink then requires. A webhook
     * shop has no listings to set up: every sku takes the stock the hub pushes.
     */
    @Override
    public Map<String, String> start(String channel, List<String> skus, URI hub) {
        try {
            serve();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the webhook sandbox cannot start", e);
        }
        this.demoChannel = channel;
        this.hub = hub;
        String token = "sandbox-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        requireToken(channel, token);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("url", url(channel));
        properties.put("authorizationToken", token);
        return properties;
    }

    /**
     * A buyer orders at the shop: the shop posts the order, as canonical order JSON, to the hub's
     * {@code POST {hub}/api/channels/{channel}/orders} (on the demo the hub is on loopback and
     * takes it as admin) and answers the channel order id once the hub accepted it (2xx).
     */
    @Override
    public String placeOrder(String sku, int qty) {
        String channel = demoChannel;
        URI target = hub;
        if (channel == null || target == null) {
            throw new IllegalStateException("the webhook sandbox is not started");
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String orderId = "WS-" + String.format("%08d", random.nextInt(100_000_000));
        ObjectNode order = JSON.createObjectNode();
        order.put("channelOrderId", orderId);
        order.put("fulfilmentMode", "MERCHANT");
        order.put("placedAt", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        order.put("currency", "EUR");
        order.putObject("buyer").put("name", "Demo Buyer").put("email", "demo.buyer@example.com");
        boolean dutch = random.nextBoolean();
        order.putObject("shipTo").put("name", "Demo Buyer").put("line1", dutch ? "Damrak 70" : "Torstrasse 140")
                .put("city", dutch ? "Amsterdam" : "Berlin").put("postalCode", dutch ? "1012 LM" : "10119")
                .put("country", dutch ? "NL" : "DE");
        order.putArray("lines").addObject().put("lineId", "1").put("sku", sku).put("qty", qty).put("unitPrice", "19.99");
        String base = target.toString().replaceAll("/+$", "");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/channels/"
                        + java.net.URLEncoder.encode(channel, StandardCharsets.UTF_8) + "/orders"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(order.toString())).build();
        HttpResponse<String> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("the hub did not take order " + orderId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted posting order " + orderId, e);
        }
        if (answer.statusCode() / 100 != 2) {
            throw new IllegalStateException("the hub refused order " + orderId + ": HTTP " + answer.statusCode() + " " + answer.body());
        }
        return orderId;
    }

    /** The quantity last pushed per sku to the demo channel (to every channel before start). */
    @Override
    public Map<String, Long> shown() {
        String channel = demoChannel;
        Map<String, Long> shown = new LinkedHashMap<>();
        latest.values().stream().filter(r -> channel == null || r.channel().equals(channel))
                .forEach(r -> shown.put(r.sku(), r.quantity()));
        return shown;
    }

    // ---- the sink ------------------------------------------------------------------------------

    /** The URL a channel's stockSink points at; the path names the channel. */
    public String url(String channel) {
        HttpServer serving = server;
        if (serving == null) {
            throw new IllegalStateException("the webhook sandbox is not started");
        }
        return "http://127.0.0.1:" + serving.getAddress().getPort() + "/stock/" + channel;
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

    protected static void answer(HttpExchange exchange, int status, String body) throws IOException {
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

    /** Stops serving (nothing to stop when it never started). */
    @Override
    public synchronized void close() {
        HttpServer serving = server;
        if (serving != null) {
            serving.stop(0);
            ((ExecutorService) serving.getExecutor()).shutdownNow();
        }
    }
}

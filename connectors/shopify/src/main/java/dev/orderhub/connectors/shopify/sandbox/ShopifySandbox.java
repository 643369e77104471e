package dev.orderhub.connectors.shopify.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.connector.Sandbox;

/**
 * A Shopify shop's Admin GraphQL API 2026-04 in memory, written from the published introspection
 * (shopify-admin-graphql) for the fields the connector uses: {@code orders} (search by
 * {@code updated_at}, cursor pages sorted by UPDATED_AT), {@code order}, {@code inventoryItems}
 * (search by sku), {@code job}, and the mutations {@code inventorySetQuantities} (refused without
 * {@code @idempotent(key:)}, key replay, {@code changeFromQuantity} compare-and-swap),
 * {@code fulfillmentCreate} on fulfilment orders, {@code orderCancel} (a Job done later). It
 * charges each query's cost to a leaky bucket and answers THROTTLED (HTTP 200) when the bucket
 * cannot pay, refuses a wrong or revoked token with 401, can apply a call and lose its answer,
 * and pushes signed webhooks (orders/create, orders/cancelled) to the hub, dropping some as
 * Shopify's delivery may.
 *
 * <p>It serves only once {@link #start} is called. Filters added with {@link #addFilter} see
 * every exchange (the tests record them with one).
 */
public final class ShopifySandbox implements Sandbox {

    public static final String API_PATH = "/admin/api/2026-04/graphql.json";
    public static final String LOCATION = "gid://shopify/Location/64820674637";
    /** Shopify's Standard plan: a 2000-point bucket restored at 100 points/s (README.md, "Rate limits"). */
    public static final double STANDARD_BUCKET = 2000;
    public static final double STANDARD_RESTORE = 100;
    static final int MAX_QUERY_COST = 1000;
    /** Ids start above 2^53, so anything that passes them through a double shows. */
    private static final long FIRST_ID = 9_007_199_254_740_993L;
    private static final Set<String> REASONS = Set.of("correction", "cycle_count_available", "damaged", "movement_created",
            "movement_updated", "movement_received", "movement_canceled", "other", "promotion", "quality_control", "received",
            "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    // ---- the shop's state --------------------------------------------------------------------

    static final class Line {
        final long id;
        final String sku;
        final int quantity;
        final String price;

        Line(long id, String sku, int quantity, String price) {
            this.id = id;
            this.sku = sku;
            this.quantity = quantity;
            this.price = price;
        }
    }

    static final class FoLine {
        final long id;
        final Line line;
        int remaining;

        FoLine(long id, Line line) {
            this.id = id;
            this.line = line;
            this.remaining = line.quantity;
        }
    }

    static final class FulfillmentOrder {
        final long id;
        final List<FoLine> lines = new ArrayList<>();
        String status = "OPEN";

        FulfillmentOrder(long id) {
            this.id = id;
        }
    }

    /** A fulfilment as Shopify keeps it: tracking and the quantity of each order line it took. */
    public record Fulfillment(long id, String status, String company, String number, Map<String, Integer> lines, Instant createdAt) {
    }

    static final class Order {
        final long id;
        final Instant createdAt;
        Instant updatedAt;
        Instant cancelledAt;
        String cancelReason;
        final String currency = "EUR";
        final List<Line> lines = new ArrayList<>();
        final List<FulfillmentOrder> fulfillmentOrders = new ArrayList<>();
        final List<Fulfillment> fulfillments = new ArrayList<>();
        String cancelJob;

        Order(long id, Instant createdAt) {
            this.id = id;
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
        }
    }

    static final class Item {
        final long id;
        final String sku;
        final Instant createdAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        final Map<String, Long> available = new ConcurrentHashMap<>();

        Item(long id, String sku) {
            this.id = id;
            this.sku = sku;
        }
    }

    record Job(String id, long doneAtNanos) {
        boolean done() {
            return System.nanoTime() >= doneAtNanos;
        }
    }

    record Stored(String request, JsonNode data) {
    }

    /** A signed webhook delivery: its headers (X-Shopify-*) and exact body bytes. */
    public record Delivery(Map<String, String> headers, byte[] body) {
    }

    private final AtomicLong ids = new AtomicLong(FIRST_ID);
    private final Map<Long, Order> orders = new ConcurrentHashMap<>();
    private final Map<String, Item> items = new ConcurrentHashMap<>(); // by sku
    private final Map<String, Long> shown = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Stored> idempotency = new ConcurrentHashMap<>();
    private final List<Long> sellerCancelled = new CopyOnWriteArrayList<>();
    private final List<Filter> filters = new CopyOnWriteArrayList<>();
    private final List<Predicate<String>> losing = new CopyOnWriteArrayList<>();
    private final AtomicInteger webhooksSent = new AtomicInteger();
    private final AtomicInteger quantitySets = new AtomicInteger();
    private final AtomicInteger webhooksDropped = new AtomicInteger();

    private final String token;
    private final String webhookSecret;
    private volatile boolean tokenRevoked;
    private volatile Duration jobTime = Duration.ofMillis(300);
    private volatile int dropEvery; // 0: never drop a webhook
    private double bucketMaximum = STANDARD_BUCKET;
    private double restoreRate = STANDARD_RESTORE;
    private double bucket = STANDARD_BUCKET;
    private long bucketAt = System.nanoTime();

    private HttpServer server;
    private HttpContext context;
    private ScheduledExecutorService scheduler;
    private HttpClient webhookClient;
    private volatile URI webhookTarget;

    public ShopifySandbox() {
        this(secret("shpat_"), secret(""));
    }

    public ShopifySandbox(String token, String webhookSecret) {
        this.token = token;
        this.webhookSecret = webhookSecret;
    }

    private static String secret(String prefix) {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    @Override
    public String connector() {
        return "shopify";
    }

    /** Adds a filter to the sandbox's HTTP context (now, or when it starts). */
    public synchronized ShopifySandbox addFilter(Filter filter) {
        filters.add(filter);
        if (context != null) {
            context.getFilters().add(filter);
        }
        return this;
    }

    @Override
    public synchronized Map<String, String> start(String channel, List<String> skus, URI hub) {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException("the Shopify sandbox cannot listen on 127.0.0.1", e);
            }
            context = server.createContext(API_PATH, this::handle);
            context.getFilters().addAll(filters);
            server.setExecutor(Executors.newFixedThreadPool(8, daemon("shopify-sandbox")));
            scheduler = Executors.newSingleThreadScheduledExecutor(daemon("shopify-sandbox-jobs"));
            webhookClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            server.start();
        }
        skus.forEach(this::list);
        if (hub != null) {
            webhookTarget = URI.create(hub.toString().replaceAll("/+$", "") + "/api/channels/" + channel + "/webhooks/shopify");
            dropEvery = 10;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("shop", "orderhub-sandbox");
        properties.put("endpoint", endpoint());
        properties.put("accessToken", token);
        properties.put("webhookSecret", webhookSecret);
        properties.put("locationId", LOCATION);
        return properties;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String token() {
        return token;
    }

    public String webhookSecret() {
        return webhookSecret;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            scheduler.shutdownNow();
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
            server = null;
            context = null;
        }
    }

    // ---- what a buyer, a merchant and the tests do -------------------------------------------

    /** The sku becomes a tracked inventory item stocked at the location (0 available). */
    public void list(String sku) {
        items.computeIfAbsent(sku, s -> {
            Item item = new Item(ids.getAndIncrement(), s);
            item.available.put(LOCATION, 0L);
            return item;
        });
    }

    /** An item of this sku that is not stocked at the location (inventoryLevel is null there). */
    public void listElsewhere(String sku) {
        items.computeIfAbsent(sku, s -> new Item(ids.getAndIncrement(), s));
    }

    /** The merchant (or a sale) changes the available quantity in Shopify itself. */
    public void setAvailable(String sku, long quantity) {
        list(sku);
        items.get(sku).available.put(LOCATION, quantity);
    }

    public Long available(String sku) {
        Item item = items.get(sku);
        return item == null ? null : item.available.get(LOCATION);
    }

    @Override
    public String placeOrder(String sku, int qty) {
        long id = ids.getAndIncrement();
        putOrder(id, List.<Object[]>of(new Object[] {sku, qty}), Instant.now());
        Item item = items.get(sku);
        if (item != null) {
            item.available.computeIfPresent(LOCATION, (l, q) -> q - qty); // Shopify decrements on sale
        }
        if (webhookTarget != null) {
            push("orders/create", id);
        }
        return Long.toString(id);
    }

    /** An open order of these lines ({sku, qty} pairs; a null sku makes it one the hub cannot map), updated at {@code updated}. */
    public synchronized void putOrder(long id, List<Object[]> lines, Instant updated) {
        Instant at = updated.truncatedTo(ChronoUnit.SECONDS); // Shopify's DateTime has whole seconds
        Order order = new Order(id, at.minusSeconds(60));
        order.updatedAt = at;
        FulfillmentOrder fo = new FulfillmentOrder(ids.getAndIncrement());
        for (Object[] line : lines) {
            Line l = new Line(ids.getAndIncrement(), (String) line[0], (Integer) line[1], "19.99");
            order.lines.add(l);
            fo.lines.add(new FoLine(ids.getAndIncrement(), l));
        }
        order.fulfillmentOrders.add(fo);
        orders.put(id, order);
    }

    /** The buyer cancels on Shopify (or support does): cancelledAt set. */
    public synchronized void cancel(long id, Instant updated) {
        Order order = orders.get(id);
        order.cancelledAt = updated.truncatedTo(ChronoUnit.SECONDS);
        order.cancelReason = "CUSTOMER";
        order.updatedAt = order.cancelledAt;
        order.fulfillmentOrders.forEach(fo -> fo.status = "CANCELLED");
    }

    /** The webhook Shopify would send for this topic and order, signed with the sandbox's secret. */
    public Delivery delivery(String topic, long orderId) {
        byte[] body = restPayload(orders.get(orderId)).toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Shopify-Topic", topic);
        headers.put("X-Shopify-Hmac-Sha256", sign(body));
        headers.put("X-Shopify-Shop-Domain", "orderhub-sandbox.myshopify.com");
        headers.put("X-Shopify-API-Version", "2026-04");
        headers.put("X-Shopify-Webhook-Id", UUID.randomUUID().toString());
        headers.put("X-Shopify-Event-Id", UUID.randomUUID().toString());
        headers.put("X-Shopify-Triggered-At", Instant.now().toString());
        return new Delivery(headers, body);
    }

    public String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(webhookSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POSTs the webhook to the hub, as Shopify does: retried a few times on failure, every n-th dropped when told to. */
    private void push(String topic, long orderId) {
        int n = webhooksSent.incrementAndGet();
        if (dropEvery > 0 && n % dropEvery == 0) {
            webhooksDropped.incrementAndGet(); // lost on the way: the reconciliation poll finds the order
            return;
        }
        Delivery delivery = delivery(topic, orderId);
        HttpRequest.Builder request = HttpRequest.newBuilder(webhookTarget).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()));
        delivery.headers().forEach((name, value) -> {
            if (!name.equals("Content-Type")) {
                request.header(name, value);
            }
        });
        request.header("Content-Type", "application/json");
        send(request.build(), 1);
    }

    private void send(HttpRequest request, int attempt) {
        webhookClient.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((answer, failure) -> {
            boolean ok = failure == null && answer.statusCode() / 100 == 2;
            if (!ok && attempt < 4 && scheduler != null && !scheduler.isShutdown()) {
                scheduler.schedule(() -> send(request, attempt + 1), attempt * 2L, TimeUnit.SECONDS);
            }
        });
    }

    @Override
    public Map<String, Long> shown() {
        return Map.copyOf(shown);
    }

    /** The tracking numbers of each order's fulfilments, by order id: what the buyer is shown. */
    @Override
    public Map<String, List<String>> tracking() {
        Map<String, List<String>> tracking = new LinkedHashMap<>();
        orders.values().forEach(o -> o.fulfillments.stream().filter(f -> f.number() != null)
                .forEach(f -> tracking.computeIfAbsent(Long.toString(o.id), id -> new ArrayList<>()).add(f.number())));
        return tracking;
    }

    public List<Fulfillment> fulfillments(long orderId) {
        Order order = orders.get(orderId);
        return order == null ? List.of() : List.copyOf(order.fulfillments);
    }

    /** Orders whose cancel job, started by orderCancel, has finished. */
    public List<Long> sellerCancelled() {
        return List.copyOf(sellerCancelled);
    }

    public boolean cancelled(long orderId) {
        Order order = orders.get(orderId);
        return order != null && order.cancelledAt != null;
    }

    /** A revoked token (the app uninstalled): every call answers 401 until {@link #restoreToken}. */
    public void revokeToken() {
        tokenRevoked = true;
    }

    public void restoreToken() {
        tokenRevoked = false;
    }

    /** The cost bucket, full now. */
    public synchronized void throttle(double maximum, double restorePerSecond) {
        bucketMaximum = maximum;
        restoreRate = restorePerSecond;
        bucket = maximum;
        bucketAt = System.nanoTime();
    }

    /** The bucket as if {@code points} had just been spent by another app call. */
    public synchronized void spend(double points) {
        refill();
        bucket = Math.max(0, bucket - points);
    }

    /** The next {@code times} calls whose document contains {@code text} are applied and their answers lost (connection closed). */
    public void loseAnswers(String text, int times) {
        for (int i = 0; i < times; i++) {
            losing.add(document -> document.contains(text));
        }
    }

    public void jobTime(Duration time) {
        jobTime = time;
    }

    /** Drop every n-th webhook (0: none). */
    public void dropEvery(int n) {
        dropEvery = n;
    }

    /** inventorySetQuantities applied (a replayed key is not applied again). */
    public int quantitySets() {
        return quantitySets.get();
    }

    public int webhooksDropped() {
        return webhooksDropped.get();
    }

    // ---- the GraphQL endpoint ------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, "{\"errors\":\"Method Not Allowed\"}");
                return;
            }
            if (tokenRevoked || !token.equals(exchange.getRequestHeaders().getFirst("X-Shopify-Access-Token"))) {
                answer(exchange, 401, "{\"errors\":\"[API] Invalid API key or access token (unrecognized login or wrong password)\"}");
                return;
            }
            JsonNode request;
            try {
                request = JSON.readTree(exchange.getRequestBody());
            } catch (IOException e) {
                answer(exchange, 400, "{\"errors\":{\"query\":\"Required parameter missing or invalid\"}}");
                return;
            }
            String document = request.path("query").asText("");
            ObjectNode result = execute(document, request.path("variables"));
            Predicate<String> lose = losing.stream().filter(p -> p.test(document)).findFirst().orElse(null);
            if (lose != null && losing.remove(lose)) {
                return; // applied, and the answer is lost: the connection closes without one
            }
            answer(exchange, 200, result.toString());
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().add("X-Request-Id", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * Runs one operation as the endpoint does (without HTTP and the token check): its cost taken
     * from the bucket first (THROTTLED when it cannot pay), the difference to the actual cost given back.
     */
    public synchronized ObjectNode execute(String document, JsonNode variables) {
        ObjectNode result = F.objectNode();
        Graphql.Operation operation;
        try {
            operation = Graphql.parse(document);
        } catch (Graphql.SyntaxError e) {
            result.putArray("errors").addObject().put("message", "syntax error, " + e.getMessage())
                    .putObject("extensions").put("code", "PARSE_ERROR"); // not the schema's concern: Shopify's transport error
            return result;
        }
        boolean mutation = operation.type().equals("mutation");
        int requested = mutation ? 10 * operation.selections().size() : cost(operation.selections(), variables);
        refill();
        if (requested > MAX_QUERY_COST) {
            error(result, "Query cost is " + requested + ", which exceeds the single query max cost limit (" + MAX_QUERY_COST + ").",
                    "MAX_COST_EXCEEDED");
            costs(result, requested, 0);
            return result;
        }
        if (bucket < requested) {
            error(result, "Throttled", "THROTTLED");
            costs(result, requested, 0);
            return result;
        }
        bucket -= requested;
        Run run = new Run(variables, result);
        ObjectNode data = F.objectNode();
        for (Graphql.Field field : operation.selections()) {
            try {
                data.set(field.key(), mutation ? mutate(field, run) : root(field, run));
            } catch (Refusal refusal) {
                error(result, refusal.getMessage(), refusal.code);
                data.putNull(field.key());
            }
        }
        result.set("data", data);
        int actual = mutation ? requested : Math.min(requested, run.actual);
        bucket = Math.min(bucketMaximum, bucket + requested - actual);
        costs(result, requested, actual);
        return result;
    }

    private void refill() {
        long now = System.nanoTime();
        bucket = Math.min(bucketMaximum, bucket + restoreRate * (now - bucketAt) / 1e9);
        bucketAt = now;
    }

    private void costs(ObjectNode result, int requested, int actual) {
        ObjectNode cost = result.putObject("extensions").putObject("cost");
        cost.put("requestedQueryCost", requested);
        if (result.has("data")) {
            cost.put("actualQueryCost", actual);
        } else {
            cost.putNull("actualQueryCost");
        }
        cost.putObject("throttleStatus").put("maximumAvailable", bucketMaximum).put("currentlyAvailable", Math.floor(bucket))
                .put("restoreRate", restoreRate);
    }

    private static void error(ObjectNode result, String message, String code) {
        result.withArray("errors").addObject().put("message", message).putObject("extensions").put("code", code);
    }

    /** Shopify's calculated cost: objects 1, scalars and enums 0, a connection 2 plus its page of nodes, a list its length. */
    static int cost(List<Graphql.Field> selections, JsonNode variables) {
        int total = 0;
        for (Graphql.Field field : selections) {
            if (field.selections().isEmpty()) {
                continue;
            }
            JsonNode first = field.arguments().containsKey("first") ? Graphql.value(field.arguments().get("first"), variables) : null;
            int size = first != null && first.isIntegralNumber() ? first.asInt() : 1;
            boolean connection = field.selection("nodes") != null || field.selection("edges") != null;
            if (connection) {
                total += 2;
                for (Graphql.Field part : field.selections()) {
                    if (part.name().equals("nodes")) {
                        total += size * (1 + cost(part.selections(), variables));
                    } else if (part.name().equals("edges")) {
                        Graphql.Field node = part.selection("node");
                        total += size * (1 + (node == null ? 0 : 1 + cost(node.selections(), variables)));
                    } else if (!part.selections().isEmpty()) {
                        total += 1 + cost(part.selections(), variables);
                    }
                }
            } else {
                total += size * (1 + cost(field.selections(), variables));
            }
        }
        return total;
    }

    /** One operation's variables, its answer (for errors) and the actual cost counted as objects are written. */
    private static final class Run {
        final JsonNode variables;
        final ObjectNode result;
        int actual;

        Run(JsonNode variables, ObjectNode result) {
            this.variables = variables == null || variables.isMissingNode() ? F.objectNode() : variables;
            this.result = result;
        }

        JsonNode arg(Graphql.Field field, String name) {
            return field.arguments().containsKey(name) ? Graphql.value(field.arguments().get(name), variables) : NullNode.getInstance();
        }
    }

    /** A field the sandbox (and Shopify) cannot answer: a GraphQL error with a code. */
    private static final class Refusal extends RuntimeException {
        final String code;

        Refusal(String message, String code) {
            super(message);
            this.code = code;
        }
    }

    // ---- queries ---------------------------------------------------------------------------------

    private JsonNode root(Graphql.Field field, Run run) {
        return switch (field.name()) {
            case "orders" -> ordersConnection(field, run);
            case "order" -> {
                Order order = orders.get(legacy(run.arg(field, "id").asText(), "Order"));
                yield order == null ? NullNode.getInstance() : object(order, field, run);
            }
            case "inventoryItems" -> {
                List<String> skus = skus(run.arg(field, "query").asText(""));
                List<Object> found = items.values().stream().filter(i -> skus.contains(i.sku))
                        .sorted(Comparator.comparingLong(i -> i.id)).map(i -> (Object) i).toList();
                yield connection(found, field, run, i -> "" + ((Item) i).id);
            }
            case "job" -> {
                Job job = jobs.get(run.arg(field, "id").asText());
                yield job == null ? NullNode.getInstance() : object(job, field, run);
            }
            default -> throw new Refusal("Field '" + field.name() + "' doesn't exist on type 'QueryRoot'", "undefinedField");
        };
    }

    private static final Pattern UPDATED = Pattern.compile("updated_at:(>=|<=|>|<)?'?([0-9TZ:.+-]+)'?");
    private static final Pattern SKU = Pattern.compile("sku:(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)'|(\\S+))");

    private JsonNode ordersConnection(Graphql.Field field, Run run) {
        if (!"UPDATED_AT".equals(run.arg(field, "sortKey").asText("ID")) && field.arguments().containsKey("sortKey")) {
            throw new Refusal("the sandbox sorts orders by UPDATED_AT only", "sandboxLimit");
        }
        Matcher updated = UPDATED.matcher(run.arg(field, "query").asText(""));
        Instant since = Instant.EPOCH;
        boolean strict = false;
        if (updated.find()) {
            since = Instant.parse(updated.group(2));
            strict = ">".equals(updated.group(1));
        }
        Instant from = since;
        boolean after = strict;
        List<Object> matching = orders.values().stream()
                .filter(o -> after ? o.updatedAt.isAfter(from) : !o.updatedAt.isBefore(from))
                .sorted(Comparator.comparing((Order o) -> o.updatedAt).thenComparingLong(o -> o.id)).map(o -> (Object) o).toList();
        return connection(matching, field, run, o -> ((Order) o).updatedAt + "|" + ((Order) o).id);
    }

    /** The skus a search query asks for (sku:"A" OR sku:B). */
    public static List<String> skus(String query) {
        List<String> skus = new ArrayList<>();
        Matcher m = SKU.matcher(query);
        while (m.find()) {
            skus.add(m.group(1) != null ? m.group(1).replaceAll("\\\\(.)", "$1") : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return skus;
    }

    /** A connection over {@code all}: {@code first} after the opaque {@code after} cursor (base64 of the sort key). */
    private JsonNode connection(List<?> all, Graphql.Field field, Run run, java.util.function.Function<Object, String> sortKey) {
        JsonNode firstArg = run.arg(field, "first");
        if (!firstArg.isIntegralNumber() || firstArg.asInt() < 1 || firstArg.asInt() > 250) {
            throw new Refusal("you must provide one of first or last (1 to 250) for " + field.name(), "BAD_REQUEST");
        }
        int first = firstArg.asInt();
        int start = 0;
        JsonNode after = run.arg(field, "after");
        if (after.isTextual()) {
            String key = new String(Base64.getDecoder().decode(after.asText()), StandardCharsets.UTF_8);
            start = all.size();
            for (int i = 0; i < all.size(); i++) {
                if (sortKey.apply(all.get(i)).equals(key)) {
                    start = i + 1;
                    break;
                }
            }
        }
        List<?> page = all.subList(Math.min(start, all.size()), Math.min(start + first, all.size()));
        run.actual += 2;
        ObjectNode out = F.objectNode();
        for (Graphql.Field part : field.selections()) {
            switch (part.name()) {
                case "nodes" -> {
                    ArrayNode nodes = out.putArray(part.key());
                    page.forEach(o -> nodes.add(object(o, part, run)));
                }
                case "edges" -> {
                    ArrayNode edges = out.putArray(part.key());
                    for (Object o : page) {
                        ObjectNode edge = edges.addObject();
                        for (Graphql.Field e : part.selections()) {
                            if (e.name().equals("node")) {
                                edge.set(e.key(), object(o, e, run));
                            } else if (e.name().equals("cursor")) {
                                edge.put(e.key(), cursor(sortKey.apply(o)));
                            }
                        }
                    }
                }
                case "pageInfo" -> {
                    ObjectNode info = out.putObject(part.key());
                    for (Graphql.Field p : part.selections()) {
                        switch (p.name()) {
                            case "hasNextPage" -> info.put(p.key(), start + first < all.size());
                            case "hasPreviousPage" -> info.put(p.key(), start > 0);
                            case "endCursor" -> info.put(p.key(), page.isEmpty() ? null : cursor(sortKey.apply(page.get(page.size() - 1))));
                            case "startCursor" -> info.put(p.key(), page.isEmpty() ? null : cursor(sortKey.apply(page.get(0))));
                            default -> throw new Refusal("Field '" + p.name() + "' doesn't exist on type 'PageInfo'", "undefinedField");
                        }
                    }
                }
                default -> throw new Refusal("Field '" + part.name() + "' doesn't exist on a connection", "undefinedField");
            }
        }
        return out;
    }

    private static String cursor(String key) {
        return Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the selected fields of one object of the shop. */
    private ObjectNode object(Object source, Graphql.Field selection, Run run) {
        run.actual += 1;
        ObjectNode out = F.objectNode();
        for (Graphql.Field field : selection.selections()) {
            out.set(field.key(), field(source, field, run));
        }
        return out;
    }

    private JsonNode field(Object source, Graphql.Field f, Run run) {
        String name = f.name();
        if (source instanceof Order o) {
            return switch (name) {
                case "id" -> F.textNode(gid("Order", o.id));
                case "legacyResourceId" -> F.textNode(Long.toString(o.id));
                case "name" -> F.textNode("#" + (1000 + o.id % 100000));
                case "createdAt" -> F.textNode(o.createdAt.toString());
                case "updatedAt" -> F.textNode(o.updatedAt.toString());
                case "cancelledAt" -> o.cancelledAt == null ? NullNode.getInstance() : F.textNode(o.cancelledAt.toString());
                case "cancelReason" -> o.cancelReason == null ? NullNode.getInstance() : F.textNode(o.cancelReason);
                case "currencyCode" -> F.textNode(o.currency);
                case "shippingAddress" -> address(f, run);
                case "lineItems" -> connection(o.lines, f, run, l -> "" + ((Line) l).id);
                case "fulfillmentOrders" -> connection(o.fulfillmentOrders, f, run, fo -> "" + ((FulfillmentOrder) fo).id);
                case "fulfillments" -> list(o.fulfillments, f, run);
                default -> unknown("Order", name);
            };
        }
        if (source instanceof Line l) {
            return switch (name) {
                case "id" -> F.textNode(gid("LineItem", l.id));
                case "sku" -> l.sku == null ? NullNode.getInstance() : F.textNode(l.sku);
                case "quantity", "currentQuantity" -> F.numberNode(l.quantity);
                case "name" -> F.textNode("Sandbox item " + l.sku);
                case "originalUnitPriceSet", "discountedUnitPriceSet" -> moneyBag(l.price, f, run);
                default -> unknown("LineItem", name);
            };
        }
        if (source instanceof FulfillmentOrder fo) {
            return switch (name) {
                case "id" -> F.textNode(gid("FulfillmentOrder", fo.id));
                case "status" -> F.textNode(fo.status);
                case "requestStatus" -> F.textNode("UNSUBMITTED");
                case "lineItems" -> connection(fo.lines, f, run, l -> "" + ((FoLine) l).id);
                default -> unknown("FulfillmentOrder", name);
            };
        }
        if (source instanceof FoLine fl) {
            return switch (name) {
                case "id" -> F.textNode(gid("FulfillmentOrderLineItem", fl.id));
                case "remainingQuantity" -> F.numberNode(fl.remaining);
                case "totalQuantity" -> F.numberNode(fl.line.quantity);
                case "sku" -> fl.line.sku == null ? NullNode.getInstance() : F.textNode(fl.line.sku);
                case "lineItem" -> object(fl.line, f, run);
                default -> unknown("FulfillmentOrderLineItem", name);
            };
        }
        if (source instanceof Fulfillment ff) {
            return switch (name) {
                case "id" -> F.textNode(gid("Fulfillment", ff.id()));
                case "status" -> F.textNode(ff.status());
                case "createdAt" -> F.textNode(ff.createdAt().toString());
                case "trackingInfo" -> {
                    ArrayNode infos = F.arrayNode();
                    if (ff.number() != null) {
                        run.actual += 1;
                        ObjectNode info = infos.addObject();
                        for (Graphql.Field t : f.selections()) {
                            switch (t.name()) {
                                case "company" -> info.put(t.key(), ff.company());
                                case "number" -> info.put(t.key(), ff.number());
                                case "url" -> info.putNull(t.key());
                                default -> unknown("FulfillmentTrackingInfo", t.name());
                            }
                        }
                    }
                    yield infos;
                }
                case "fulfillmentLineItems" -> {
                    List<Object[]> lines = new ArrayList<>();
                    ff.lines().forEach((lineId, qty) -> lines.add(new Object[] {lineId, qty}));
                    yield connection(lines.stream().map(l -> (Object) new FulfilledLine(ff, (String) l[0], (Integer) l[1])).toList(),
                            f, run, l -> ((FulfilledLine) l).lineId);
                }
                default -> unknown("Fulfillment", name);
            };
        }
        if (source instanceof FulfilledLine fl) {
            return switch (name) {
                case "id" -> F.textNode(gid("FulfillmentLineItem", fl.fulfillment.id() * 100 + Math.abs(fl.lineId.hashCode() % 100)));
                case "quantity" -> F.numberNode(fl.quantity);
                case "lineItem" -> {
                    Line line = orders.values().stream().flatMap(o -> o.lines.stream()).filter(l -> Long.toString(l.id).equals(fl.lineId))
                            .findFirst().orElseThrow();
                    yield object(line, f, run);
                }
                default -> unknown("FulfillmentLineItem", name);
            };
        }
        if (source instanceof Item i) {
            return switch (name) {
                case "id" -> F.textNode(gid("InventoryItem", i.id));
                case "sku" -> F.textNode(i.sku);
                case "tracked" -> F.booleanNode(true);
                case "createdAt" -> F.textNode(i.createdAt.toString());
                case "inventoryLevel" -> {
                    String location = run.arg(f, "locationId").asText();
                    yield i.available.containsKey(location) ? object(new Level(i, location), f, run) : NullNode.getInstance();
                }
                default -> unknown("InventoryItem", name);
            };
        }
        if (source instanceof Level level) {
            return switch (name) {
                case "id" -> F.textNode("gid://shopify/InventoryLevel/" + level.item.id + "?inventory_item_id=" + level.item.id);
                case "quantities" -> {
                    ArrayNode quantities = F.arrayNode();
                    for (JsonNode n : run.arg(f, "names")) {
                        if (n.asText().equals("available") || n.asText().equals("on_hand")) {
                            run.actual += 1;
                            ObjectNode q = quantities.addObject();
                            for (Graphql.Field qf : f.selections()) {
                                switch (qf.name()) {
                                    case "name" -> q.put(qf.key(), n.asText());
                                    case "quantity" -> q.put(qf.key(), level.item.available.get(level.location));
                                    case "id" -> q.put(qf.key(), "gid://shopify/InventoryQuantity/" + level.item.id + "-" + n.asText());
                                    case "updatedAt" -> q.putNull(qf.key());
                                    default -> unknown("InventoryQuantity", qf.name());
                                }
                            }
                        }
                    }
                    yield quantities;
                }
                default -> unknown("InventoryLevel", name);
            };
        }
        if (source instanceof Job j) {
            return switch (name) {
                case "id" -> F.textNode(j.id());
                case "done" -> F.booleanNode(j.done());
                default -> unknown("Job", name);
            };
        }
        if (source instanceof Adjustment a) {
            return switch (name) {
                case "id" -> F.textNode(a.id);
                case "reason" -> F.textNode(a.reason);
                case "createdAt" -> F.textNode(a.createdAt.toString());
                case "referenceDocumentUri" -> a.reference == null ? NullNode.getInstance() : F.textNode(a.reference);
                default -> unknown("InventoryAdjustmentGroup", name);
            };
        }
        throw new IllegalStateException("the sandbox cannot write a " + source.getClass().getSimpleName());
    }

    private record FulfilledLine(Fulfillment fulfillment, String lineId, int quantity) {
    }

    private record Level(Item item, String location) {
    }

    private record Adjustment(String id, String reason, String reference, Instant createdAt) {
    }

    private static JsonNode unknown(String type, String field) {
        throw new Refusal("Field '" + field + "' doesn't exist on type '" + type + "'", "undefinedField");
    }

    private JsonNode list(List<?> all, Graphql.Field f, Run run) {
        JsonNode first = run.arg(f, "first");
        ArrayNode out = F.arrayNode();
        all.stream().limit(first.isIntegralNumber() ? first.asInt() : all.size()).forEach(o -> out.add(object(o, f, run)));
        return out;
    }

    private JsonNode moneyBag(String amount, Graphql.Field f, Run run) {
        run.actual += 1;
        ObjectNode bag = F.objectNode();
        for (Graphql.Field money : f.selections()) {
            if (!money.name().equals("shopMoney") && !money.name().equals("presentmentMoney")) {
                unknown("MoneyBag", money.name());
            }
            run.actual += 1;
            ObjectNode m = bag.putObject(money.key());
            for (Graphql.Field part : money.selections()) {
                switch (part.name()) {
                    case "amount" -> m.put(part.key(), amount);
                    case "currencyCode" -> m.put(part.key(), "EUR");
                    default -> unknown("MoneyV2", part.name());
                }
            }
        }
        return bag;
    }

    /** Every sandbox order ships to the same made-up address. */
    private JsonNode address(Graphql.Field f, Run run) {
        run.actual += 1;
        Map<String, String> values = Map.of("name", "Erika Mustermann", "firstName", "Erika", "lastName", "Mustermann",
                "address1", "Heidestrasse 17", "city", "Koeln", "provinceCode", "NW", "zip", "51147", "countryCodeV2", "DE");
        ObjectNode out = F.objectNode();
        for (Graphql.Field part : f.selections()) {
            if (part.name().equals("address2")) {
                out.putNull(part.key());
            } else if (values.containsKey(part.name())) {
                out.put(part.key(), values.get(part.name()));
            } else {
                unknown("MailingAddress", part.name());
            }
        }
        return out;
    }

    // ---- mutations -------------------------------------------------------------------------------

    private JsonNode mutate(Graphql.Field field, Run run) {
        return switch (field.name()) {
            case "inventorySetQuantities" -> setQuantities(field, run);
            case "fulfillmentCreate" -> fulfillmentCreate(field, run);
            case "orderCancel" -> orderCancel(field, run);
            default -> throw new Refusal("Field '" + field.name() + "' doesn't exist on type 'Mutation'", "undefinedField");
        };
    }

    private JsonNode setQuantities(Graphql.Field field, Run run) {
        Graphql.Directive idempotent = field.directives().stream().filter(d -> d.name().equals("idempotent")).findFirst().orElse(null);
        JsonNode key = idempotent == null ? NullNode.getInstance() : Graphql.value(idempotent.arguments().get("key"), run.variables);
        if (!key.isTextual() || key.asText().isBlank()) {
            throw new Refusal("The @idempotent directive with a key is required for inventorySetQuantities from 2026-04", "BAD_REQUEST");
        }
        JsonNode input = run.arg(field, "input");
        Stored stored = idempotency.get(key.asText());
        if (stored != null) {
            if (stored.request().equals(input.toString())) {
                return write(stored.data(), field, run); // the same request again: its first answer, applied once
            }
            return payload(field, run, null, List.of(userError(List.of("input"), "The idempotency key was already used with other parameters",
                    "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")));
        }
        List<ObjectNode> errors = new ArrayList<>();
        String name = input.path("name").asText();
        if (!name.equals("available") && !name.equals("on_hand")) {
            errors.add(userError(List.of("input", "name"), "The quantity name must be available or on_hand", "INVALID_NAME"));
        }
        if (!REASONS.contains(input.path("reason").asText())) {
            errors.add(userError(List.of("input", "reason"), "The reason is not one of the possible reasons", "INVALID_REASON"));
        }
        JsonNode quantities = input.path("quantities");
        List<Item> targets = new ArrayList<>();
        for (int i = 0; i < quantities.size(); i++) {
            JsonNode q = quantities.get(i);
            List<String> at = List.of("input", "quantities", Integer.toString(i));
            Item item = items.values().stream().filter(it -> gid("InventoryItem", it.id).equals(q.path("inventoryItemId").asText()))
                    .findFirst().orElse(null);
            targets.add(item);
            if (item == null) {
                errors.add(userError(concat(at, "inventoryItemId"), "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM"));
            } else if (!LOCATION.equals(q.path("locationId").asText())) {
                errors.add(userError(concat(at, "locationId"), "The specified location could not be found.", "INVALID_LOCATION"));
            } else if (!item.available.containsKey(LOCATION)) {
                errors.add(userError(concat(at, "locationId"), "The item is not stocked at the location.", "ITEM_NOT_STOCKED_AT_LOCATION"));
            } else if (q.path("quantity").asLong() < 0) {
                errors.add(userError(concat(at, "quantity"), "The quantity can't be negative.", "INVALID_QUANTITY_NEGATIVE"));
            } else if (q.hasNonNull("changeFromQuantity") && q.path("changeFromQuantity").asLong() != item.available.get(LOCATION)) {
                errors.add(userError(concat(at, "changeFromQuantity"), "The specified compare quantity does not match the current quantity.",
                        "CHANGE_FROM_QUANTITY_STALE"));
            }
        }
        Adjustment adjustment = null;
        if (errors.isEmpty()) { // all or nothing
            quantitySets.incrementAndGet();
            for (int i = 0; i < quantities.size(); i++) {
                long quantity = quantities.get(i).path("quantity").asLong();
                targets.get(i).available.put(LOCATION, quantity);
                shown.put(targets.get(i).sku, quantity);
            }
            adjustment = new Adjustment("gid://shopify/InventoryAdjustmentGroup/" + ids.getAndIncrement(), input.path("reason").asText(),
                    input.path("referenceDocumentUri").asText(null), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        }
        ObjectNode full = fullPayload(adjustment, errors);
        idempotency.put(key.asText(), new Stored(input.toString(), full));
        return write(full, field, run);
    }

    private ObjectNode fullPayload(Adjustment adjustment, List<ObjectNode> errors) {
        ObjectNode full = F.objectNode();
        if (adjustment == null) {
            full.putNull("inventoryAdjustmentGroup");
        } else {
            full.putObject("inventoryAdjustmentGroup").put("id", adjustment.id).put("reason", adjustment.reason)
                    .put("createdAt", adjustment.createdAt.toString()).put("referenceDocumentUri", adjustment.reference);
        }
        full.putArray("userErrors").addAll(errors);
        return full;
    }

    private JsonNode payload(Graphql.Field field, Run run, Adjustment adjustment, List<ObjectNode> errors) {
        return write(fullPayload(adjustment, errors), field, run);
    }

    /** Selects from a payload kept whole (so a replay can answer any selection of it). */
    private static JsonNode write(JsonNode full, Graphql.Field selection, Run run) {
        if (full == null || full.isNull()) {
            return NullNode.getInstance();
        }
        if (full.isArray()) {
            ArrayNode out = F.arrayNode();
            full.forEach(item -> out.add(write(item, selection, run)));
            return out;
        }
        if (!full.isObject() || selection.selections().isEmpty()) {
            return full;
        }
        ObjectNode out = F.objectNode();
        for (Graphql.Field f : selection.selections()) {
            if (!full.has(f.name())) {
                unknown("payload", f.name());
            }
            out.set(f.key(), write(full.get(f.name()), f, run));
        }
        return out;
    }

    private static List<String> concat(List<String> path, String last) {
        List<String> all = new ArrayList<>(path);
        all.add(last);
        return all;
    }

    private static ObjectNode userError(List<String> field, String message, String code) {
        ObjectNode error = F.objectNode();
        if (code != null) {
            error.put("code", code);
        }
        ArrayNode path = error.putArray("field");
        field.forEach(path::add);
        error.put("message", message);
        return error;
    }

    private JsonNode fulfillmentCreate(Graphql.Field field, Run run) {
        JsonNode input = run.arg(field, "fulfillment");
        List<ObjectNode> errors = new ArrayList<>();
        JsonNode groups = input.path("lineItemsByFulfillmentOrder");
        Order order = null;
        Map<FoLine, Integer> take = new LinkedHashMap<>();
        if (!groups.isArray() || groups.isEmpty()) {
            errors.add(userError(List.of("fulfillment", "lineItemsByFulfillmentOrder"), "At least one fulfillment order is required.", null));
        }
        for (int g = 0; g < groups.size(); g++) {
            JsonNode group = groups.get(g);
            List<String> at = List.of("fulfillment", "lineItemsByFulfillmentOrder", Integer.toString(g));
            FulfillmentOrder fo = null;
            for (Order o : orders.values()) {
                for (FulfillmentOrder candidate : o.fulfillmentOrders) {
                    if (gid("FulfillmentOrder", candidate.id).equals(group.path("fulfillmentOrderId").asText())) {
                        fo = candidate;
                        if (order != null && order != o) {
                            errors.add(userError(concat(at, "fulfillmentOrderId"), "The fulfillment orders must belong to the same order.", null));
                        }
                        order = o;
                    }
                }
            }
            if (fo == null) {
                errors.add(userError(concat(at, "fulfillmentOrderId"), "Fulfillment order does not exist.", null));
                continue;
            }
            if (!fo.status.equals("OPEN") && !fo.status.equals("IN_PROGRESS")) {
                errors.add(userError(concat(at, "fulfillmentOrderId"), "Fulfillment order " + fo.id + " has an unfulfillable status= "
                        + fo.status.toLowerCase(Locale.ROOT) + ".", null));
                continue;
            }
            JsonNode lines = group.path("fulfillmentOrderLineItems");
            if (lines.isMissingNode() || lines.isNull()) {
                fo.lines.stream().filter(l -> l.remaining > 0).forEach(l -> take.put(l, l.remaining));
                continue;
            }
            for (int i = 0; i < lines.size(); i++) {
                JsonNode wanted = lines.get(i);
                FoLine line = fo.lines.stream().filter(l -> gid("FulfillmentOrderLineItem", l.id).equals(wanted.path("id").asText()))
                        .findFirst().orElse(null);
                int quantity = wanted.path("quantity").asInt();
                if (line == null) {
                    errors.add(userError(concat(concat(at, "fulfillmentOrderLineItems"), Integer.toString(i)),
                            "Fulfillment order line item does not exist.", null));
                } else if (quantity < 1 || quantity > line.remaining) {
                    errors.add(userError(concat(concat(at, "fulfillmentOrderLineItems"), Integer.toString(i)),
                            "Invalid fulfillment order line item quantity requested.", null));
                } else {
                    take.put(line, quantity);
                }
            }
        }
        ObjectNode full = F.objectNode();
        if (errors.isEmpty() && !take.isEmpty()) {
            Map<String, Integer> fulfilled = new LinkedHashMap<>();
            take.forEach((line, quantity) -> {
                line.remaining -= quantity;
                fulfilled.merge(Long.toString(line.line.id), quantity, Integer::sum);
            });
            for (FulfillmentOrder fo : order.fulfillmentOrders) {
                boolean any = fo.lines.stream().anyMatch(l -> l.remaining < l.line.quantity);
                boolean all = fo.lines.stream().allMatch(l -> l.remaining == 0);
                fo.status = all ? "CLOSED" : any ? "IN_PROGRESS" : fo.status;
            }
            JsonNode tracking = input.path("trackingInfo");
            Fulfillment fulfillment = new Fulfillment(ids.getAndIncrement(), "SUCCESS", tracking.path("company").asText(null),
                    tracking.path("number").asText(null), fulfilled, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            order.fulfillments.add(fulfillment);
            order.updatedAt = fulfillment.createdAt();
            Graphql.Field fulfillmentField = field.selection("fulfillment");
            if (fulfillmentField != null) {
                full.set("fulfillment", object(fulfillment, fulfillmentField, run));
            }
        } else {
            if (errors.isEmpty()) {
                errors.add(userError(List.of("fulfillment"), "Nothing left to fulfill.", null));
            }
            full.putNull("fulfillment");
        }
        errors.forEach(e -> e.remove("code")); // fulfillmentCreate's UserError has field and message only
        full.putArray("userErrors").addAll(errors);
        return write(full, field, run);
    }

    private JsonNode orderCancel(Graphql.Field field, Run run) {
        for (String required : List.of("orderId", "reason", "restock")) {
            if (!field.arguments().containsKey(required) || run.arg(field, required).isNull()) {
                throw new Refusal("Field 'orderCancel' is missing required arguments: " + required, "missingRequiredArguments");
            }
        }
        if (field.arguments().containsKey("refund")) {
            throw new Refusal("the sandbox takes refundMethod, not the deprecated refund argument", "sandboxLimit");
        }
        Order order = orders.get(legacy(run.arg(field, "orderId").asText(), "Order"));
        ObjectNode full = F.objectNode();
        List<ObjectNode> errors = new ArrayList<>();
        if (order == null) {
            errors.add(userError(List.of("orderId"), "Order not found", "NOT_FOUND"));
        } else if (order.cancelledAt != null) {
            errors.add(userError(List.of("orderId"), "Order has already been cancelled", "INVALID"));
        } else if (order.cancelJob != null) {
            errors.add(userError(List.of("orderId"), "Order is already being cancelled", "INVALID"));
        }
        if (errors.isEmpty()) {
            Job job = new Job("gid://shopify/Job/" + UUID.randomUUID(), System.nanoTime() + jobTime.toNanos());
            jobs.put(job.id(), job);
            order.cancelJob = job.id();
            String reason = run.arg(field, "reason").asText();
            scheduler.schedule(() -> finishCancel(order, reason), jobTime.toMillis(), TimeUnit.MILLISECONDS);
            full.putObject("job").put("id", job.id()).put("done", false);
        } else {
            full.putNull("job");
        }
        full.putArray("orderCancelUserErrors").addAll(errors);
        full.putArray("userErrors");
        return write(full, field, run);
    }

    private synchronized void finishCancel(Order order, String reason) {
        order.cancelledAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        order.cancelReason = reason;
        order.updatedAt = order.cancelledAt;
        order.fulfillmentOrders.forEach(fo -> fo.status = "CLOSED".equals(fo.status) ? fo.status : "CANCELLED");
        sellerCancelled.add(order.id);
        if (webhookTarget != null) {
            push("orders/cancelled", order.id);
        }
    }

    // ---- ids and the REST-shaped webhook payload ----------------------------------------------

    static String gid(String type, long id) {
        return "gid://shopify/" + type + "/" + id;
    }

    private static long legacy(String gid, String type) {
        String prefix = "gid://shopify/" + type + "/";
        if (!gid.startsWith(prefix)) {
            throw new Refusal("Invalid global id '" + gid + "'", "argumentLiteralsIncompatible");
        }
        try {
            return Long.parseLong(gid.substring(prefix.length()));
        } catch (NumberFormatException e) {
            throw new Refusal("Invalid global id '" + gid + "'", "argumentLiteralsIncompatible");
        }
    }

    /** The order as Shopify's webhooks write it: REST field names, numeric ids (exact: a long, not a double). */
    private static ObjectNode restPayload(Order o) {
        ObjectNode order = F.objectNode();
        order.put("id", o.id);
        order.put("admin_graphql_api_id", gid("Order", o.id));
        order.put("name", "#" + (1000 + o.id % 100000));
        order.put("created_at", o.createdAt.toString());
        order.put("updated_at", o.updatedAt.toString());
        order.put("cancelled_at", o.cancelledAt == null ? null : o.cancelledAt.toString());
        order.put("cancel_reason", o.cancelReason == null ? null : o.cancelReason.toLowerCase(Locale.ROOT));
        order.put("currency", o.currency);
        order.put("presentment_currency", o.currency);
        order.put("financial_status", "paid");
        order.putNull("fulfillment_status");
        ObjectNode address = order.putObject("shipping_address");
        address.put("first_name", "Erika").put("last_name", "Mustermann").put("name", "Erika Mustermann")
                .put("address1", "Heidestrasse 17").putNull("address2").put("city", "Koeln").put("zip", "51147")
                .put("province", "Nordrhein-Westfalen").put("province_code", "NW").put("country", "Germany").put("country_code", "DE");
        ArrayNode lines = order.putArray("line_items");
        for (Line l : o.lines) {
            ObjectNode line = lines.addObject();
            line.put("id", l.id);
            line.put("admin_graphql_api_id", gid("LineItem", l.id));
            line.put("sku", l.sku);
            line.put("quantity", l.quantity);
            line.put("price", l.price);
            ObjectNode set = line.putObject("price_set");
            set.putObject("shop_money").put("amount", l.price).put("currency_code", o.currency);
            set.putObject("presentment_money").put("amount", l.price).put("currency_code", o.currency);
            line.put("title", "Sandbox item " + l.sku);
            line.put("requires_shipping", true);
        }
        return order;
    }
}

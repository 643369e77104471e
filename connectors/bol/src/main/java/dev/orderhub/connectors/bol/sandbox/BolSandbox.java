package dev.orderhub.connectors.bol.sandbox;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.connector.Sandbox;

/**
 * bol.com's Retailer API v10, in memory, as retailer.json and shared.json describe it: the
 * client-credentials token endpoint (Basic auth; tokens expire and are then answered 401),
 * orders (list by fulfilment method, status, change interval or change date, 50 a page; detail),
 * shipments, cancellations, offers (stock, the CSV export) and returns. Every PUT and POST is
 * asynchronous as at bol: it answers 202 with a process status that stays PENDING for the
 * processing delay and then ends SUCCESS or FAILURE (a shipment scripted to fail). Each
 * endpoint is throttled on its own, announcing its budget in {@code x-ratelimit-*} headers and
 * answering 429 with {@code Retry-After} past it; answers can be scripted to be lost (the
 * request applied, a 504 given instead). Starts serving only when {@link #start} is called.
 */
public final class BolSandbox implements Sandbox {

    public static final String CLIENT_ID = "bol-sandbox-client";
    public static final String CLIENT_SECRET = "bol-sandbox-secret-not-real";
    public static final String MEDIA = "application/vnd.retailer.v10+json";
    public static final String CSV = "application/vnd.retailer.v10+csv";
    static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    static final int PAGE = 50;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** An order item as bol holds it. */
    static final class Item {
        final String orderItemId;
        final String ean;
        final String offerId;
        final String reference;
        final String method;
        final int quantity;
        final BigDecimal unitPrice;
        volatile int shipped;
        volatile int cancelled;
        volatile boolean cancellationRequest;
        volatile Instant changed;

        Item(String orderItemId, String ean, String offerId, String reference, String method, int quantity, BigDecimal unitPrice, Instant changed) {
            this.orderItemId = orderItemId;
            this.ean = ean;
            this.offerId = offerId;
            this.reference = reference;
            this.method = method;
            this.quantity = quantity;
            this.unitPrice = unitPrice;
            this.changed = changed;
        }

        boolean open() {
            return shipped + cancelled < quantity;
        }
    }

    record Order(String orderId, Instant placedAt, List<Item> items, boolean withoutProduct) {
    }

    /** An offer: its stock amount is what buyers are shown. */
    static final class Offer {
        final String offerId;
        final String ean;
        final String reference;
        final String method;
        volatile Integer amount;

        Offer(String offerId, String ean, String reference, String method) {
            this.offerId = offerId;
            this.ean = ean;
            this.reference = reference;
            this.method = method;
        }
    }

    /** An asynchronous process: PENDING until {@code due}, then its action decides SUCCESS or FAILURE. */
    static final class Process {
        final String id;
        final String eventType;
        final String entityId;
        final Instant created;
        volatile String status = "PENDING";
        volatile String error;

        Process(String id, String eventType, String entityId, Instant created) {
            this.id = id;
            this.eventType = eventType;
            this.entityId = entityId;
            this.created = created;
        }
    }

    /** A shipment bol accepted: its reference, transport and quantity per order item. */
    public record Shipment(String orderId, String reference, String transporterCode, String trackAndTrace, Map<String, Integer> items) {
    }

    /** A customer's return of one order item. */
    record Return(String returnId, String rmaId, String orderId, String ean, int quantity, String reason, Instant registered, boolean handled) {
    }

    private final Map<String, Order> orders = new ConcurrentHashMap<>();
    private final Map<String, Offer> offers = new ConcurrentHashMap<>();
    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, String> exports = new ConcurrentHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final List<Shipment> shipments = new CopyOnWriteArrayList<>();
    private final List<Return> returns = new CopyOnWriteArrayList<>();
    private final List<String> cancelledItems = new CopyOnWriteArrayList<>();
    private final Map<String, String> failingShipments = new ConcurrentHashMap<>();
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();
    private final Map<String, Integer> toLose = new ConcurrentHashMap<>();
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(4_012_345_000L);
    private final List<HttpContext> contexts = new ArrayList<>();
    private volatile Duration tokenLifetime = Duration.ofSeconds(299);
    private volatile Duration processing = Duration.ofMillis(300);
    private volatile int defaultLimit = 1000;
    private volatile int tokenGrants;
    private HttpServer server;
    private ScheduledExecutorService processor;
    private ExecutorService handlers;

    // ---- Sandbox -----------------------------------------------------------------------------

    @Override
    public String connector() {
        return "bol";
    }

    @Override
    public synchronized Map<String, String> start(String channel, List<String> skus, URI hub) {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException("the bol sandbox cannot start", e);
            }
            contexts.add(server.createContext("/token", this::token));
            contexts.add(server.createContext("/retailer/", this::retailer));
            contexts.add(server.createContext("/shared/", this::retailer));
            handlers = Executors.newFixedThreadPool(8);
            server.setExecutor(handlers);
            processor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "bol-sandbox-processing");
                thread.setDaemon(true);
                return thread;
            });
            server.start();
        }
        skus.forEach(sku -> addOffer(sku, ean(sku), "FBR"));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("endpoint", endpoint());
        properties.put("tokenUrl", tokenUrl());
        properties.put("clientId", CLIENT_ID);
        properties.put("clientSecret", CLIENT_SECRET);
        return properties;
    }

    @Override
    public String placeOrder(String sku, int qty) {
        String orderId = "A" + Long.toString(ids.incrementAndGet(), 36).toUpperCase();
        putOrder(orderId, sku, qty, Instant.now(), "FBR");
        return orderId;
    }

    /** The track-and-trace codes of the shipments bol accepted, per order. */
    @Override
    public Map<String, List<String>> tracking() {
        Map<String, List<String>> tracking = new LinkedHashMap<>();
        for (Shipment shipment : shipments) {
            tracking.computeIfAbsent(shipment.orderId(), id -> new ArrayList<>()).add(shipment.trackAndTrace());
        }
        return tracking;
    }

    @Override
    public Map<String, Long> shown() {
        Map<String, Long> shown = new LinkedHashMap<>();
        offers.values().forEach(o -> {
            if (o.amount != null) {
                shown.put(o.reference == null ? o.offerId : o.reference, o.amount.longValue());
            }
        });
        return shown;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            handlers.shutdownNow();
            processor.shutdownNow();
            server = null;
        }
    }

    // ---- what tests, the stub and the benchmark script ---------------------------------------

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String tokenUrl() {
        return endpoint() + "/token";
    }

    /** Its HTTP contexts, for a filter (the conformance suite's tap) to be added to each. */
    public List<HttpContext> contexts() {
        return List.copyOf(contexts);
    }

    public BolSandbox tokenLifetime(Duration lifetime) {
        tokenLifetime = lifetime;
        return this;
    }

    /** How long a process stays PENDING. */
    public BolSandbox processing(Duration delay) {
        processing = delay;
        return this;
    }

    /** Requests per second the operation (its operationId) takes before answering 429. */
    public BolSandbox limit(String operation, int perSecond) {
        limits.put(operation, perSecond);
        return this;
    }

    public BolSandbox defaultLimit(int perSecond) {
        defaultLimit = perSecond;
        return this;
    }

    /** The next {@code times} requests of the operation are applied, but answered 504 as if the answer was lost. */
    public void loseNextAnswers(String operation, int times) {
        toLose.merge(operation, times, Integer::sum);
    }

    /** Every token issued so far is expired: the next call with one is answered 401. */
    public void expireTokens() {
        tokens.replaceAll((token, until) -> Instant.EPOCH);
    }

    /** A shipment of this order ends in FAILURE with bol's message. */
    public void failShipments(String orderId, String message) {
        failingShipments.put(orderId, message);
    }

    public int tokenGrants() {
        return tokenGrants;
    }

    /** Requests the operation received (throttled ones included). */
    public int calls(String operation) {
        return calls.getOrDefault(operation, 0);
    }

    public String addOffer(String reference, String ean, String method) {
        for (Offer offer : offers.values()) {
            if (reference != null && reference.equals(offer.reference)) {
                return offer.offerId;
            }
        }
        String offerId = UUID.nameUUIDFromBytes(("offer:" + reference + ":" + ean).getBytes(StandardCharsets.UTF_8)).toString();
        offers.put(offerId, new Offer(offerId, ean, reference, method));
        return offerId;
    }

    /** The id of the offer with this reference; an order may also name an offer no longer listed. */
    private String offerOf(String reference) {
        return offers.values().stream().filter(o -> reference.equals(o.reference) || reference.equals(o.offerId)).map(o -> o.offerId)
                .findFirst().orElse(UUID.nameUUIDFromBytes(("offer:" + reference).getBytes(StandardCharsets.UTF_8)).toString());
    }

    /** An offer without a reference: the seller knows it by its offer id. */
    public void addOfferWithoutReference(String offerId, String ean, String method) {
        offers.putIfAbsent(offerId, new Offer(offerId, ean, null, method));
    }

    /** An order of one item of the offer with this reference (made if need be), as a buyer places it. */
    public void putOrder(String orderId, String sku, int qty, Instant changed, String method) {
        String offerId = offerOf(sku);
        Item item = new Item(orderId + "1", ean(sku), offerId, sku, method, qty, new BigDecimal("19.99"), changed);
        orders.put(orderId, new Order(orderId, changed.minusSeconds(30), new CopyOnWriteArrayList<>(List.of(item)), false));
    }

    /** An order whose detail names no product and no offer: nothing a hub can reserve. */
    public void putOrderWithoutProduct(String orderId, String sku, Instant changed) {
        putOrder(orderId, sku, 1, changed, "FBR");
        Order order = orders.get(orderId);
        orders.put(orderId, new Order(orderId, order.placedAt(), order.items(), true));
    }

    /** Adds an item to an order. */
    public void addItem(String orderId, String sku, int qty, String unitPrice, String method) {
        Order order = orders.get(orderId);
        order.items().add(new Item(orderId + (order.items().size() + 1), ean(sku), offerOf(sku), sku, method, qty,
                new BigDecimal(unitPrice), Instant.now()));
    }

    /** bol (or the buyer through bol) cancelled every item. */
    public void cancelOnChannel(String orderId, Instant changed) {
        for (Item item : orders.get(orderId).items()) {
            item.cancelled = item.quantity - item.shipped;
            item.changed = changed;
        }
    }

    /** The buyer asks to cancel: the seller must confirm or ship. */
    public void requestCancellation(String orderId, Instant changed) {
        for (Item item : orders.get(orderId).items()) {
            item.cancellationRequest = true;
            item.changed = changed;
        }
    }

    public void putReturn(String orderId, int quantity, String reason) {
        Order order = orders.get(orderId);
        String returnId = String.valueOf(ids.incrementAndGet());
        returns.add(new Return(returnId, String.valueOf(ids.incrementAndGet()), orderId, order.items().get(0).ean, quantity, reason,
                Instant.now(), false));
    }

    public List<Shipment> shipments(String orderId) {
        return shipments.stream().filter(s -> s.orderId().equals(orderId)).toList();
    }

    /** Order ids with an item the seller cancelled. */
    public List<String> sellerCancelled() {
        return List.copyOf(cancelledItems);
    }

    /** The stock amount of the offer with this reference; null: never set. */
    public Long shown(String reference) {
        return offers.values().stream().filter(o -> reference.equals(o.reference) && o.amount != null).findFirst()
                .map(o -> o.amount.longValue()).orElse(null);
    }

    static String ean(String sku) {
        long n = Math.abs((long) sku.hashCode()) % 1_000_000_000_000L;
        return String.format("%013d", n);
    }

    // ---- the token endpoint (login.bol.com) ----------------------------------------------------

    private void token(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String basic = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
            String grant = query(exchange.getRequestURI().getRawQuery()).getOrDefault("grant_type", query(body).get("grant_type"));
            if (!"POST".equals(exchange.getRequestMethod()) || !"client_credentials".equals(grant)) {
                send(exchange, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}");
            } else if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"Bad client credentials\"}");
            } else {
                String token = "bol-" + UUID.randomUUID();
                tokens.put(token, Instant.now().plus(tokenLifetime));
                tokenGrants++;
                send(exchange, 200, "application/json", JSON.createObjectNode().put("access_token", token).put("token_type", "Bearer")
                        .put("expires_in", tokenLifetime.toSeconds()).put("scope", "RETAILER").toString());
            }
        }
    }

    // ---- the Retailer API --------------------------------------------------------------------

    private record Answer(int status, String type, String body) {
    }

    private void retailer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String operation = operation(method, path);
            calls.merge(operation, 1, Integer::sum);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Instant until = auth == null || !auth.startsWith("Bearer ") ? null : tokens.get(auth.substring(7));
            if (until == null || Instant.now().isAfter(until)) {
                send(exchange, 401, MEDIA, problem(401, "Unauthorized", until == null ? "Invalid token" : "Expired JWT token"));
                return;
            }
            if (!throttle(exchange, operation)) {
                return;
            }
            JsonNode body = method.equals("GET") ? null : JSON.readTree(exchange.getRequestBody());
            if (body != null && !MEDIA.equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                send(exchange, 415, MEDIA, problem(415, "Unsupported Media Type", "Content-Type must be " + MEDIA));
                return;
            }
            Answer answer = answer(operation, path, query, body, exchange.getRequestHeaders().getFirst("Accept"));
            if (takeLoss(operation)) {
                send(exchange, 504, MEDIA, problem(504, "Gateway Timeout", "Gateway Timeout"));
            } else {
                send(exchange, answer.status(), answer.type(), answer.body());
            }
        }
    }

    private boolean takeLoss(String operation) {
        synchronized (toLose) {
            Integer left = toLose.get(operation);
            if (left == null || left <= 0) {
                return false;
            }
            if (left == 1) {
                toLose.remove(operation);
            } else {
                toLose.put(operation, left - 1);
            }
            return true;
        }
    }

    private Answer answer(String operation, String path, Map<String, String> query, JsonNode body, String accept) {
        String[] parts = path.split("/");
        String wanted = operation.equals("get-offer-export") ? CSV : MEDIA;
        if (accept == null || !accept.contains(wanted)) {
            return new Answer(406, MEDIA, problem(406, "Not Acceptable", "Accept must be " + wanted));
        }
        return switch (operation) {
            case "get-orders" -> listOrders(query);
            case "get-order" -> orders.containsKey(parts[3]) ? new Answer(200, MEDIA, detail(orders.get(parts[3])).toString())
                    : notFound("order " + parts[3]);
            case "create-shipment" -> ship(body);
            case "cancel-order-item" -> cancel(body);
            case "get-process-status" -> processes.containsKey(parts[3]) ? new Answer(200, MEDIA, status(processes.get(parts[3])).toString())
                    : notFound("process status " + parts[3]);
            case "get-process-status-entity-id" -> statuses(query);
            case "update-offer-stock" -> stock(parts[3], body);
            case "post-offer-export" -> export();
            case "get-offer-export" -> exports.containsKey(parts[4]) ? new Answer(200, CSV, exports.get(parts[4]))
                    : notFound("offer export " + parts[4]);
            case "get-returns" -> listReturns(query);
            case "get-return" -> returns.stream().filter(r -> r.returnId().equals(parts[3])).findFirst()
                    .map(r -> new Answer(200, MEDIA, returned(r, true).toString())).orElse(notFound("return " + parts[3]));
            default -> notFound(path);
        };
    }

    static String operation(String method, String path) {
        String p = path.replaceAll("/+$", "");
        if (p.equals("/retailer/orders")) {
            return "get-orders";
        }
        if (p.equals("/retailer/orders/cancellation")) {
            return "cancel-order-item";
        }
        if (p.matches("/retailer/orders/[^/]+") && method.equals("GET")) {
            return "get-order";
        }
        if (p.equals("/retailer/shipments") && method.equals("POST")) {
            return "create-shipment";
        }
        if (p.equals("/shared/process-status") && method.equals("GET")) {
            return "get-process-status-entity-id";
        }
        if (p.matches("/shared/process-status/[^/]+")) {
            return "get-process-status";
        }
        if (p.matches("/retailer/offers/[^/]+/stock") && method.equals("PUT")) {
            return "update-offer-stock";
        }
        if (p.equals("/retailer/offers/export") && method.equals("POST")) {
            return "post-offer-export";
        }
        if (p.matches("/retailer/offers/export/[^/]+")) {
            return "get-offer-export";
        }
        if (p.equals("/retailer/returns") && method.equals("GET")) {
            return "get-returns";
        }
        if (p.matches("/retailer/returns/[^/]+") && method.equals("GET")) {
            return "get-return";
        }
        return method + " " + p;
    }

    /** A one-second window per operation; every answer announces what is left of it. */
    private boolean throttle(HttpExchange exchange, String operation) throws IOException {
        int limit = limits.getOrDefault(operation, defaultLimit);
        long now = System.currentTimeMillis();
        long[] window;
        int used;
        long reset;
        synchronized (windows) {
            window = windows.computeIfAbsent(operation, op -> new long[] {now, 0});
            if (now - window[0] >= 1000) {
                window[0] = now;
                window[1] = 0;
            }
            used = (int) ++window[1];
            reset = Math.max(1, (window[0] + 1000 - now + 999) / 1000);
        }
        exchange.getResponseHeaders().add("x-ratelimit-limit", String.valueOf(limit));
        exchange.getResponseHeaders().add("x-ratelimit-remaining", String.valueOf(Math.max(0, limit - used)));
        exchange.getResponseHeaders().add("x-ratelimit-reset", String.valueOf(reset));
        if (used > limit) {
            exchange.getResponseHeaders().add("Retry-After", String.valueOf(reset));
            send(exchange, 429, MEDIA, problem(429, "Too Many Requests", "Too many requests, retry in " + reset + " seconds"));
            return false;
        }
        return true;
    }

    private Answer listOrders(Map<String, String> query) {
        String method = query.getOrDefault("fulfilment-method", "FBR");
        String status = query.getOrDefault("status", "OPEN");
        Integer interval = query.containsKey("change-interval-minute") ? Integer.valueOf(query.get("change-interval-minute")) : null;
        if (interval != null && (interval < 1 || interval > 60)) {
            return badRequest("change-interval-minute", "must be between 1 and 60");
        }
        LocalDate day = query.containsKey("latest-change-date") ? LocalDate.parse(query.get("latest-change-date")) : null;
        Instant since = interval == null ? null : Instant.now().minus(Duration.ofMinutes(interval));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        List<Order> matching = orders.values().stream().filter(o -> o.items().stream().anyMatch(i ->
                        (method.equals("ALL") || i.method.equals(method))
                                && (status.equals("ALL") || status.equals("OPEN") == i.open() && (status.equals("OPEN") || i.shipped > 0))
                                && (since == null || !i.changed.isBefore(since))
                                && (day == null || i.changed.atZone(AMSTERDAM).toLocalDate().equals(day))))
                .sorted(Comparator.comparing(Order::placedAt).thenComparing(Order::orderId)).toList();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray("orders");
        for (Order order : matching.subList(Math.min(matching.size(), (page - 1) * PAGE), Math.min(matching.size(), page * PAGE))) {
            ObjectNode reduced = list.addObject().put("orderId", order.orderId()).put("orderPlacedDateTime", time(order.placedAt()));
            for (Item item : order.items()) {
                reduced.withArray("orderItems").addObject().put("orderItemId", item.orderItemId).put("ean", item.ean)
                        .put("fulfilmentMethod", item.method).put("fulfilmentStatus", item.open() ? "OPEN" : "HANDLED")
                        .put("quantity", item.quantity).put("quantityShipped", item.shipped).put("quantityCancelled", item.cancelled)
                        .put("cancellationRequest", item.cancellationRequest).put("latestChangedDateTime", time(item.changed));
            }
        }
        return new Answer(200, MEDIA, answer.toString());
    }

    private ObjectNode detail(Order order) {
        ObjectNode detail = JSON.createObjectNode().put("orderId", order.orderId()).put("pickupPoint", false)
                .put("orderPlacedDateTime", time(order.placedAt()));
        detail.putObject("shipmentDetails").put("salutation", "FEMALE").put("firstName", "Anna").put("surname", "de Vries")
                .put("streetName", "Papendorpseweg").put("houseNumber", "100").put("houseNumberExtension", "B")
                .put("zipCode", "3528BJ").put("city", "Utrecht").put("countryCode", "NL").put("email", "2anna@verkopen.test.bol.com")
                .put("language", "nl");
        detail.putObject("billingDetails").put("salutation", "FEMALE").put("firstName", "Anna").put("surname", "de Vries")
                .put("streetName", "Papendorpseweg").put("houseNumber", "100").put("zipCode", "3528BJ").put("city", "Utrecht")
                .put("countryCode", "NL").put("email", "2anna@verkopen.test.bol.com");
        for (Item item : order.items()) {
            ObjectNode line = detail.withArray("orderItems").addObject().put("orderItemId", item.orderItemId)
                    .put("cancellationRequest", item.cancellationRequest);
            line.putObject("fulfilment").put("method", item.method).put("distributionParty", item.method.equals("FBB") ? "BOL" : "RETAILER")
                    .put("latestDeliveryDate", order.placedAt().atZone(AMSTERDAM).toLocalDate().plusDays(2).toString())
                    .put("timeFrameType", "REGULAR");
            if (!order.withoutProduct()) {
                line.putObject("offer").put("offerId", item.offerId).put("reference", item.reference);
                line.putObject("product").put("ean", item.ean).put("title", "Product " + item.reference);
            }
            line.put("quantity", item.quantity).put("quantityShipped", item.shipped).put("quantityCancelled", item.cancelled)
                    .put("unitPrice", item.unitPrice).put("totalPrice", item.unitPrice.multiply(BigDecimal.valueOf(item.quantity)))
                    .put("commission", new BigDecimal("1.50")).put("latestChangedDateTime", time(item.changed));
            line.putArray("discounts");
        }
        return detail;
    }

    private Item item(String orderItemId) {
        for (Order order : orders.values()) {
            for (Item item : order.items()) {
                if (item.orderItemId.equals(orderItemId)) {
                    return item;
                }
            }
        }
        return null;
    }

    private String orderOf(String orderItemId) {
        return orders.values().stream().filter(o -> o.items().stream().anyMatch(i -> i.orderItemId.equals(orderItemId)))
                .map(Order::orderId).findFirst().orElse(null);
    }

    private Answer ship(JsonNode body) {
        JsonNode items = body.path("orderItems");
        if (!items.isArray() || items.isEmpty() || items.size() > 100) {
            return badRequest("orderItems", "must hold 1 to 100 order items");
        }
        if (!body.path("transport").path("transporterCode").isTextual()) {
            return badRequest("transport.transporterCode", "is required without a shippingLabelId");
        }
        String first = items.get(0).path("orderItemId").asText();
        Process process = process("CREATE_SHIPMENT", first);
        later(process, () -> {
            String orderId = orderOf(first);
            if (orderId == null) {
                return "Order item " + first + " does not exist.";
            }
            if (failingShipments.containsKey(orderId)) {
                return failingShipments.get(orderId);
            }
            Map<String, Integer> shipped = new LinkedHashMap<>();
            for (JsonNode line : items) {
                Item item = item(line.path("orderItemId").asText());
                int open = item == null ? 0 : item.quantity - item.shipped - item.cancelled;
                int qty = line.has("quantity") ? line.path("quantity").asInt() : open;
                if (item == null || qty < 1 || qty > open) {
                    return "Order item " + line.path("orderItemId").asText() + " has no " + qty + " open to ship.";
                }
                shipped.put(item.orderItemId, qty);
            }
            shipped.forEach((id, qty) -> {
                Item item = item(id);
                item.shipped += qty;
                item.changed = Instant.now();
            });
            shipments.add(new Shipment(orderId, body.path("shipmentReference").asText(null),
                    body.path("transport").path("transporterCode").asText(), body.path("transport").path("trackAndTrace").asText(null), shipped));
            return null;
        });
        return new Answer(202, MEDIA, status(process).toString());
    }

    private Answer cancel(JsonNode body) {
        JsonNode items = body.path("orderItems");
        if (!items.isArray() || items.size() != 1) {
            return badRequest("orderItems", "must hold exactly one order item");
        }
        String orderItemId = items.get(0).path("orderItemId").asText();
        Process process = process("CANCEL_ORDER", orderItemId);
        later(process, () -> {
            Item item = item(orderItemId);
            if (item == null) {
                return "Order item " + orderItemId + " does not exist.";
            }
            if (!item.open()) {
                return "Order item " + orderItemId + " is already handled.";
            }
            item.cancelled = item.quantity - item.shipped;
            item.changed = Instant.now();
            cancelledItems.add(orderOf(orderItemId));
            return null;
        });
        return new Answer(202, MEDIA, status(process).toString());
    }

    private Answer stock(String offerId, JsonNode body) {
        Offer offer = offers.get(offerId);
        if (offer == null) {
            return badRequest("offer-id", "Offer " + offerId + " does not exist for this retailer.");
        }
        int amount = body.path("amount").asInt(-1);
        if (amount < 0 || amount > 999 || !body.path("managedByRetailer").isBoolean()) {
            return badRequest("amount", "amount must be 0 to 999 and managedByRetailer a boolean");
        }
        Process process = process("UPDATE_OFFER_STOCK", offerId);
        later(process, () -> {
            offer.amount = amount;
            return null;
        });
        return new Answer(202, MEDIA, status(process).toString());
    }

    private Answer export() {
        Process process = process("CREATE_OFFER_EXPORT", null);
        later(process, () -> {
            StringBuilder csv = new StringBuilder("offerId,ean,conditionName,conditionCategory,bundlePricesPrice,fulfilmentType,"
                    + "stockAmount,onHoldByRetailer,referenceCode,mutationDateTime\n");
            offers.values().forEach(o -> csv.append(o.offerId).append(',').append(o.ean).append(",NEW,NEW,19.99,").append(o.method)
                    .append(',').append(o.amount == null ? 0 : o.amount).append(",false,").append(o.reference == null ? "" : o.reference)
                    .append(',').append(time(Instant.now())).append('\n'));
            String reportId = String.valueOf(ids.incrementAndGet());
            exports.put(reportId, csv.toString());
            return "=" + reportId;
        });
        return new Answer(202, MEDIA, status(process).toString());
    }

    private Answer listReturns(Map<String, String> query) {
        boolean handled = Boolean.parseBoolean(query.getOrDefault("handled", "false"));
        int page = Integer.parseInt(query.getOrDefault("page", "1"));
        List<Return> matching = returns.stream().filter(r -> r.handled() == handled).sorted(Comparator.comparing(Return::registered)).toList();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray("returns");
        matching.subList(Math.min(matching.size(), (page - 1) * PAGE), Math.min(matching.size(), page * PAGE))
                .forEach(r -> list.add(returned(r, false)));
        return new Answer(200, MEDIA, answer.toString());
    }

    private ObjectNode returned(Return r, boolean detail) {
        ObjectNode node = JSON.createObjectNode().put("returnId", r.returnId()).put("registrationDateTime", time(r.registered()))
                .put("fulfilmentMethod", "FBR");
        ObjectNode item = node.putArray("returnItems").addObject().put("rmaId", r.rmaId()).put("orderId", r.orderId()).put("ean", r.ean())
                .put("expectedQuantity", r.quantity()).put("handled", r.handled());
        item.putObject("returnReason").put("mainReason", r.reason()).put("detailedReason", r.reason());
        item.putArray("processingResults");
        if (detail) {
            item.put("title", "Product " + r.ean());
            item.putObject("customerDetails").put("salutation", "FEMALE").put("firstName", "Anna").put("surname", "de Vries")
                    .put("streetName", "Papendorpseweg").put("houseNumber", "100").put("zipCode", "3528BJ").put("city", "Utrecht")
                    .put("countryCode", "NL").put("email", "2anna@verkopen.test.bol.com");
        }
        return node;
    }

    private Answer statuses(Map<String, String> query) {
        String entity = query.get("entity-id");
        String type = query.get("event-type");
        if (entity == null || type == null) {
            return badRequest("entity-id", "entity-id and event-type are required");
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray("processStatuses");
        processes.values().stream().filter(p -> entity.equals(p.entityId) && type.equals(p.eventType))
                .sorted(Comparator.comparing((Process p) -> p.created).reversed()).forEach(p -> list.add(status(p)));
        return new Answer(200, MEDIA, answer.toString());
    }

    private Process process(String eventType, String entityId) {
        Process process = new Process(String.valueOf(ids.incrementAndGet()), eventType, entityId, Instant.now());
        processes.put(process.id, process);
        return process;
    }

    /** Runs the action once the processing delay is over: null is SUCCESS, "=x" SUCCESS with entity x, else FAILURE with it. */
    private void later(Process process, java.util.function.Supplier<String> action) {
        processor.schedule(() -> {
            String outcome;
            try {
                outcome = action.get();
            } catch (RuntimeException e) {
                outcome = "Internal error";
            }
            if (outcome == null || outcome.startsWith("=")) {
                process.error = outcome == null ? null : "=" + outcome.substring(1);
                process.status = "SUCCESS";
            } else {
                process.error = outcome;
                process.status = "FAILURE";
            }
        }, processing.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ObjectNode status(Process p) {
        String entity = p.error != null && p.error.startsWith("=") ? p.error.substring(1) : p.entityId;
        ObjectNode node = JSON.createObjectNode().put("processStatusId", p.id);
        if (entity != null) {
            node.put("entityId", entity);
        }
        node.put("eventType", p.eventType).put("description", p.eventType + " " + (entity == null ? "" : entity)).put("status", p.status);
        if ("FAILURE".equals(p.status)) {
            node.put("errorMessage", p.error);
        }
        node.put("createTimestamp", time(p.created));
        node.putArray("links").addObject().put("rel", "self").put("href", endpoint() + "/shared/process-status/" + p.id);
        return node;
    }

    // ---- the wire ------------------------------------------------------------------------------

    private static String time(Instant instant) {
        return instant.atZone(AMSTERDAM).toOffsetDateTime().toString();
    }

    private static Answer notFound(String what) {
        return new Answer(404, MEDIA, problem(404, "Not Found", what + " not found"));
    }

    private static Answer badRequest(String field, String reason) {
        ObjectNode problem = problemNode(400, "Bad Request", "Bad request");
        problem.withArray("violations").addObject().put("name", field).put("reason", reason);
        return new Answer(400, MEDIA, problem.toString());
    }

    static String problem(int status, String title, String detail) {
        return problemNode(status, title, detail).toString();
    }

    private static ObjectNode problemNode(int status, String title, String detail) {
        ObjectNode problem = JSON.createObjectNode().put("type", "https://api.bol.com/problems").put("title", title).put("status", status)
                .put("detail", detail).put("host", "Instance-001");
        problem.putArray("violations");
        return problem;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static Map<String, String> query(String encoded) {
        Map<String, String> values = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            values.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }
}

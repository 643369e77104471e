package dev.orderhub.connectors.shipbob;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.conformance.StubTap;

/**
 * A stand-in for ShipBob's Developer API 2026-01 as its published document describes it (the
 * subset in src/test/contract/shipbob-api-2026-01.yaml, which ShipBobContractTest holds every
 * exchange to), for one account: bearer token {@link #TOKEN}, channel {@link #CHANNEL_ID}.
 * POST /order (the CreateOrderModel's required fields, type from OrderType, products known by
 * reference_id unless a name is given, a reference_id used before refused 422 as ShipBob does)
 * answers 201 with the Order and one Processing shipment; GET /order by ReferenceIds or IDs;
 * POST /order/{id}:cancel (Success, or Failure per shipment once one is Completed); GET
 * /inventory-level in pages linked by {@code next}. The warehouse side is the test's: {@link #ship}
 * completes (part of) an order as a shipment with tracking, and {@link #signed} makes the webhook
 * delivery ShipBob would send, signed the Standard Webhooks way. Nothing here makes a retry safe:
 * an order posted twice without its reference_id repeated would be two orders.
 */
public final class ShipBobStub implements AutoCloseable {

    public static final String TOKEN = "shipbob-pat-test-not-real-0123456789abcdef";
    public static final long CHANNEL_ID = 100102;
    /** The webhook subscription's secret (whsec_ and 32 base64 characters). */
    public static final String WEBHOOK_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "orderhub-test-webhook-key".substring(0, 24).getBytes(StandardCharsets.US_ASCII));
    static final Set<String> ORDER_TYPES = Set.of("DTC", "DropShip", "B2B");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final StubTap tap = new StubTap(status -> status == 429 ? "{}" : "{\"\":[\"HTTP " + status + "\"]}");
    private final Map<Long, ObjectNode> orders = new ConcurrentHashMap<>();
    private final Set<String> products = ConcurrentHashMap.newKeySet();
    private final List<ObjectNode> levels = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger(7_000_000);
    private final AtomicInteger shipmentIds = new AtomicInteger(90_000_000);
    private final AtomicBoolean loseCreateAnswer = new AtomicBoolean();
    private final AtomicInteger created = new AtomicInteger();
    private volatile int pageSize = 250;

    public ShipBobStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        tap.on(server.createContext("/", this::handle));
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public StubTap tap() {
        return tap;
    }

    /** Products the account has (their reference ids): orders of other skus are refused. */
    public void product(String... referenceIds) {
        products.addAll(List.of(referenceIds));
    }

    /** The next order is created, but its answer is lost (the connection drops). */
    void loseNextCreateAnswer() {
        loseCreateAnswer.set(true);
    }

    /** Orders created so far (a second order of one reference would be counted twice). */
    int created() {
        return created.get();
    }

    /** The orders of a reference id. */
    List<ObjectNode> ordersOf(String referenceId) {
        return orders.values().stream().filter(o -> referenceId.equals(o.path("reference_id").asText())).toList();
    }

    ObjectNode order(String referenceId) {
        List<ObjectNode> found = ordersOf(referenceId);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " ShipBob orders of reference " + referenceId);
        }
        return found.get(0);
    }

    /** The account's inventory level of a sku (total on hand). */
    void level(String sku, int onHand) {
        levels.removeIf(l -> sku.equals(l.path("sku").asText()));
        ObjectNode level = JSON.createObjectNode();
        level.put("inventory_id", 500_000 + levels.size() + 1);
        level.put("name", "Product " + sku);
        level.put("sku", sku);
        level.put("total_on_hand_quantity", onHand);
        level.put("total_committed_quantity", 0);
        level.put("total_fulfillable_quantity", onHand);
        level.put("total_sellable_quantity", onHand);
        level.put("total_awaiting_quantity", 0);
        level.put("total_backordered_quantity", 0);
        level.put("total_exception_quantity", 0);
        level.put("total_internal_transfer_quantity", 0);
        levels.add(level);
    }

    void pageSize(int size) {
        pageSize = size;
    }

    void clear() {
        levels.clear();
        tap.clearFaults();
    }

    /**
     * The warehouse ships {@code units} (sku to quantity) of the order as one shipment with this
     * tracking number: the whole open shipment when it is all of it, else split off it (the rest
     * stays Processing). Answers the shipment.
     */
    synchronized ObjectNode ship(String referenceId, Map<String, Integer> units, String carrier, String trackingNumber) {
        ObjectNode order = order(referenceId);
        ArrayNode shipments = (ArrayNode) order.path("shipments");
        ObjectNode open = null;
        for (JsonNode shipment : shipments) {
            if ("Processing".equals(shipment.path("status").asText())) {
                open = (ObjectNode) shipment;
            }
        }
        if (open == null) {
            throw new AssertionError("order " + referenceId + " has no Processing shipment left");
        }
        Map<String, Integer> inOpen = new LinkedHashMap<>();
        open.path("products").forEach(p -> inOpen.put(p.path("reference_id").asText(), p.path("inventory_items").path(0)
                .path("quantity").asInt()));
        boolean all = inOpen.equals(units);
        ObjectNode shipped;
        if (all) {
            shipped = open;
        } else {
            shipped = shipment(order, units);
            shipments.add(shipped);
            ArrayNode rest = JSON.createArrayNode();
            for (JsonNode product : open.path("products")) {
                int left = product.path("inventory_items").path(0).path("quantity").asInt()
                        - units.getOrDefault(product.path("reference_id").asText(), 0);
                if (left > 0) {
                    ObjectNode copy = product.deepCopy();
                    ((ObjectNode) copy.path("inventory_items").path(0)).put("quantity", left);
                    rest.add(copy);
                }
            }
            open.set("products", rest);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        shipped.put("status", "Completed");
        shipped.put("actual_fulfillment_date", now.toString());
        shipped.put("last_update_at", now.toString());
        shipped.put("estimated_fulfillment_date_status", "FulfilledOnTime");
        ObjectNode tracking = shipped.putObject("tracking");
        tracking.put("carrier", carrier);
        tracking.put("carrier_service", "Ground");
        tracking.put("tracking_number", trackingNumber);
        tracking.put("tracking_url", "https://tracking.example/" + trackingNumber);
        tracking.put("shipping_date", now.toString());
        boolean done = true;
        for (JsonNode shipment : shipments) {
            done &= !"Processing".equals(shipment.path("status").asText());
        }
        order.put("status", done ? "Fulfilled" : "PartiallyFulfilled");
        return shipped;
    }

    /** One webhook delivery as ShipBob sends it: its headers (Standard Webhooks) and exact body. */
    record Delivery(Map<String, String> headers, byte[] body) {

        Delivery tampered() {
            byte[] changed = new String(body, StandardCharsets.UTF_8).replaceFirst("\"Completed\"", "\"Processing\"")
                    .getBytes(StandardCharsets.UTF_8);
            return new Delivery(headers, changed);
        }

        Delivery signedWith(String otherSecret) {
            Map<String, String> forged = new LinkedHashMap<>(headers);
            forged.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(WebhookSignature.sign(key(otherSecret),
                    headers.get("webhook-id"), headers.get("webhook-timestamp"), body)));
            return new Delivery(forged, body);
        }

        Delivery unsigned() {
            Map<String, String> without = new LinkedHashMap<>(headers);
            without.remove("webhook-signature");
            return new Delivery(without, body);
        }
    }

    /** A signed delivery of {@code topic} about {@code payload} (an Order or a Shipment), with a new webhook-id. */
    Delivery signed(String topic, JsonNode payload) {
        return signed(topic, payload, "msg_" + UUID.randomUUID().toString().replace("-", ""), Instant.now());
    }

    Delivery signed(String topic, JsonNode payload, String id, Instant at) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String timestamp = String.valueOf(at.getEpochSecond());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", id);
        headers.put("webhook-timestamp", timestamp);
        // Two signatures, as during a secret rotation: one under an old secret, then the current one.
        headers.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(WebhookSignature.sign(
                key("whsec_" + Base64.getEncoder().encodeToString("an-old-rotated-secret-24".getBytes(StandardCharsets.US_ASCII))),
                id, timestamp, body)) + " v1," + Base64.getEncoder().encodeToString(WebhookSignature.sign(key(WEBHOOK_SECRET), id,
                timestamp, body)));
        headers.put("x-webhook-topic", topic);
        headers.put("Content-Type", "application/json");
        return new Delivery(headers, body);
    }

    static byte[] key(String secret) {
        return Base64.getDecoder().decode(secret.substring("whsec_".length()));
    }

    // ---- the API ------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1); // the document declares no body for 401
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (method.equals("POST") && path.equals("/2026-01/order")) {
                create(exchange);
            } else if (method.equals("GET") && path.equals("/2026-01/order")) {
                ArrayNode found = JSON.createArrayNode();
                List<String> references = split(query.get("ReferenceIds"));
                List<String> wanted = split(query.get("IDs"));
                orders.values().stream()
                        .filter(o -> references.isEmpty() || references.contains(o.path("reference_id").asText()))
                        .filter(o -> wanted.isEmpty() || wanted.contains(o.path("id").asText()))
                        .sorted(java.util.Comparator.comparingLong(o -> o.path("id").asLong()))
                        .limit(Integer.parseInt(query.getOrDefault("Limit", "50")))
                        .forEach(found::add);
                answer(exchange, 200, found);
            } else if (method.equals("POST") && path.matches("/2026-01/order/[0-9]+:cancel")) {
                cancel(exchange, Long.parseLong(path.substring("/2026-01/order/".length(), path.indexOf(':'))));
            } else if (method.equals("GET") && path.equals("/2026-01/inventory-level")) {
                int size = Math.min(pageSize, Integer.parseInt(query.getOrDefault("PageSize", "250")));
                int from = Integer.parseInt(query.getOrDefault("Cursor", "0"));
                ObjectNode page = JSON.createObjectNode();
                page.putNull("first");
                ArrayNode items = page.putArray("items");
                levels.stream().skip(from).limit(size).forEach(items::add);
                page.putNull("last");
                if (from + size < levels.size()) {
                    page.put("next", "/2026-01/inventory-level?PageSize=" + size + "&Cursor=" + (from + size));
                } else {
                    page.putNull("next");
                }
                page.putNull("prev");
                answer(exchange, 200, page);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private synchronized void create(HttpExchange exchange) throws IOException {
        if (!String.valueOf(CHANNEL_ID).equals(exchange.getRequestHeaders().getFirst("shipbob_channel_id"))) {
            answer(exchange, 400, errors("shipbob_channel_id", "The shipbob_channel_id header must name a channel of the account"));
            return;
        }
        JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        List<String> missing = new ArrayList<>();
        for (String field : List.of("products", "recipient", "reference_id", "shipping_method", "type")) {
            if (!body.hasNonNull(field)) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            ObjectNode problems = JSON.createObjectNode();
            missing.forEach(field -> problems.putArray(field).add("The " + field + " field is required."));
            answer(exchange, 400, problems);
            return;
        }
        if (!ORDER_TYPES.contains(body.path("type").asText())) {
            answer(exchange, 400, errors("type", "The value is not a valid OrderType."));
            return;
        }
        String reference = body.path("reference_id").asText();
        if (!ordersOf(reference).isEmpty()) {
            answer(exchange, 422, errors("", "Cannot insert order with existing ReferenceId"));
            return;
        }
        int i = 0;
        for (JsonNode product : body.path("products")) {
            String sku = product.path("reference_id").asText();
            if (!products.contains(sku) && !product.path("name").isTextual()) {
                answer(exchange, 422, errors("products[" + i + "].reference_id", "No product has this reference_id, and no name "
                        + "was given to create one."));
                return;
            }
            if (product.path("quantity").asInt() < 1) {
                answer(exchange, 400, errors("products[" + i + "].quantity", "The quantity must be at least 1."));
                return;
            }
            i++;
        }
        long id = ids.incrementAndGet();
        ObjectNode order = JSON.createObjectNode();
        order.put("id", id);
        order.put("created_date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        order.set("purchase_date", body.path("purchase_date").isMissingNode() ? JSON.nullNode() : body.path("purchase_date"));
        order.put("reference_id", reference);
        order.set("order_number", body.hasNonNull("order_number") ? body.path("order_number") : body.path("reference_id"));
        order.put("status", "Processing");
        order.put("type", body.path("type").asText());
        ObjectNode channel = order.putObject("channel");
        channel.put("id", CHANNEL_ID);
        channel.put("name", "orderhub-api");
        order.put("shipping_method", body.path("shipping_method").asText());
        order.set("recipient", body.path("recipient"));
        ArrayNode lines = order.putArray("products");
        Map<String, Integer> units = new LinkedHashMap<>();
        for (JsonNode product : body.path("products")) {
            ObjectNode line = lines.addObject();
            line.put("id", 1000 + Math.abs(product.path("reference_id").asText().hashCode() % 100000));
            line.put("reference_id", product.path("reference_id").asText());
            line.put("sku", product.path("reference_id").asText());
            line.put("quantity", product.path("quantity").asInt());
            line.set("external_line_id", product.path("external_line_id").isMissingNode() ? JSON.nullNode()
                    : product.path("external_line_id"));
            units.merge(product.path("reference_id").asText(), product.path("quantity").asInt(), Integer::sum);
        }
        order.putArray("shipments").add(shipment(order, units));
        orders.put(id, order);
        created.incrementAndGet();
        if (loseCreateAnswer.getAndSet(false)) {
            return; // created, but the connection closes without an answer
        }
        answer(exchange, 201, order);
    }

    /** A new Processing shipment of the order holding {@code units} (sku to quantity). */
    private ObjectNode shipment(ObjectNode order, Map<String, Integer> units) {
        ObjectNode shipment = JSON.createObjectNode();
        shipment.put("id", shipmentIds.incrementAndGet());
        shipment.put("order_id", order.path("id").asLong());
        shipment.put("reference_id", order.path("reference_id").asText());
        shipment.put("status", "Processing");
        shipment.putArray("status_details");
        shipment.put("created_date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        shipment.putNull("actual_fulfillment_date");
        ObjectNode location = shipment.putObject("location");
        location.put("id", 156);
        location.put("name", "Cicero (IL)");
        shipment.putNull("tracking");
        shipment.put("is_tracking_uploaded", false);
        ArrayNode products = shipment.putArray("products");
        units.forEach((sku, qty) -> {
            ObjectNode product = products.addObject();
            product.put("id", 1000 + Math.abs(sku.hashCode() % 100000));
            product.put("name", "Product " + sku);
            product.put("reference_id", sku);
            product.put("sku", sku);
            ObjectNode item = product.putArray("inventory_items").addObject();
            item.put("id", 500_000 + Math.abs(sku.hashCode() % 100000));
            item.put("name", "Product " + sku);
            item.put("quantity", qty);
            item.put("quantity_committed", qty);
        });
        shipment.put("ship_option", order.path("shipping_method").asText());
        return shipment;
    }

    private synchronized void cancel(HttpExchange exchange, long id) throws IOException {
        ObjectNode order = orders.get(id);
        if (order == null) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        boolean shipped = false;
        for (JsonNode shipment : order.path("shipments")) {
            shipped |= "Completed".equals(shipment.path("status").asText());
        }
        ObjectNode result = JSON.createObjectNode();
        result.put("order_id", id);
        ArrayNode results = JSON.createArrayNode();
        for (JsonNode shipment : order.path("shipments")) {
            ObjectNode one = results.addObject();
            one.put("action", "Cancel");
            boolean done = "Completed".equals(shipment.path("status").asText());
            one.put("is_success", !shipped);
            if (shipped) {
                one.put("reason", done ? "The shipment has already shipped." : "The order has shipments that have shipped.");
            } else {
                one.putNull("reason");
                ((ObjectNode) shipment).put("status", "Cancelled");
            }
            one.put("shipment_id", shipment.path("id").asLong());
        }
        if (!shipped) {
            order.put("status", "Cancelled");
        }
        result.put("status", shipped ? "Failure" : "Success");
        result.set("order", order);
        result.set("canceled_shipment_results", results);
        answer(exchange, 200, result);
    }

    private static ObjectNode errors(String field, String message) {
        ObjectNode errors = JSON.createObjectNode();
        errors.putArray(field).add(message);
        return errors;
    }

    private static List<String> split(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.split(","));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

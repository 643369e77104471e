package dev.orderhub.connectors.shippo;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * A stand-in for Shippo's API as ../shared/specs/carrier-shippo/public-api.yaml describes it,
 * answering only what the spec allows: POST /shipments (ShipmentCreateRequest: address_from,
 * address_to and parcels required, each parcel's length, width, height, distance_unit, weight,
 * mass_unit required, the units from DistanceUnitEnum and WeightUnitEnum) answering a Shipment
 * with its required fields and rates; POST /transactions (TransactionCreateRequest: rate
 * required; label_file_type from LabelFileTypeEnum) answering a Transaction, status SUCCESS;
 * GET /transactions filtered by {@code rate}; GET /rates/{RateId}; the label file. A 400 body is
 * the spec's BadRequest (any object): {@code {"field": ["message"]}}. It buys a second label for
 * a rate bought before, as a real account would: nothing here makes the connector's retry safe.
 */
public final class ShippoStub implements AutoCloseable {

    public static final String TOKEN = "shippo_test_token-not-real-0123456789";
    static final String BAD_ZIP = "00000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DISTANCE_UNITS = Set.of("cm", "in", "ft", "m", "mm", "yd");
    private static final Set<String> MASS_UNITS = Set.of("g", "kg", "lb", "oz");
    private static final Set<String> LABEL_TYPES = Set.of("PNG", "PNG_2.3x7.5", "PDF", "PDF_2.3x7.5", "PDF_4x6", "PDF_4x8",
            "PDF_A4", "PDF_A5", "PDF_A6", "ZPLII");
    static final byte[] PDF = "%PDF-1.4\n% a label written by ShippoStub\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final com.sun.net.httpserver.HttpContext context;
    private final Map<String, ObjectNode> rates = new ConcurrentHashMap<>();
    private final List<ObjectNode> transactions = new CopyOnWriteArrayList<>();
    private final List<JsonNode> shipmentsReceived = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicBoolean losePurchaseAnswer = new AtomicBoolean();

    public ShippoStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        context = server.createContext("/", this::handle);
        server.start();
    }

    /** Its one context, for a tap (the conformance suite records every exchange on it). */
    com.sun.net.httpserver.HttpContext context() {
        return context;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next purchase is made, but its answer is lost (a 502 in its place). */
    void loseNextPurchaseAnswer() {
        losePurchaseAnswer.set(true);
    }

    /** Transactions bought (labels paid for). */
    List<ObjectNode> purchases() {
        return List.copyOf(transactions);
    }

    List<JsonNode> shipmentsReceived() {
        return List.copyOf(shipmentsReceived);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().replaceAll("/+$", "");
            String method = exchange.getRequestMethod();
            if (path.startsWith("/labels/")) { // label files are served without the API token, as Shippo's are
                exchange.getResponseHeaders().add("Content-Type", "application/pdf");
                exchange.sendResponseHeaders(200, PDF.length);
                exchange.getResponseBody().write(PDF);
                return;
            }
            if (!("ShippoToken " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, JSON.createObjectNode().put("detail", "Invalid token."));
                return;
            }
            if (method.equals("POST") && path.equals("/shipments")) {
                shipment(exchange, read(exchange.getRequestBody()));
            } else if (method.equals("POST") && path.equals("/transactions")) {
                purchase(exchange, read(exchange.getRequestBody()));
            } else if (method.equals("GET") && path.equals("/transactions")) {
                String rate = query(exchange, "rate");
                ArrayNode results = JSON.createArrayNode();
                transactions.stream().filter(t -> rate == null || rate.equals(t.path("rate").asText())).forEach(results::add);
                ObjectNode page = JSON.createObjectNode();
                page.putNull("next");
                page.putNull("previous");
                page.set("results", results);
                answer(exchange, 200, page);
            } else if (method.equals("GET") && path.startsWith("/rates/")) {
                ObjectNode rate = rates.get(path.substring("/rates/".length()));
                answer(exchange, rate == null ? 404 : 200, rate == null ? JSON.createObjectNode().put("detail", "Not found.") : rate);
            } else {
                answer(exchange, 404, JSON.createObjectNode().put("detail", "Not found."));
            }
        }
    }

    private void shipment(HttpExchange exchange, JsonNode body) throws IOException {
        shipmentsReceived.add(body);
        ObjectNode problems = JSON.createObjectNode();
        for (String field : List.of("address_from", "address_to", "parcels")) {
            if (!body.hasNonNull(field)) {
                problems.putArray(field).add("This field is required.");
            }
        }
        for (String side : List.of("address_from", "address_to")) {
            JsonNode address = body.path(side);
            if (address.isObject()) {
                for (String field : List.of("name", "street1", "city", "zip", "country")) { // "required for purchase"
                    if (!address.path(field).isTextual() || address.path(field).asText().isBlank()) {
                        child(problems, side).putArray(field).add("This field is required.");
                    }
                }
                if (BAD_ZIP.equals(address.path("zip").asText())) {
                    child(problems, side).putArray("zip").add("The postal code is not valid for the country.");
                }
            }
        }
        for (JsonNode parcel : body.path("parcels")) {
            for (String field : List.of("length", "width", "height", "distance_unit", "weight", "mass_unit")) {
                if (!parcel.path(field).isTextual()) {
                    child(problems, "parcels").putArray(field).add("This field is required (a string).");
                }
            }
            if (!DISTANCE_UNITS.contains(parcel.path("distance_unit").asText())
                    || !MASS_UNITS.contains(parcel.path("mass_unit").asText())) {
                child(problems, "parcels").putArray("unit").add("Not a valid choice.");
            }
        }
        if (!problems.isEmpty()) {
            answer(exchange, 400, problems);
            return;
        }
        String shipmentId = id("shp");
        String now = now();
        ObjectNode shipment = JSON.createObjectNode();
        shipment.set("address_from", body.get("address_from"));
        shipment.set("address_to", body.get("address_to"));
        shipment.set("parcels", body.get("parcels"));
        shipment.put("object_created", now).put("object_updated", now).put("object_id", shipmentId)
                .put("object_owner", "stub@example.com").put("status", "SUCCESS");
        shipment.putArray("carrier_accounts");
        shipment.putArray("messages");
        shipment.put("metadata", body.path("metadata").asText(""));
        ArrayNode offered = shipment.putArray("rates");
        offered.add(rate(shipmentId, "USPS", "usps_priority", "Priority Mail", "12.40", now));
        offered.add(rate(shipmentId, "USPS", "usps_ground_advantage", "Ground Advantage", "7.85", now));
        offered.add(rate(shipmentId, "DHL Express", "dhl_express_worldwide", "Express Worldwide", "41.00", now));
        answer(exchange, 201, shipment);
    }

    private static ObjectNode child(ObjectNode parent, String field) {
        return parent.get(field) instanceof ObjectNode existing ? existing : parent.putObject(field);
    }

    private ObjectNode rate(String shipmentId, String provider, String token, String name, String amount, String now) {
        ObjectNode rate = JSON.createObjectNode();
        String id = id("rate");
        rate.put("object_created", now).put("object_id", id).put("object_owner", "stub@example.com").put("shipment", shipmentId);
        rate.putArray("attributes");
        rate.put("amount", amount).put("currency", "USD").put("amount_local", amount).put("currency_local", "USD");
        rate.put("provider", provider);
        rate.putObject("servicelevel").put("name", name).put("token", token);
        rate.put("carrier_account", "ca-" + provider.toLowerCase().replace(' ', '-'));
        rates.put(id, rate);
        return rate;
    }

    private void purchase(HttpExchange exchange, JsonNode body) throws IOException {
        String rateId = body.path("rate").asText(null);
        if (rateId == null) {
            answer(exchange, 400, JSON.createObjectNode().set("rate", JSON.createArrayNode().add("This field is required.")));
            return;
        }
        if (!rates.containsKey(rateId)) {
            answer(exchange, 400, JSON.createObjectNode().set("rate", JSON.createArrayNode().add("Rate not found.")));
            return;
        }
        if (body.has("label_file_type") && !LABEL_TYPES.contains(body.path("label_file_type").asText())) {
            answer(exchange, 400, JSON.createObjectNode().set("label_file_type", JSON.createArrayNode().add("Not a valid choice.")));
            return;
        }
        String id = id("tx");
        String now = now();
        ObjectNode transaction = JSON.createObjectNode();
        transaction.put("object_id", id).put("object_owner", "stub@example.com").put("object_state", "VALID")
                .put("object_created", now).put("object_updated", now).put("status", "SUCCESS").put("test", true)
                .put("rate", rateId).put("metadata", body.path("metadata").asText(""))
                .put("label_file_type", body.path("label_file_type").asText("PDF"))
                .put("tracking_number", "9400" + String.format("%018d", ids.incrementAndGet()))
                .put("tracking_status", "PRE_TRANSIT")
                .put("label_url", endpoint() + "/labels/" + id + ".pdf");
        transaction.putArray("messages");
        transactions.add(transaction);
        if (losePurchaseAnswer.getAndSet(false)) {
            answer(exchange, 502, JSON.createObjectNode().put("detail", "Bad gateway."));
            return;
        }
        answer(exchange, 201, transaction);
    }

    private String id(String prefix) {
        return prefix + String.format("%08x", ids.incrementAndGet()) + "0000000000000000000000";
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static JsonNode read(InputStream body) throws IOException {
        byte[] bytes = body.readAllBytes();
        return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** A track_updated delivery as Shippo posts it (WebhookPayloadTrack: event, test, data: Track). */
    static String trackUpdated(String transactionId, String trackingNumber, String status, String statusDate) {
        ObjectNode delivery = JSON.createObjectNode();
        delivery.put("event", "track_updated").put("test", true);
        ObjectNode track = delivery.putObject("data");
        track.put("carrier", "usps").put("tracking_number", trackingNumber).put("transaction", transactionId);
        track.putArray("messages");
        ObjectNode current = track.putObject("tracking_status");
        current.put("object_created", statusDate).put("object_updated", statusDate).put("object_id", "ts-" + statusDate.hashCode())
                .put("status", status).put("status_details", "Status " + status).put("status_date", statusDate);
        track.putArray("tracking_history").add(current.deepCopy());
        return delivery.toString();
    }

    List<String> rateIds() {
        return new ArrayList<>(rates.keySet());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.orderhub.connectors.template;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.StubTap;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The template marketplace API of README.md, in memory: orders, stock, shipments, cancellations. */
public final class TemplateStub implements ConformanceStub {

    static final String KEY = "template-key-not-real";
    static final String WRONG_KEY = "template-wrong-key-not-real";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final StubTap tap = new StubTap(status -> "{\"error\":\"scripted\",\"message\":\"HTTP " + status + "\"}");
    private final Map<String, ObjectNode> orders = new ConcurrentHashMap<>();
    private final Map<String, Long> stock = new ConcurrentHashMap<>();
    private final List<Shipped> shipments = new CopyOnWriteArrayList<>();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();
    private volatile URI links;

    public TemplateStub() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("the template stub cannot start", e);
        }
        tap.on(server.createContext("/v1/", this::handle));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                answer(exchange, 401, error("unauthorized", "unknown API key"));
            } else if (path.equals("/v1/orders") && exchange.getRequestMethod().equals("GET")) {
                listOrders(exchange, StubTap.query(exchange.getRequestURI().getRawQuery()));
            } else if (path.equals("/v1/stock") && exchange.getRequestMethod().equals("POST")) {
                ObjectNode body = JSON.createObjectNode();
                for (JsonNode item : JSON.readTree(exchange.getRequestBody()).path("items")) {
                    stock.put(item.path("sku").asText(), item.path("quantity").asLong());
                    body.withArray("results").addObject().put("sku", item.path("sku").asText()).put("status", "UPDATED");
                }
                answer(exchange, 200, body.toString());
            } else if (path.matches("/v1/orders/[^/]+/(shipments|cancel)") && exchange.getRequestMethod().equals("POST")) {
                String id = path.split("/")[3];
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                if (!orders.containsKey(id)) {
                    answer(exchange, 404, error("not_found", "no order " + id));
                } else if (!keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"))) {
                    answer(exchange, 200, "{\"repeat\":true}"); // a retry: applied once
                } else if (path.endsWith("/cancel")) {
                    orders.get(id).put("status", "CANCELLED").put("updatedAt", Instant.now().toString());
                    cancelled.add(id);
                    answer(exchange, 200, "{\"id\":\"" + id + "\",\"status\":\"CANCELLED\"}");
                } else {
                    Map<String, Integer> lines = new java.util.LinkedHashMap<>();
                    body.path("lines").forEach(l -> lines.put(l.path("lineId").asText(), l.path("quantity").asInt()));
                    shipments.add(new Shipped(id, body.path("trackingNumber").asText(), lines));
                    answer(exchange, 201, "{\"shipmentId\":\"" + shipments.size() + "\"}");
                }
            } else {
                answer(exchange, 404, error("not_found", exchange.getRequestMethod() + " " + path));
            }
        }
    }

    /** Orders changed at or after updatedSince, oldest first, {@code limit} a page; {@code next} links the next page. */
    private void listOrders(HttpExchange exchange, Map<String, String> query) throws IOException {
        Instant since = Instant.parse(query.getOrDefault("updatedSince", Instant.EPOCH.toString()));
        int limit = Integer.parseInt(query.getOrDefault("limit", "50"));
        int offset = Integer.parseInt(query.getOrDefault("page", "0"));
        List<ObjectNode> matching = orders.values().stream()
                .filter(o -> !Instant.parse(o.path("updatedAt").asText()).isBefore(since))
                .sorted(Comparator.comparing((ObjectNode o) -> o.path("updatedAt").asText()).thenComparing(o -> o.path("id").asText()))
                .toList();
        ObjectNode page = JSON.createObjectNode();
        matching.subList(Math.min(offset, matching.size()), Math.min(offset + limit, matching.size())).forEach(page.putArray("orders")::add);
        page.put("next", offset + limit >= matching.size() ? null : (links == null ? endpoint() : links.toString())
                + "/v1/orders?updatedSince=" + since + "&limit=" + limit + "&page=" + (offset + limit));
        answer(exchange, 200, page.toString());
    }

    private static String error(String code, String message) {
        return JSON.createObjectNode().put("error", code).put("message", message).toString();
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    // ---- ConformanceStub ---------------------------------------------------------------------

    @Override
    public StubTap tap() {
        return tap;
    }

    @Override
    public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
        String prefix = "orderhub.channels." + channel + ".connector.";
        registry.add(prefix + "name", () -> "template");
        registry.add(prefix + "properties.endpoint", this::endpoint);
        registry.add(prefix + "properties.apiKey", () -> good ? KEY : WRONG_KEY);
        registry.add(prefix + "properties.pageSize", () -> "10");
    }

    @Override
    public List<String> secrets() {
        return List.of(KEY, WRONG_KEY);
    }

    @Override
    public Predicate<StubTap.Call> calls(Flow flow) {
        Predicate<StubTap.Call> good = call -> ("Bearer " + KEY).equals(call.headers().get("authorization"));
        return good.and(switch (flow) {
            case ORDERS -> call -> call.method().equals("GET") && call.path().equals("/v1/orders");
            case STOCK -> call -> call.path().equals("/v1/stock");
            case SHIPMENTS -> call -> call.path().endsWith("/shipments");
            case CANCELS -> call -> call.path().endsWith("/cancel");
        });
    }

    @Override
    public int pageSize() {
        return 10;
    }

    @Override
    public void putOrder(String orderId, String sku, int qty, Instant updated) {
        ObjectNode order = JSON.createObjectNode().put("id", orderId).put("status", "OPEN").put("updatedAt", updated.toString())
                .put("placedAt", updated.minusSeconds(60).toString()).put("shipBy", updated.plusSeconds(86_400).toString())
                .put("currency", "EUR");
        order.putObject("shipTo").put("name", "Erika Mustermann").put("line1", "Heidestrasse 17").put("city", "Koeln")
                .put("postalCode", "51147").put("country", "DE");
        order.putArray("lines").addObject().put("id", orderId + "-1").put("sku", sku).put("quantity", qty).put("price", "19.99");
        orders.put(orderId, order);
    }

    @Override
    public void putMalformedOrder(String orderId, String sku, Instant updated) {
        putOrder(orderId, sku, 1, updated);
        orders.get(orderId).remove(List.of("lines", "currency"));
    }

    @Override
    public void cancelOnChannel(String orderId, Instant updated) {
        orders.get(orderId).put("status", "CANCELLED").put("updatedAt", updated.toString());
    }

    @Override
    public String futureCursor() {
        return Instant.now().plusSeconds(86_400).toString();
    }

    @Override
    public Long shown(String sku) {
        return stock.get(sku);
    }

    @Override
    public int items(StubTap.Exchange stockCall) {
        try {
            return JSON.readTree(stockCall.call().body()).path("items").size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<String> operation(StubTap.Exchange exchange) {
        for (Flow flow : Flow.values()) {
            if (calls(flow).test(exchange.call())) {
                return Optional.of(switch (flow) {
                    case ORDERS -> TemplateOrders.OPERATION;
                    case STOCK -> TemplateStockOut.OPERATION;
                    case SHIPMENTS -> TemplateShipments.OPERATION;
                    case CANCELS -> TemplateCancelOut.OPERATION;
                });
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Shipped> shipments(String orderId) {
        return shipments.stream().filter(s -> s.orderId().equals(orderId)).toList();
    }

    @Override
    public List<String> sellerCancelled() {
        return List.copyOf(cancelled);
    }

    @Override
    public Optional<String> cannotLinkElsewhere() {
        return Optional.empty();
    }

    @Override
    public void linkTo(URI base) {
        links = base;
    }
}

package dev.orderhub.connectors.shopify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connectors.shopify.sandbox.Graphql;
import dev.orderhub.connectors.shopify.sandbox.ShopifySandbox;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The suite's view of {@link ShopifySandbox}: one shop, the good channel's token and a wrong one, its exchanges tapped. */
final class ShopifyStub implements ConformanceStub {

    static final String TOKEN = "shpat_conformance_token_not_real";
    static final String WRONG_TOKEN = "shpat_wrong_token_not_real";
    static final String SECRET = "conformance-webhook-secret-not-real";
    private static final ObjectMapper JSON = new ObjectMapper();

    final ShopifySandbox sandbox = new ShopifySandbox(TOKEN, SECRET);
    private final StubTap tap = new StubTap(status -> "{\"errors\":\"HTTP " + status + " (scripted)\"}");
    private AdminGraphqlContract contract;

    ShopifyStub() {
        sandbox.addFilter(tap);
        sandbox.start("conf-shopify", List.of(), null);
    }

    @Override
    public StubTap tap() {
        return tap;
    }

    @Override
    public void reset() {
        ConformanceStub.super.reset();
        sandbox.throttle(ShopifySandbox.STANDARD_BUCKET, ShopifySandbox.STANDARD_RESTORE);
        sandbox.restoreToken();
    }

    @Override
    public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
        configure(registry, channel, good ? TOKEN : WRONG_TOKEN, pageSize());
    }

    void configure(DynamicPropertyRegistry registry, String channel, String token, int pageSize) {
        String prefix = "orderhub.channels." + channel + ".connector.";
        registry.add(prefix + "name", () -> "shopify");
        registry.add(prefix + "properties.shop", () -> "conformance");
        registry.add(prefix + "properties.endpoint", sandbox::endpoint);
        registry.add(prefix + "properties.accessToken", () -> token);
        registry.add(prefix + "properties.webhookSecret", () -> SECRET);
        registry.add(prefix + "properties.locationId", () -> ShopifySandbox.LOCATION);
        registry.add(prefix + "properties.pageSize", () -> String.valueOf(pageSize));
    }

    @Override
    public List<String> secrets() {
        return List.of(TOKEN, WRONG_TOKEN, SECRET);
    }

    @Override
    public Predicate<StubTap.Call> calls(Flow flow) {
        Predicate<StubTap.Call> good = call -> TOKEN.equals(call.headers().get("x-shopify-access-token"));
        return good.and(switch (flow) {
            case ORDERS -> call -> call.body().contains("orders(first:");
            case STOCK -> call -> call.body().contains("inventoryItems(") || call.body().contains("inventorySetQuantities(");
            case SHIPMENTS -> call -> call.body().contains("fulfillmentOrders(first:") || call.body().contains("fulfillmentCreate(");
            case CANCELS -> call -> call.body().contains("orderCancel(") || call.body().contains("job(id:");
        });
    }

    @Override
    public int pageSize() {
        return 5;
    }

    /** Shopify's ids are numbers; these are above 2^53, so a double anywhere on the way would show. */
    @Override
    public String orderId(String prefix, int n) {
        return Long.toString(7_000_000_000_000_000_000L + Math.floorMod(prefix.hashCode(), 1_000_000_000L) * 1000 + n);
    }

    @Override
    public void putOrder(String orderId, String sku, int qty, Instant updated) {
        sandbox.putOrder(Long.parseLong(orderId), List.<Object[]>of(new Object[] {sku, qty}), updated);
    }

    @Override
    public void putMalformedOrder(String orderId, String sku, Instant updated) {
        sandbox.putOrder(Long.parseLong(orderId), List.<Object[]>of(new Object[] {null, 1}), updated); // a line without sku
    }

    @Override
    public void cancelOnChannel(String orderId, Instant updated) {
        sandbox.cancel(Long.parseLong(orderId), updated);
    }

    @Override
    public String futureCursor() {
        return Instant.now().plusSeconds(86_400).toString();
    }

    @Override
    public Push pushOrder(String orderId, String sku, int qty, Instant updated) {
        putOrder(orderId, sku, qty, updated);
        return push(sandbox.delivery("orders/create", Long.parseLong(orderId)));
    }

    @Override
    public Push pushCancel(String orderId, Instant updated) {
        cancelOnChannel(orderId, updated);
        return push(sandbox.delivery("orders/cancelled", Long.parseLong(orderId)));
    }

    @Override
    public Push pushMalformed(String orderId, Instant updated) {
        putMalformedOrder(orderId, "unused", updated);
        return push(sandbox.delivery("orders/create", Long.parseLong(orderId)));
    }

    @Override
    public Push tampered(Push push) {
        String body = new String(push.body(), StandardCharsets.UTF_8).replace("\"quantity\":", "\"quantity\":1");
        return new Push(push.headers(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Push unsigned(Push push) {
        Map<String, String> headers = new LinkedHashMap<>(push.headers());
        headers.remove("X-Shopify-Hmac-Sha256");
        return new Push(headers, push.body());
    }

    private static Push push(ShopifySandbox.Delivery delivery) {
        return new Push(delivery.headers(), delivery.body());
    }

    @Override
    public void list(String sku) {
        sandbox.list(sku);
    }

    @Override
    public Long shown(String sku) {
        return sandbox.shown().get(sku);
    }

    @Override
    public int items(StubTap.Exchange stockCall) {
        JsonNode variables = body(stockCall).path("variables");
        return variables.has("input") ? variables.path("input").path("quantities").size()
                : ShopifySandbox.skus(variables.path("query").asText("")).size();
    }

    @Override
    public Optional<String> operation(StubTap.Exchange exchange) {
        String name;
        try {
            name = Graphql.parse(body(exchange).path("query").asText("")).name();
        } catch (Graphql.SyntaxError e) {
            return Optional.empty();
        }
        return Optional.ofNullable(name == null ? null : switch (name) {
            case "Orders" -> ShopifyOrders.OPERATION;
            case "OrderLines" -> ShopifyOrders.LINES_OPERATION;
            case "InventoryItems" -> ShopifyStockOut.LOOKUP;
            case "SetAvailable" -> ShopifyStockOut.OPERATION;
            case "FulfillmentOrders" -> ShopifyShipments.READ;
            case "Fulfil" -> ShopifyShipments.OPERATION;
            case "Cancel" -> ShopifyCancelOut.OPERATION;
            case "Job", "Cancelled" -> ShopifyCancelOut.JOB;
            default -> null;
        });
    }

    private static JsonNode body(StubTap.Exchange exchange) {
        try {
            return JSON.readTree(exchange.call().body());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Shopify's fulfilments of the order, one per tracking number (a shipment over two fulfilment orders is two fulfilments). */
    @Override
    public List<Shipped> shipments(String orderId) {
        Map<String, Map<String, Integer>> byTracking = new LinkedHashMap<>();
        for (ShopifySandbox.Fulfillment f : sandbox.fulfillments(Long.parseLong(orderId))) {
            Map<String, Integer> lines = byTracking.computeIfAbsent(f.number(), n -> new LinkedHashMap<>());
            f.lines().forEach((line, qty) -> lines.merge(line, qty, Integer::sum));
        }
        List<Shipped> shipped = new ArrayList<>();
        byTracking.forEach((number, lines) -> shipped.add(new Shipped(orderId, number, lines)));
        return shipped;
    }

    @Override
    public List<String> sellerCancelled() {
        return sandbox.sellerCancelled().stream().map(String::valueOf).toList();
    }

    @Override
    public Optional<String> cannotLinkElsewhere() {
        return Optional.of("Shopify pages by opaque cursors (pageInfo.endCursor in the query's after:), never by a URL to follow");
    }

    @Override
    public Optional<SpecCheck> spec() {
        if (!AdminGraphqlContract.available()) {
            return Optional.empty();
        }
        if (contract == null) {
            contract = AdminGraphqlContract.load();
        }
        return Optional.of(contract);
    }
}

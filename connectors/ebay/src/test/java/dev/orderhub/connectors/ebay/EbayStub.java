package dev.orderhub.connectors.ebay;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connectors.ebay.sandbox.EbaySandbox;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The conformance suite's view of {@link EbaySandbox}: the same sandbox the demo serves, with a
 * {@link StubTap} on its contexts that records every exchange and answers scripted faults in
 * eBay's error shape, and every exchange checked against the two published contracts.
 */
final class EbayStub implements ConformanceStub {

    static final String WRONG_SECRET = "SBX-wrong-cert-id-not-real";
    private static final ObjectMapper JSON = new ObjectMapper();

    final EbaySandbox sandbox = new EbaySandbox();
    private final StubTap tap = new StubTap(EbaySandbox::errorBody);

    EbayStub() {
        sandbox.start("conformance", List.of(), null);
        sandbox.contexts().forEach(tap::on);
    }

    @Override
    public StubTap tap() {
        return tap;
    }

    @Override
    public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
        String prefix = "orderhub.channels." + channel + ".connector.";
        registry.add(prefix + "name", () -> "ebay");
        Map<String, String> properties = sandbox.start(channel, List.of(), null);
        properties.forEach((name, value) -> registry.add(prefix + "properties." + name, () -> value));
        if (!good) {
            registry.add(prefix + "properties.clientSecret", () -> WRONG_SECRET);
        }
        registry.add(prefix + "properties.pageSize", () -> String.valueOf(pageSize()));
        // Each poll reads 2 s before its cursor (120 s by default): the suite's polls follow each
        // other within seconds, and re-reading minutes of its orders would only spend getOrders' budget.
        registry.add(prefix + "properties.overlapSeconds", () -> "2");
    }

    @Override
    public List<String> secrets() {
        return List.of(EbaySandbox.CLIENT_SECRET, EbaySandbox.REFRESH_TOKEN, WRONG_SECRET);
    }

    /** Only the good channel ever holds an access token (the bad one's grant is refused). */
    @Override
    public Predicate<StubTap.Call> calls(Flow flow) {
        Predicate<StubTap.Call> good = call -> call.headers().getOrDefault("authorization", "").startsWith("Bearer ");
        return good.and(switch (flow) {
            case ORDERS -> call -> call.method().equals("GET") && call.path().equals(EbayOrders.PATH);
            case STOCK -> call -> call.path().equals(EbayStockOut.PATH);
            case SHIPMENTS -> call -> call.path().endsWith("/shipping_fulfillment");
            case CANCELS -> call -> false;
        });
    }

    @Override
    public void reset() {
        ConformanceStub.super.reset();
        sandbox.normalService();
    }

    @Override
    public int pageSize() {
        return 10;
    }

    @Override
    public String orderId(String prefix, int n) {
        return String.format("%s-%05d-%05d", prefix, n / 100_000, n % 100_000);
    }

    @Override
    public void putOrder(String orderId, String sku, int qty, Instant updated) {
        sandbox.put(sandbox.order(orderId, sku, qty, "19.99", "EUR", updated));
    }

    /** A line item without a sku, as eBay answers for a listing made without one: the spec allows it, the hub cannot take it. */
    @Override
    public void putMalformedOrder(String orderId, String sku, Instant updated) {
        ObjectNode order = sandbox.order(orderId, sku, 1, "19.99", "EUR", updated);
        ((ObjectNode) order.path("lineItems").get(0)).remove("sku");
        sandbox.put(order);
    }

    @Override
    public void cancelOnChannel(String orderId, Instant updated) {
        sandbox.cancel(orderId, updated);
    }

    @Override
    public String futureCursor() {
        return Instant.now().plusSeconds(86_400).toString();
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
        try {
            return JSON.readTree(stockCall.call().body()).path("requests").size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Optional<String> operation(StubTap.Exchange exchange) {
        return operation(exchange.call());
    }

    /** The manifest's operation a call is of. */
    static Optional<String> operation(StubTap.Call call) {
        String path = call.path();
        if (path.equals(EbayOrders.PATH)) {
            return Optional.of("getOrders");
        }
        if (path.endsWith("/shipping_fulfillment")) {
            return Optional.of(call.method().equals("POST") ? "createShippingFulfillment" : "getShippingFulfillments");
        }
        if (path.startsWith(EbayOrders.PATH + "/")) {
            return Optional.of("getOrder");
        }
        if (path.equals(EbayStockOut.PATH)) {
            return Optional.of("bulkUpdatePriceQuantity");
        }
        return path.equals(EbayListings.PATH) ? Optional.of("getInventoryItems") : Optional.empty();
    }

    @Override
    public List<Shipped> shipments(String orderId) {
        List<Shipped> shipped = new ArrayList<>();
        for (JsonNode fulfillment : sandbox.fulfillments(orderId)) {
            Map<String, Integer> lines = new LinkedHashMap<>();
            fulfillment.path("lineItems").forEach(item -> lines.put(item.path("lineItemId").asText(), item.path("quantity").asInt()));
            shipped.add(new Shipped(orderId, fulfillment.path("shipmentTrackingNumber").asText(), lines));
        }
        return shipped;
    }

    @Override
    public Optional<String> cannotLinkElsewhere() {
        return Optional.empty(); // getOrders answers next as a URL
    }

    @Override
    public void linkTo(URI base) {
        sandbox.linkTo(base);
    }

    @Override
    public Optional<SpecCheck> spec() {
        return EbaySpecCheck.load();
    }
}

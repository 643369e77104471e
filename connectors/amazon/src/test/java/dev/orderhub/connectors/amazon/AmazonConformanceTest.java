package dev.orderhub.connectors.amazon;

import dev.orderhub.conformance.OpenApiContract;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.conformance.ConformanceStub;
import dev.orderhub.conformance.ConnectorConformance;
import dev.orderhub.conformance.StubTap;
import org.junit.jupiter.api.AfterAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Amazon against {@link SpApiStub}: the conformance suite, chosen by connector.yaml, and every exchange against the SP-API models. */
class AmazonConformanceTest extends ConnectorConformance {

    static final Stub STUB = new Stub();

    AmazonConformanceTest() {
        super("amazon", STUB);
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        channels(registry, "amazon", STUB);
        registry.add("orderhub.connectors.amazon.feed-interval-ms", () -> "3600000");
    }

    @AfterAll
    static void stopStub() {
        STUB.remote.close();
    }

    /** The suite's view of the SP-API stub. */
    static final class Stub implements ConformanceStub {

        static final String WRONG_SECRET = "wrong-client-secret-not-real";
        static final String SELLER = "A3CONFSELLER";
        final SpApiStub remote = SpApiStub.start();

        @Override
        public StubTap tap() {
            return remote.tap;
        }

        @Override
        public void configure(DynamicPropertyRegistry registry, String channel, boolean good) {
            remote.registerAccount(registry, channel, pageSize());
            String account = "orderhub.channels." + channel + ".connector.properties.";
            registry.add(account + "sellerId", () -> SELLER);
            if (good) { // its FBA stock, so that fba-inventory serves it
                registry.add(account + "fbaLocation", () -> "fba-conf");
                registry.add("orderhub.locations.fba-conf.name", () -> "FBA (conformance stub)");
                registry.add("orderhub.locations.fba-conf.kind", () -> "CHANNEL_OWNED");
                registry.add("orderhub.locations.fba-conf.owner", () -> channel);
            } else {
                registry.add(account + "clientSecret", () -> WRONG_SECRET);
            }
        }

        @Override
        public List<String> secrets() {
            return List.of(SpApiStub.CLIENT_SECRET, SpApiStub.REFRESH_TOKEN, WRONG_SECRET);
        }

        @Override
        public Predicate<StubTap.Call> calls(Flow flow) {
            return switch (flow) {
                case ORDERS -> call -> call.path().startsWith(AmazonOrders.PATH);
                case STOCK -> call -> call.method().equals("PATCH") && call.path().startsWith("/listings/2021-08-01/items/")
                        || call.path().startsWith("/feeds/");
                case SHIPMENTS -> call -> call.path().endsWith("/shipmentConfirmation");
                case CANCELS -> call -> false;
            };
        }

        @Override
        public void reset() {
            ConformanceStub.super.reset();
            remote.rateLimitHeader("50"); // Amazon raises searchOrders' documented 0.0056/s; the connector follows the header
        }

        @Override
        public int pageSize() {
            return 10;
        }

        @Override
        public String orderId(String prefix, int n) {
            return "302-" + prefix + "-" + String.format("%07d", n);
        }

        @Override
        public void putOrder(String orderId, String sku, int qty, Instant updated) {
            remote.put(SpApiStub.order(orderId, "MERCHANT", false, updated, sku, Integer.toString(qty)));
        }

        @Override
        public void putMalformedOrder(String orderId, String sku, Instant updated) {
            // Malformed for the hub, yet as the spec allows (an answer without orderItems would not be).
            ObjectNode order = SpApiStub.order(orderId, "MERCHANT", false, updated, sku, "1");
            order.with("recipient").with("deliveryAddress").put("countryCode", "Germany");
            remote.put(order);
        }

        @Override
        public void cancelOnChannel(String orderId, Instant updated) {
            remote.update(orderId, updated, order -> order.with("fulfillment").put("fulfillmentStatus", "CANCELLED"));
        }

        @Override
        public String futureCursor() {
            return Instant.now().plusSeconds(86_400).toString();
        }

        @Override
        public void list(String sku) {
            remote.list(sku, "DEFAULT", true);
        }

        @Override
        public Long shown(String sku) {
            return remote.listing(sku);
        }

        @Override
        public int items(StubTap.Exchange stockCall) {
            return stockCall.call().method().equals("PATCH") ? 1 : 0; // a feed's values travel in its document
        }

        @Override
        public Optional<String> operation(StubTap.Exchange exchange) {
            StubTap.Call call = exchange.call();
            if (call.method().equals("PATCH") && call.path().startsWith("/listings/")) {
                return Optional.of("patchListingsItem");
            }
            if (call.path().startsWith(AmazonOrders.PATH)) {
                return Optional.of(call.path().equals(AmazonOrders.PATH) ? "searchOrders" : "getOrder");
            }
            return call.path().endsWith("/shipmentConfirmation") ? Optional.of("confirmShipment") : Optional.empty();
        }

        @Override
        public List<Shipped> shipments(String orderId) {
            List<Shipped> shipped = new ArrayList<>();
            for (SpApiStub.Confirmation confirmation : remote.confirmations()) {
                if (confirmation.orderId().equals(orderId)) {
                    JsonNode detail = confirmation.body().path("packageDetail");
                    Map<String, Integer> lines = new LinkedHashMap<>();
                    detail.path("orderItems").forEach(item -> lines.put(item.path("orderItemId").asText(), item.path("quantity").asInt()));
                    shipped.add(new Shipped(orderId, detail.path("trackingNumber").asText(), lines));
                }
            }
            return shipped;
        }

        @Override
        public Optional<SpecCheck> spec() {
            if (!OpenApiContract.available()) {
                return Optional.empty();
            }
            // Login with Amazon's token grant and the pre-signed S3 documents are not SP-API operations: no model covers them.
            return Optional.of(OpenApiContract.check(
                    OpenApiContract.of("amazon-sp-api/orders-api-model/ordersV0.json"),
                    OpenApiContract.of("amazon-sp-api/orders-api-model/orders_2026-01-01.json"),
                    OpenApiContract.of("amazon-sp-api/fulfillment-outbound-api-model/fulfillmentOutbound_2020-07-01.json"),
                    OpenApiContract.of("amazon-sp-api/fba-inventory-api-model/fbaInventory.json"),
                    OpenApiContract.of("amazon-sp-api/listings-items-api-model/listingsItems_2021-08-01.json"),
                    OpenApiContract.of("amazon-sp-api/feeds-api-model/feeds_2021-06-30.json")));
        }
    }
}

package dev.orderhub.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connectors.shopify.sandbox.ShopifySandbox;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What is special about Shopify, beyond the suite: the cost-based throttle (slow down, never
 * hammer), a revoked token, the compare-and-swap on stock and the idempotency key after a lost
 * answer, fulfilments by fulfilment order without a duplicate after a lost answer, the
 * asynchronous cancel job, and orders with more lines than a page holds.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderhub.orders-in.poll-interval-ms=3600000", "orderhub.shipment-confirm.interval-ms=3600000",
        "orderhub.listings.interval-ms=3600000", "orderhub.stock-sync.reconcile-interval-ms=3600000"})
@ActiveProfiles("test")
class ShopifyCapabilitiesTest {

    static final String CHANNEL = "shop-caps";
    static final ShopifyStub STUB = new ShopifyStub();
    static final ShopifySandbox SHOP = STUB.sandbox;
    static final ObjectMapper JSON = new ObjectMapper();
    static long next = 9_100_000_000_000_000_000L;

    @DynamicPropertySource
    static void channel(DynamicPropertyRegistry registry) {
        registry.add("orderhub.channels." + CHANNEL + ".name", () -> "Shopify capabilities");
        registry.add("orderhub.channels." + CHANNEL + ".locations[0]", () -> "main");
        registry.add("orderhub.channels." + CHANNEL + ".stock-sink.enabled", () -> "false"); // the tests push themselves
        STUB.configure(registry, CHANNEL, ShopifyStub.TOKEN, 5);
    }

    @AfterAll
    static void stop() {
        SHOP.close();
    }

    @Autowired
    ShopifyOrders orders;
    @Autowired
    ShopifyStockOut stock;
    @Autowired
    ShopifyShipments shipments;
    @Autowired
    ShopifyCancelOut cancels;

    @BeforeEach
    void normalService() {
        STUB.reset();
        SHOP.jobTime(Duration.ofMillis(300));
    }

    /** Shopify's bucket back to normal, and the connector's view of it too (it learns from an answer). */
    @AfterEach
    void relearnTheBucket() {
        STUB.reset();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                orders.read(CHANNEL, Instant.now().plusSeconds(86_400).toString(), null);
                return true;
            } catch (RetryLater e) {
                return false;
            }
        });
    }

    private static long order(String sku, int qty) {
        long id = next++;
        SHOP.putOrder(id, List.<Object[]>of(new Object[] {sku, qty}), Instant.now());
        return id;
    }

    private static String lineId(long orderId) throws Exception {
        JsonNode answer = SHOP.execute("query { order(id: \"gid://shopify/Order/" + orderId + "\") { lineItems(first: 5) { nodes { id } } } }",
                JSON.createObjectNode());
        return ShopifyAccounts.legacyId(answer.path("data").path("order").path("lineItems").path("nodes").get(0).path("id").asText());
    }

    // ---- the cost budget -------------------------------------------------------------------------

    @Test
    void throttledTheConnectorWaitsForThePointsToRestoreInsteadOfHammering() {
        orders.read(CHANNEL, Instant.now().plusSeconds(86_400).toString(), null); // learns the orders query's requested cost
        SHOP.throttle(1000, 100);
        SHOP.spend(950); // another app call left 50 points
        int mark = STUB.tap().mark();

        RetryLater throttled = catchRetry(() -> orders.read(CHANNEL, Instant.now().toString(), null));
        assertThat(throttled.getMessage()).contains("THROTTLED");
        assertThat(throttled.after()).as("the time for the query's points to restore at 100/s: " + throttled.getMessage()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(5));
        assertThat(STUB.tap().since(mark, c -> true)).as("the one request Shopify answered THROTTLED").hasSize(1);
        int afterThrottled = STUB.tap().mark();
        RetryLater again = catchRetry(() -> orders.read(CHANNEL, Instant.now().toString(), null));
        assertThat(again.after()).isPositive();
        assertThat(STUB.tap().since(afterThrottled, c -> true)).as("requests sent while too few points were left").isEmpty();

        await().pollDelay(throttled.after()).atMost(throttled.after().plusSeconds(5)).until(() -> true);
        assertThat(orders.read(CHANNEL, Instant.now().plusSeconds(86_400).toString(), null).orders()).isEmpty();
    }

    @Test
    void aShortThrottleIsWaitedOutAndSentOnceMore() {
        SHOP.list("THR-1");
        SHOP.throttle(100, 50);
        SHOP.spend(95); // fewer points left than the sku lookup asks for (8): Shopify answers THROTTLED, back in 60 ms
        int mark = STUB.tap().mark();

        StockOut.Pushed pushed = stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("THR-1", 1, 1)), "thr");

        assertThat(pushed.items()).extracting(StockOut.ItemResult::outcome).containsExactly(StockOut.ItemResult.Outcome.ACCEPTED);
        List<StubTap.Exchange> lookups = STUB.tap().since(mark, c -> c.body().contains("inventoryItems("));
        assertThat(lookups).hasSize(2);
        assertThat(lookups.get(0).answer()).contains("THROTTLED");
        assertThat((lookups.get(1).atNanos() - lookups.get(0).atNanos()) / 1_000_000).as("ms waited for the points")
                .isGreaterThanOrEqualTo(40); // 60 ms to restore 3 points; the tap stamps each call when recorded
    }

    private static RetryLater catchRetry(Runnable call) {
        try {
            call.run();
        } catch (RetryLater e) {
            return e;
        }
        throw new AssertionError("expected a RetryLater");
    }

    @Test
    void aRevokedTokenMakesTheChannelUnusableNamingItWithoutTheToken() {
        SHOP.revokeToken();
        assertThatThrownBy(() -> orders.read(CHANNEL, null, null)).isInstanceOf(ChannelUnusable.class)
                .hasMessageContaining(CHANNEL).hasMessageNotContaining(ShopifyStub.TOKEN);
    }

    // ---- stock ------------------------------------------------------------------------------------

    @Test
    void aSaleOnShopifySinceTheLastPushIsNeverShownAgain() {
        SHOP.list("CAS-1");
        assertThat(stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("CAS-1", 5, 1)), "cas-a").items())
                .extracting(StockOut.ItemResult::outcome).containsExactly(StockOut.ItemResult.Outcome.ACCEPTED);
        assertThat(SHOP.available("CAS-1")).isEqualTo(5);

        SHOP.setAvailable("CAS-1", 3); // two sold on Shopify; the hub has not imported the order yet and raises to 7
        StockOut.Pushed pushed = stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("CAS-1", 7, 2)), "cas-b");

        assertThat(SHOP.available("CAS-1")).as("the smaller of the hub's 7 and Shopify's 3").isEqualTo(3);
        assertThat(pushed.items()).singleElement().extracting(StockOut.ItemResult::outcome).isEqualTo(StockOut.ItemResult.Outcome.RETRY);
        assertThat(stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("CAS-1", 6, 3)), "cas-c").items())
                .extracting(StockOut.ItemResult::outcome).containsExactly(StockOut.ItemResult.Outcome.ACCEPTED);
        assertThat(SHOP.available("CAS-1")).isEqualTo(6);
    }

    @Test
    void aLostAnswerIsRetriedWithTheSameIdempotencyKeyAndAppliedOnce() {
        SHOP.list("IDEM-1");
        stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("IDEM-1", 1, 1)), "idem-0");
        int sets = SHOP.quantitySets();
        int mark = STUB.tap().mark();
        SHOP.loseAnswers("inventorySetQuantities", 1);

        StockOut.Pushed pushed = stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("IDEM-1", 9, 2)), "idem-1");

        assertThat(pushed.items()).extracting(StockOut.ItemResult::outcome).containsExactly(StockOut.ItemResult.Outcome.ACCEPTED);
        List<StubTap.Exchange> sent = STUB.tap().since(mark, c -> c.body().contains("inventorySetQuantities("));
        assertThat(sent).as("the lost one and its retry").hasSize(2);
        assertThat(sent.get(0).status()).as("no answer").isEqualTo(-1);
        assertThat(sent.get(1).call().body()).isEqualTo(sent.get(0).call().body());
        assertThat(SHOP.quantitySets()).as("applied once").isEqualTo(sets + 1);
        assertThat(SHOP.available("IDEM-1")).isEqualTo(9);
    }

    @Test
    void theSandboxRefusesInventorySetQuantitiesWithoutIdempotent() throws Exception {
        SHOP.list("NOKEY-1");
        String document = "mutation { inventorySetQuantities(input: {name: \"available\", reason: \"correction\", quantities: []}) "
                + "{ userErrors { message } } }";
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(SHOP.endpoint()
                        + ShopifySandbox.API_PATH)).header("X-Shopify-Access-Token", ShopifyStub.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("query", document).toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("errors").get(0).path("message").asText()).contains("@idempotent");
    }

    @Test
    void aSkuWithoutAnInventoryItemOrNotStockedAtTheLocationIsRefusedWithItsReason() {
        SHOP.list("KNOWN-1");
        SHOP.listElsewhere("ELSEWHERE-1");
        StockOut.Pushed pushed = stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("KNOWN-1", 2, 1),
                new StockOut.ListingQuantity("NOPE-1", 2, 1), new StockOut.ListingQuantity("ELSEWHERE-1", 2, 1)), "mixed");
        assertThat(pushed.items()).extracting(StockOut.ItemResult::outcome).containsExactly(StockOut.ItemResult.Outcome.ACCEPTED,
                StockOut.ItemResult.Outcome.REJECTED, StockOut.ItemResult.Outcome.REJECTED);
        assertThat(pushed.items().get(1).reason()).contains("no Shopify inventory item");
        assertThat(pushed.items().get(2).reason()).contains("ITEM_NOT_STOCKED_AT_LOCATION");
        assertThat(SHOP.available("KNOWN-1")).isEqualTo(2);
    }

    // ---- shipments --------------------------------------------------------------------------------

    private static ShipmentConfirmation.Shipment shipment(long orderId, String id, String tracking, List<ShipmentConfirmation.Line> lines) {
        return new ShipmentConfirmation.Shipment(id, "hub-" + id, Long.toString(orderId), 1, "DHL Express", null, tracking,
                Instant.now(), lines);
    }

    @Test
    void aLostFulfillmentCreateAnswerIsReadBackNotSentTwice() throws Exception {
        long id = order("FUL-1", 3);
        String line = lineId(id);
        SHOP.loseAnswers("fulfillmentCreate", 1);
        ShipmentConfirmation.Shipment first = shipment(id, "s1", "JJD0001", List.of(new ShipmentConfirmation.Line(line, 2)));

        assertThatThrownBy(() -> shipments.confirm(CHANNEL, first)).isInstanceOf(RetryLater.class);
        assertThat(SHOP.fulfillments(id)).as("Shopify did it").hasSize(1);
        assertThat(shipments.confirm(CHANNEL, first)).isEqualTo(ShipmentConfirmation.Result.CONFIRMED);
        assertThat(SHOP.fulfillments(id)).as("no duplicate").hasSize(1);

        assertThat(shipments.confirm(CHANNEL, shipment(id, "s2", "JJD0002", List.of()))).isEqualTo(ShipmentConfirmation.Result.CONFIRMED);
        assertThat(SHOP.fulfillments(id)).extracting(ShopifySandbox.Fulfillment::number).containsExactly("JJD0001", "JJD0002");
        assertThat(SHOP.fulfillments(id).get(1).lines()).containsExactly(Map.entry(line, 1));
        assertThat(SHOP.fulfillments(id).get(0).company()).isEqualTo("DHL Express");

        ShipmentConfirmation.Result more = shipments.confirm(CHANNEL, shipment(id, "s3", "JJD0003", List.of(new ShipmentConfirmation.Line(line, 1))));
        assertThat(more.confirmed()).as("nothing left to fulfil").isFalse();
        assertThat(more.reason()).isNotBlank();
    }

    // ---- cancellations ----------------------------------------------------------------------------

    @Test
    void aCancelFollowsShopifysJobAndALongOneIsFollowedOnTheNextTryNotCancelledAgain() {
        long quick = order("CAN-1", 1);
        assertThat(cancels.cancel(CHANNEL, Long.toString(quick), "out of stock")).isNull();
        assertThat(SHOP.cancelled(quick)).as("the job finished before cancel answered").isTrue();

        long slow = order("CAN-2", 1);
        SHOP.jobTime(Duration.ofSeconds(6));
        assertThatThrownBy(() -> cancels.cancel(CHANNEL, Long.toString(slow), "fraud")).isInstanceOf(RetryLater.class);
        assertThat(SHOP.cancelled(slow)).isFalse();
        int mark = STUB.tap().mark();
        await().atMost(Duration.ofSeconds(10)).until(() -> SHOP.cancelled(slow));
        assertThat(cancels.cancel(CHANNEL, Long.toString(slow), "fraud")).isNull();
        assertThat(STUB.tap().since(mark, c -> c.body().contains("orderCancel("))).as("cancelled once").isEmpty();

        assertThat(cancels.cancel(CHANNEL, Long.toString(quick), "again")).as("already cancelled on Shopify counts as done").isNull();
        assertThat(cancels.cancel(CHANNEL, "9199999999999999999", "x")).contains("NOT_FOUND");
    }

    @Test
    void theHubsReasonBecomesShopifysCancelReason() {
        assertThat(ShopifyCancelOut.reason("out of stock")).isEqualTo("INVENTORY");
        assertThat(ShopifyCancelOut.reason("suspected fraud")).isEqualTo("FRAUD");
        assertThat(ShopifyCancelOut.reason("customer asked")).isEqualTo("CUSTOMER");
        assertThat(ShopifyCancelOut.reason(null)).isEqualTo("OTHER");
    }

    // ---- orders in --------------------------------------------------------------------------------

    @Test
    void anOrderWithMoreLinesThanAPageHoldsIsReadWhole() throws Exception {
        long id = next++;
        List<Object[]> lines = new ArrayList<>();
        for (int i = 0; i < ShopifyOrders.LINES_PER_ORDER + 7; i++) {
            lines.add(new Object[] {"BIG-" + i, 1});
        }
        Instant at = Instant.now().plusSeconds(3600); // newer than anything else in the shop
        SHOP.putOrder(id, lines, at);
        OrdersIn.OrdersPage page = orders.read(CHANNEL, at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(), null);
        ChannelOrder.Placed placed = (ChannelOrder.Placed) page.orders().stream()
                .filter(o -> o.channelOrderId().equals(Long.toString(id))).findFirst().orElseThrow();
        assertThat(JSON.readTree(placed.canonical()).path("lines")).hasSize(ShopifyOrders.LINES_PER_ORDER + 7);
    }

    @Test
    void everyRequestAndAnswerOfTheseTestsFollowsTheSchema() {
        org.junit.jupiter.api.Assumptions.assumeTrue(AdminGraphqlContract.available(),
                "the published Admin GraphQL schema is not beside the project (../shared/specs)");
        AdminGraphqlContract contract = (AdminGraphqlContract) STUB.spec().orElseThrow();
        List<String> problems = new ArrayList<>();
        SHOP.list("SCHEMA-1");
        stock.push(CHANNEL, List.of(new StockOut.ListingQuantity("SCHEMA-1", 4, 1)), "schema");
        orders.read(CHANNEL, Instant.now().minusSeconds(60).toString(), null);
        for (StubTap.Exchange exchange : STUB.tap().exchanges()) {
            problems.addAll(contract.request(exchange));
            problems.addAll(contract.answer(exchange));
        }
        assertThat(problems).isEmpty();
        assertThat(contract.document("query { orders(first: 5, sortKey: NEWEST) { nodes { id totalPrice } } }", JSON.createObjectNode()))
                .as("a wrong enum and a deprecated field are caught")
                .anyMatch(p -> p.contains("NEWEST")).anyMatch(p -> p.contains("deprecated"));
        assertThat(contract.document("mutation($i: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $i) { userErrors { code } } }",
                JSON.createObjectNode().set("i", JSON.createObjectNode().put("name", "available"))))
                .as("no @idempotent, and the input's required fields missing")
                .anyMatch(p -> p.contains("@idempotent")).anyMatch(p -> p.contains("reason is required"));
    }
}

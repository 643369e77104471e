package dev.orderhub.connectors.ebay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.ChannelUnusable;
import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connectors.ebay.sandbox.EbaySandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the conformance suite does not cover: the mapping field by field, eBay's cancel states,
 * the user token (Basic-auth grant, expiry, a revoked consent), a lost createShippingFulfillment
 * answer creating nothing twice, per-item stock results and batches of 25, throttling ridden
 * out, eBay's lagging search caught by the poll overlap, and inventory items read as listings.
 * The beans run on the real toolkit client against the sandbox, without the hub.
 */
class EbayCapabilitiesTest {

    EbayWorld world = new EbayWorld();

    @AfterEach
    void stop() {
        world.close();
    }

    private JsonNode canonical(ChannelOrder order) throws Exception {
        assertThat(order).isInstanceOf(ChannelOrder.Placed.class);
        return EbayWorld.JSON.readTree(((ChannelOrder.Placed) order).canonical());
    }

    private List<ChannelOrder> pollAll(String cursor) {
        List<ChannelOrder> all = new ArrayList<>();
        String page = null;
        do {
            OrdersIn.OrdersPage read = world.orders.read(EbayWorld.CHANNEL, cursor, page);
            all.addAll(read.orders());
            page = read.nextPage();
        } while (page != null);
        return all;
    }

    // ---- mapping ------------------------------------------------------------------------------

    @Test
    void everyFieldOfAnOrderIsMappedWithIdsAsStringsAndMoneyExact() throws Exception {
        Instant at = Instant.parse("2026-11-30T10:15:30.123Z");
        ObjectNode order = world.sandbox.order("12-34567-89012", "MUG-BLUE", 3, "9.99", "EUR", at);
        ((ObjectNode) order.path("lineItems").get(0)).put("lineItemId", "10000000000000001"); // above 2^53
        JsonNode canonical = canonical(new EbayOrderMapping(EbayWorld.JSON).map(order));

        assertThat(canonical.path("channelOrderId").asText()).isEqualTo("12-34567-89012");
        assertThat(canonical.path("placedAt").asText()).isEqualTo("2026-11-30T10:14:30.123Z");
        assertThat(canonical.path("shipBy").asText()).isEqualTo("2026-12-02T10:15:30.123Z");
        assertThat(canonical.path("deliverBy").asText()).isEqualTo("2026-12-04T10:15:30.123Z");
        assertThat(canonical.path("currency").asText()).isEqualTo("EUR");
        assertThat(canonical.path("fulfilmentMode").asText()).isEqualTo("MERCHANT");
        assertThat(canonical.path("buyer").path("name").asText()).isEqualTo("Erika Mustermann");
        assertThat(canonical.path("shipTo")).isEqualTo(EbayWorld.JSON.readTree("{\"name\":\"Erika Mustermann\",\"line1\":\"Heidestrasse 17\","
                + "\"city\":\"Koeln\",\"postalCode\":\"51147\",\"country\":\"DE\"}"));
        JsonNode line = canonical.path("lines").get(0);
        assertThat(line.path("lineId").isTextual()).isTrue();
        assertThat(line.path("lineId").asText()).isEqualTo("10000000000000001");
        assertThat(line.path("sku").asText()).isEqualTo("MUG-BLUE");
        assertThat(line.path("qty").asInt()).isEqualTo(3);
        assertThat(line.path("unitPrice").isTextual()).as("money as a string").isTrue();
        assertThat(line.path("unitPrice").asText()).as("lineItemCost 29.97 for 3").isEqualTo("9.99");
    }

    @Test
    void theEarliestShipByOfTheLinesAndTheRegionAreTaken() throws Exception {
        ObjectNode order = world.sandbox.order("12-00000-00001", "A", 1, "5", "USD", Instant.parse("2026-11-30T10:00:00Z"));
        ObjectNode second = ((ObjectNode) order.path("lineItems").get(0)).deepCopy().put("lineItemId", "2").put("sku", "B");
        second.with("lineItemFulfillmentInstructions").put("shipByDate", "2026-12-01T08:00:00.000Z");
        order.withArray("lineItems").add(second);
        ((ObjectNode) order.at("/fulfillmentStartInstructions/0/shippingStep/shipTo/contactAddress")).put("stateOrProvince", "NY")
                .put("addressLine2", "Apt 4");

        JsonNode canonical = canonical(new EbayOrderMapping(EbayWorld.JSON).map(order));

        assertThat(canonical.path("shipBy").asText()).isEqualTo("2026-12-01T08:00:00Z");
        assertThat(canonical.path("lines")).hasSize(2);
        assertThat(canonical.path("lines").get(0).path("unitPrice").asText()).isEqualTo("5.00");
        assertThat(canonical.path("shipTo").path("region").asText()).isEqualTo("NY");
        assertThat(canonical.path("shipTo").path("line2").asText()).isEqualTo("Apt 4");
    }

    @Test
    void aLineCostThatIsNoWholeUnitPriceOrAnOrderTheSellerDoesNotShipIsUnreadable() {
        ObjectNode odd = world.sandbox.order("12-00000-00002", "A", 3, "1", "EUR", Instant.now());
        ((ObjectNode) odd.path("lineItems").get(0)).with("lineItemCost").put("value", "10.00");
        ChannelOrder mapped = new EbayOrderMapping(EbayWorld.JSON).map(odd);
        assertThat(mapped).isInstanceOf(ChannelOrder.Unreadable.class);
        assertThat(((ChannelOrder.Unreadable) mapped).reason()).contains("12-00000-00002").contains("10.00").contains("no whole unit price");

        ObjectNode pickup = world.sandbox.order("12-00000-00003", "A", 1, "1", "EUR", Instant.now());
        ((ObjectNode) pickup.at("/fulfillmentStartInstructions/0")).put("fulfillmentInstructionsType", "PREPARE_FOR_PICKUP");
        assertThat(new EbayOrderMapping(EbayWorld.JSON).map(pickup)).isInstanceOf(ChannelOrder.Unreadable.class);
    }

    // ---- cancellations ------------------------------------------------------------------------

    @Test
    void canceledIsACancellationAndAPendingBuyerRequestACancelRequestReadWithGetOrder() {
        Instant at = Instant.now().minusSeconds(30);
        String canceled = world.sandbox.nextOrderId();
        String requested = world.sandbox.nextOrderId();
        String open = world.sandbox.nextOrderId();
        for (String id : List.of(canceled, requested, open)) {
            world.sandbox.put(world.sandbox.order(id, "SKU-1", 1, "3.50", "EUR", at));
        }
        world.sandbox.cancel(canceled, at.plusSeconds(1));
        world.sandbox.requestCancel(requested, at.plusSeconds(2), "order placed by mistake");

        List<ChannelOrder> read = pollAll(at.minusSeconds(60).toString());

        assertThat(read).filteredOn(o -> o.channelOrderId().equals(canceled)).singleElement().isInstanceOf(ChannelOrder.Cancelled.class);
        assertThat(read).filteredOn(o -> o.channelOrderId().equals(requested)).singleElement()
                .isInstanceOfSatisfying(ChannelOrder.CancelRequested.class, r -> {
                    assertThat(r.reason()).isEqualTo("order placed by mistake");
                    assertThat(r.order()).isNotNull();
                });
        assertThat(read).filteredOn(o -> o.channelOrderId().equals(open)).singleElement().isInstanceOf(ChannelOrder.Placed.class);
        assertThat(world.calls("GET", "/order/" + requested)).as("getOrder for the order with a request open").hasSize(1);
        assertThat(world.calls("GET", "/order/" + open)).as("no getOrder for the others").isEmpty();
    }

    // ---- the user token -------------------------------------------------------------------------

    @Test
    void theTokenIsMintedWithBasicAuthOnceAndRefreshedWhenEbayAnswers401() {
        pollAll(null);
        pollAll(null);
        assertThat(world.sandbox.grants()).as("one grant for several calls").isEqualTo(1);
        StubTap.Exchange grant = world.calls("POST", EbaySandbox.TOKEN_PATH).get(0);
        assertThat(grant.call().headers().get("authorization")).startsWith("Basic ");
        assertThat(grant.call().body()).contains("grant_type=refresh_token").doesNotContain(EbaySandbox.CLIENT_SECRET)
                .contains("scope=");

        world.sandbox.expireTokens();
        int mark = world.tap.mark();
        assertThat(pollAll(null)).isEmpty();

        assertThat(world.sandbox.grants()).as("a fresh token after the 401").isEqualTo(2);
        assertThat(world.tap.since(mark, c -> c.path().equals(EbayOrders.PATH)).stream().map(StubTap.Exchange::status).toList())
                .containsExactly(401, 200);
    }

    @Test
    void aTokenThatRunsOutIsReplacedBeforeEbayRefusesIt() {
        world.sandbox.tokenLifetime(Duration.ofSeconds(2)); // the client renews at half the lifetime
        pollAll(null);
        await().pollDelay(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5)).until(() -> true);
        pollAll(null);
        assertThat(world.sandbox.grants()).isEqualTo(2);
        assertThat(world.calls("GET", EbayOrders.PATH)).extracting(StubTap.Exchange::status).containsOnly(200);
    }

    @Test
    void aRevokedRefreshTokenMakesTheChannelUnusableWithoutShowingASecret() {
        world.sandbox.revokeRefreshToken(true);
        assertThatThrownBy(() -> pollAll(null)).isInstanceOf(ChannelUnusable.class)
                .hasMessageContaining(EbayWorld.CHANNEL).hasMessageContaining("invalid_grant")
                .satisfies(e -> assertThat(String.valueOf(e)).doesNotContain(EbaySandbox.REFRESH_TOKEN)
                        .doesNotContain(EbaySandbox.CLIENT_SECRET));
    }

    // ---- shipments ------------------------------------------------------------------------------

    private ShipmentConfirmation.Shipment parcel(String orderId, String tracking, int qty) {
        String lineId = world.sandbox.orderNow(orderId).path("lineItems").get(0).path("lineItemId").asText();
        return new ShipmentConfirmation.Shipment("s-" + tracking, "h-" + orderId, orderId, 1, "Deutsche Post", null, tracking,
                Instant.parse("2026-11-26T09:00:00Z"), List.of(new ShipmentConfirmation.Line(lineId, qty)));
    }

    @Test
    void aShipmentIsOneFulfillmentWithItsLinesCarrierCodeAndTracking() {
        String id = world.sandbox.placeOrder("SKU-1", 2);
        assertThat(world.shipments.confirm(EbayWorld.CHANNEL, parcel(id, "JJD0001", 2))).isEqualTo(ShipmentConfirmation.Result.CONFIRMED);

        List<JsonNode> created = world.sandbox.fulfillments(id);
        assertThat(created).hasSize(1);
        assertThat(created.get(0).path("shipmentTrackingNumber").asText()).isEqualTo("JJD0001");
        assertThat(created.get(0).path("shippingCarrierCode").asText()).isEqualTo("DeutschePost");
        assertThat(created.get(0).path("shippedDate").asText()).isEqualTo("2026-11-26T09:00:00.000Z");
        assertThat(world.sandbox.orderNow(id).path("orderFulfillmentStatus").asText()).isEqualTo("FULFILLED");
        StubTap.Exchange post = world.calls("POST", "/shipping_fulfillment").get(0);
        assertThat(post.status()).isEqualTo(201);
        assertThat(post.answerHeaders().get("location")).endsWith("/shipping_fulfillment/" + created.get(0).path("fulfillmentId").asText());
    }

    @Test
    void aLostAnswerCreatesNoSecondFulfillment() {
        for (EbaySandbox.Loss loss : EbaySandbox.Loss.values()) {
            String id = world.sandbox.placeOrder("SKU-1", 1);
            ShipmentConfirmation.Shipment shipment = parcel(id, "LOST" + loss.ordinal(), 1);
            world.sandbox.loseAnswers(call -> call.startsWith("POST ") && call.endsWith("/shipping_fulfillment"), loss, 1);

            assertThatThrownBy(() -> world.shipments.confirm(EbayWorld.CHANNEL, shipment)).as(loss.name()).isInstanceOf(RetryLater.class);
            assertThat(world.calls("POST", "/order/" + id + "/shipping_fulfillment")).as("the POST is not re-sent within the call").hasSize(1);
            assertThat(world.sandbox.fulfillments(id)).as("applied though the answer was lost").hasSize(1);

            assertThat(world.shipments.confirm(EbayWorld.CHANNEL, shipment)).isEqualTo(ShipmentConfirmation.Result.CONFIRMED);
            assertThat(world.sandbox.fulfillments(id)).as(loss + ": still one fulfillment").hasSize(1);
            assertThat(world.calls("POST", "/order/" + id + "/shipping_fulfillment")).as("the retry only looked").hasSize(1);
        }
    }

    @Test
    void aShipmentEbayRefusesComesBackWithItsReason() {
        String id = world.sandbox.placeOrder("SKU-1", 1);
        ShipmentConfirmation.Result result = world.shipments.confirm(EbayWorld.CHANNEL, parcel(id, "JJD0002", 5));
        assertThat(result.confirmed()).isFalse();
        assertThat(result.reason()).contains(id).contains("errorId 32600");
        assertThat(world.sandbox.fulfillments(id)).isEmpty();
    }

    // ---- stock ----------------------------------------------------------------------------------

    @Test
    void stockIsPushedInCallsOfAtMost25WithAResultPerItem() throws Exception {
        List<StockOut.ListingQuantity> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            world.sandbox.list("STK-" + i);
            batch.add(new StockOut.ListingQuantity("STK-" + i, i, 1));
        }
        batch.add(new StockOut.ListingQuantity("NOT-LISTED", 4, 1));

        StockOut.Pushed pushed = world.stock.push(EbayWorld.CHANNEL, batch, "key-1");

        assertThat(pushed.items()).hasSize(31);
        assertThat(pushed.items().subList(0, 30)).allMatch(r -> r.outcome() == StockOut.ItemResult.Outcome.ACCEPTED);
        assertThat(pushed.items().get(30).outcome()).isEqualTo(StockOut.ItemResult.Outcome.REJECTED);
        assertThat(pushed.items().get(30).reason()).contains("errorId 25710");
        assertThat(world.sandbox.shown()).containsEntry("STK-7", 7L).containsEntry("STK-29", 29L).doesNotContainKey("NOT-LISTED");
        List<StubTap.Exchange> calls = world.calls("POST", "/bulk_update_price_quantity");
        assertThat(calls).hasSize(2);
        for (StubTap.Exchange call : calls) {
            JsonNode requests = EbayWorld.JSON.readTree(call.call().body()).path("requests");
            assertThat(requests.size()).isBetween(1, 25);
            assertThat(requests.get(0).path("shipToLocationAvailability").path("quantity").isInt()).isTrue();
        }
    }

    @Test
    void itemsEbayFailedOrLeftOutAreRetriedAndAServerErrorIsARetry() {
        assertThat(EbayStockOut.result("A", null).outcome()).isEqualTo(StockOut.ItemResult.Outcome.RETRY);
        ObjectNode failed = EbayWorld.JSON.createObjectNode().put("sku", "A").put("statusCode", 500);
        assertThat(EbayStockOut.result("A", failed).outcome()).isEqualTo(StockOut.ItemResult.Outcome.RETRY);
        ObjectNode refused = EbayWorld.JSON.createObjectNode().put("sku", "A").put("statusCode", 400);
        assertThat(EbayStockOut.result("A", refused).outcome()).isEqualTo(StockOut.ItemResult.Outcome.REJECTED);

        world.sandbox.list("S");
        world.sandbox.loseAnswers(call -> call.endsWith("/bulk_update_price_quantity"), EbaySandbox.Loss.SERVER_ERROR, 1);
        assertThatThrownBy(() -> world.stock.push(EbayWorld.CHANNEL, List.of(new StockOut.ListingQuantity("S", 3, 1)), "k"))
                .isInstanceOf(RetryLater.class);
        assertThat(world.stock.push(EbayWorld.CHANNEL, List.of(new StockOut.ListingQuantity("S", 3, 1)), "k").items())
                .allMatch(r -> r.outcome() == StockOut.ItemResult.Outcome.ACCEPTED);
        assertThat(world.sandbox.shown()).containsEntry("S", 3L);
    }

    // ---- throttling, lag, listings ------------------------------------------------------------------

    @Test
    void eBaysThrottlingIsWaitedOut() {
        world.sandbox.list("T");
        world.sandbox.throttle(1, 1);
        for (int i = 0; i < 3; i++) {
            world.stock.push(EbayWorld.CHANNEL, List.of(new StockOut.ListingQuantity("T", i, i)), "t" + i);
        }
        List<StubTap.Exchange> calls = world.calls("POST", "/bulk_update_price_quantity");
        assertThat(calls).extracting(StubTap.Exchange::status).contains(429);
        assertThat(calls.stream().filter(c -> c.status() == 429).findFirst().orElseThrow().answer()).contains("\"errorId\":2001");
        assertThat(world.sandbox.shown()).containsEntry("T", 2L);
    }

    @Test
    void theOverlapReadsAnOrderEbaysSearchShowedLate() {
        Instant start = Instant.now().minusSeconds(10);
        String late = world.sandbox.nextOrderId();
        world.sandbox.searchLag(Duration.ofMillis(1500));
        world.sandbox.put(world.sandbox.order(late, "SKU-1", 1, "1.00", "EUR", Instant.now().minusMillis(500)));
        world.sandbox.searchLag(Duration.ZERO);
        String early = world.sandbox.placeOrder("SKU-1", 1);

        OrdersIn.OrdersPage first = world.orders.read(EbayWorld.CHANNEL, start.toString(), null);
        assertThat(first.orders()).extracting(ChannelOrder::channelOrderId).containsExactly(early);
        assertThat(Instant.parse(first.cursor())).as("the newest change seen").isAfter(Instant.parse(
                world.sandbox.orderNow(late).path("lastModifiedDate").asText()));

        await().atMost(Duration.ofSeconds(5)).until(() -> world.orders.read(EbayWorld.CHANNEL, first.cursor(), null).orders().stream()
                .anyMatch(o -> o.channelOrderId().equals(late)));
    }

    @Test
    void inventoryItemsAreTheListingsPageByPage() {
        for (int i = 0; i < 250; i++) {
            world.sandbox.list(String.format("LST-%03d", i));
        }
        List<ListingsIn.Listing> all = new ArrayList<>();
        String page = null;
        int pages = 0;
        do {
            ListingsIn.ListingsPage read = world.listings.read(EbayWorld.CHANNEL, page);
            all.addAll(read.listings());
            page = read.nextPage();
            pages++;
        } while (page != null);
        assertThat(pages).isEqualTo(2);
        assertThat(all).hasSize(250).allMatch(l -> l.fulfilledBy().equals("MERCHANT"));
        assertThat(all).extracting(ListingsIn.Listing::listingSku).doesNotHaveDuplicates();
    }

    @Test
    void aFutureCursorIsReadFromNowNotSentToEbayWhichRefusesIt() {
        // changed a second ago: an order changed in the poll's own millisecond would be read, rightly
        world.sandbox.put(world.sandbox.order(world.sandbox.nextOrderId(), "SKU-1", 1, "1.00", "EUR", Instant.now().minusSeconds(1)));
        String future = Instant.now().plusSeconds(3600).toString();
        OrdersIn.OrdersPage page = world.orders.read(EbayWorld.CHANNEL, future, null);
        assertThat(page.orders()).isEmpty();
        assertThat(page.cursor()).isEqualTo(future);
        assertThat(world.calls("GET", EbayOrders.PATH)).extracting(StubTap.Exchange::status).containsExactly(200);
        assertThat(Map.of("q", world.calls("GET", EbayOrders.PATH).get(0).call().query().get("filter")).get("q"))
                .endsWith("..],orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}");
    }
}

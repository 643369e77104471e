package dev.orderhub.connectors.bol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.orderhub.HubTest;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.connector.ListingsIn;
import dev.orderhub.connector.StockOut;
import dev.orderhub.connector.OrdersIn;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.ReturnsIn;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.connectors.bol.sandbox.BolSandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** What the conformance suite does not cover: token expiry, process statuses, lost answers, throttling, returns. */
@HubTest
class BolCapabilitiesTest {

    static final String CHANNEL = "bol-cap";
    static final BolSandbox SANDBOX = new BolSandbox();

    @DynamicPropertySource
    static void channel(DynamicPropertyRegistry registry) {
        SANDBOX.start(CHANNEL, List.of(), URI.create("http://127.0.0.1"));
        registry.add("orderhub.channels." + CHANNEL + ".name", () -> "bol capabilities");
        registry.add("orderhub.channels." + CHANNEL + ".locations[0]", () -> "main");
        String prefix = "orderhub.channels." + CHANNEL + ".connector.";
        registry.add(prefix + "name", () -> "bol");
        registry.add(prefix + "properties.endpoint", SANDBOX::endpoint);
        registry.add(prefix + "properties.tokenUrl", SANDBOX::tokenUrl);
        registry.add(prefix + "properties.clientId", () -> BolSandbox.CLIENT_ID);
        registry.add(prefix + "properties.clientSecret", () -> BolSandbox.CLIENT_SECRET);
        registry.add(prefix + "properties.processWait", () -> "1s");
        registry.add("orderhub.orders-in.poll-interval-ms", () -> "3600000");
        registry.add("orderhub.shipment-confirm.interval-ms", () -> "3600000");
        registry.add("orderhub.listings.interval-ms", () -> "3600000");
    }

    @AfterAll
    static void stop() {
        SANDBOX.close();
    }

    @Autowired
    BolOrders orders;
    @Autowired
    BolShipments shipments;
    @Autowired
    BolReturns returns;
    @Autowired
    BolListings listings;
    @Autowired
    BolStockOut stock;

    String run;

    @BeforeEach
    void fresh() {
        run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        SANDBOX.processing(Duration.ofMillis(100));
    }

    private ShipmentConfirmation.Shipment shipment(String orderId, String carrier) {
        return new ShipmentConfirmation.Shipment("ship-" + run + "-" + orderId, "h-" + orderId, orderId, 1, carrier, null,
                "3SBOL" + run, Instant.now(), List.of(new ShipmentConfirmation.Line(orderId + "1", 1)));
    }

    @Test
    void anExpiredTokenIsFetchedAgainOnceAndTheCallGoesThrough() {
        SANDBOX.putOrder("TOK" + run, "SKU-" + run, 1, Instant.now(), "FBR");
        orders.read(CHANNEL, Instant.now().minusSeconds(60).toString(), null);
        int grants = SANDBOX.tokenGrants();

        SANDBOX.expireTokens();
        OrdersIn.OrdersPage page = orders.read(CHANNEL, Instant.now().minusSeconds(60).toString(), null);

        assertThat(page.orders()).extracting(ChannelOrder::channelOrderId).contains("TOK" + run);
        assertThat(SANDBOX.tokenGrants()).as("one new token").isEqualTo(grants + 1);
    }

    @Test
    void aShipmentPendingAtBolIsRetriedLaterAndFollowedNotSentAgain() {
        String orderId = "PEN" + run;
        SANDBOX.putOrder(orderId, "SKU-" + run, 2, Instant.now(), "FBR");
        SANDBOX.processing(Duration.ofMillis(2500));
        int sent = SANDBOX.calls(BolShipments.OPERATION);

        assertThatThrownBy(() -> shipments.confirm(CHANNEL, shipment(orderId, "PostNL"))).isInstanceOf(RetryLater.class)
                .hasMessageContaining("PENDING");
        await().atMost(Duration.ofSeconds(10)).until(() -> !SANDBOX.shipments(orderId).isEmpty());
        assertThat(shipments.confirm(CHANNEL, shipment(orderId, "PostNL")).confirmed()).isTrue();

        assertThat(SANDBOX.calls(BolShipments.OPERATION)).as("one create-shipment").isEqualTo(sent + 1);
        BolSandbox.Shipment shipped = SANDBOX.shipments(orderId).get(0);
        assertThat(shipped.transporterCode()).isEqualTo("POSTNL");
        assertThat(shipped.trackAndTrace()).isEqualTo("3SBOL" + run);
        assertThat(shipped.reference()).isEqualTo("ship-" + run + "-" + orderId);
    }

    @Test
    void aLostAnswerToAShipmentIsFollowedThroughItsProcessAndShipsOnce() {
        String orderId = "LOST" + run;
        SANDBOX.putOrder(orderId, "SKU-" + run, 1, Instant.now(), "FBR");
        SANDBOX.loseNextAnswers(BolShipments.OPERATION, 1);

        assertThatThrownBy(() -> shipments.confirm(CHANNEL, shipment(orderId, "DHL"))).isInstanceOf(RetryLater.class);
        ShipmentConfirmation.Result retried = shipments.confirm(CHANNEL, shipment(orderId, "DHL"));

        assertThat(retried.confirmed()).as(String.valueOf(retried.reason())).isTrue();
        assertThat(SANDBOX.shipments(orderId)).as("shipped once").hasSize(1);
        assertThat(shipments.confirm(CHANNEL, shipment(orderId, "DHL")).confirmed()).as("a confirmed one stays confirmed").isTrue();
        assertThat(SANDBOX.shipments(orderId)).hasSize(1);
    }

    @Test
    void aFailedProcessIsARefusalWithBolsMessage() {
        String orderId = "FAIL" + run;
        SANDBOX.putOrder(orderId, "SKU-" + run, 1, Instant.now(), "FBR");
        SANDBOX.failShipments(orderId, "Track and trace code is not valid for transporter OTHER.");

        ShipmentConfirmation.Result result = shipments.confirm(CHANNEL, shipment(orderId, "Bringme"));

        assertThat(result.confirmed()).isFalse();
        assertThat(result.reason()).contains("FAILURE").contains("Track and trace code is not valid");
        assertThat(result.request()).as("unknown carrier sent as OTHER").contains("\"transporterCode\":\"OTHER\"");
    }

    @Test
    void ordersAreReadWithinTheLimitsBolAnnouncesWithoutA429() {
        SANDBOX.limit(BolOrders.DETAIL, 3);
        try {
            for (int i = 0; i < 7; i++) {
                SANDBOX.putOrder("THR" + run + i, "SKU-" + run, 1, Instant.now(), "FBR");
            }
            int before = SANDBOX.calls(BolOrders.DETAIL);
            OrdersIn.OrdersPage page = orders.read(CHANNEL, Instant.now().minusSeconds(30).toString(), null);

            assertThat(page.orders().stream().map(ChannelOrder::channelOrderId).filter(id -> id.startsWith("THR" + run))).hasSize(7);
            int details = (int) page.orders().stream().filter(o -> !(o instanceof ChannelOrder.Cancelled)).count();
            assertThat(SANDBOX.calls(BolOrders.DETAIL) - before).as("no detail answered 429 and sent again").isEqualTo(details);
        } finally {
            SANDBOX.limit(BolOrders.DETAIL, 1000);
        }
    }

    @Test
    void stockGoesToTheOfferOfTheListingsReferenceAsTheExportListsIt() {
        String sku = "REF-" + run;
        SANDBOX.addOffer(sku, "8712345678906", "FBR");
        SANDBOX.addOffer("FBB-" + run, "8712345678913", "FBB");

        List<ListingsIn.Listing> listed = listings.read(CHANNEL, null).listings();
        assertThat(listed).contains(new ListingsIn.Listing(sku, "MERCHANT", "ACTIVE"), new ListingsIn.Listing("FBB-" + run, "CHANNEL", "ACTIVE"));

        StockOut.Pushed pushed = stock.push(CHANNEL, List.of(new StockOut.ListingQuantity(sku, 1500, 1)), "k-" + run);
        assertThat(pushed.items()).extracting(StockOut.ItemResult::outcome).containsExactly(StockOut.ItemResult.Outcome.ACCEPTED);
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(999).equals(SANDBOX.shown(sku)));
    }

    @Test
    void returnsAreReadWithTheirOrderLine() {
        String orderId = "RET" + run;
        SANDBOX.putOrder(orderId, "SKU-" + run, 2, Instant.now(), "FBR");
        SANDBOX.putReturn(orderId, 1, "Verkeerd besteld");

        ReturnsIn.ReturnsPage page = returns.read(CHANNEL, null, null);

        ReturnsIn.Return read = page.returns().stream().filter(r -> r.channelOrderId().equals(orderId)).findFirst().orElseThrow();
        assertThat(read.lines()).containsExactly(new ReturnsIn.Line(orderId + "1", 1));
        assertThat(read.reason()).contains("Verkeerd besteld");
        assertThat(page.cursor()).isNotNull();
    }
}

package dev.orderhub.connectors.shipbob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orderhub.HubClient;
import dev.orderhub.conformance.OpenApiContract;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.fulfilment.FulfilmentDispatch;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The ShipBob connector against its stub (the whole hub on H2 and the embedded broker;
 * ShipBobPostgresTest runs the same on PostgreSQL): an order routed to ShipBob is one ShipBob
 * order however often it is sent, a lost answer included; signed webhooks ship the order at
 * once, the same delivery sent many times at once is taken once, and a forged, tampered,
 * unsigned or stale one is refused 401 with nothing recorded; partial shipments are parcels of
 * their own; the poll alone finds shipments; inventory levels set the location's on-hand; cancels
 * are accepted until ShipBob shipped. Every request the connector sent and every answer the stub
 * gave is held to the API contract (src/test/contract), after each test.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class ShipBobTest {

    static final ShipBobStub STUB = new ShipBobStub();
    static final String ACCOUNT = "shipbob";
    static final String SHOP = "shipbob-shop";
    static final String LOCATION = "shipbob-us";
    static final OpenApiContract CONTRACT = OpenApiContract.load(Path.of("connectors/shipbob/src/test/contract/shipbob-api-2026-01.yaml"));

    @DynamicPropertySource
    static void account(DynamicPropertyRegistry registry) {
        configure(registry, STUB);
    }

    /** The hub's ShipBob account on the stub, its THREE_PL location, and a shop whose orders it ships. */
    static void configure(DynamicPropertyRegistry registry, ShipBobStub stub) {
        registry.add("orderhub.locations." + LOCATION + ".name", () -> "ShipBob Cicero (3PL)");
        registry.add("orderhub.locations." + LOCATION + ".kind", () -> "THREE_PL");
        String entry = "orderhub.channels." + ACCOUNT + ".";
        registry.add(entry + "name", () -> "ShipBob");
        registry.add(entry + "kind", () -> "THREE_PL");
        registry.add(entry + "connector.name", () -> "shipbob");
        String properties = entry + "connector.properties.";
        registry.add(properties + "endpoint", stub::endpoint);
        registry.add(properties + "apiToken", () -> ShipBobStub.TOKEN);
        registry.add(properties + "channelId", () -> String.valueOf(ShipBobStub.CHANNEL_ID));
        registry.add(properties + "location", () -> LOCATION);
        registry.add(properties + "webhookSecret", () -> ShipBobStub.WEBHOOK_SECRET);
        registry.add(properties + "pollInterval", () -> "1h"); // the tests poll when they say so
        registry.add(properties + "stockInterval", () -> "1h");
        registry.add("orderhub.channels." + SHOP + ".name", () -> "Shop shipped by ShipBob");
        registry.add("orderhub.channels." + SHOP + ".locations[0]", () -> LOCATION);
        registry.add("orderhub.fulfilment.dispatch-interval-ms", () -> "3600000");
        registry.add("orderhub.fulfilment.auto-route-interval-ms", () -> "3600000");
        registry.add("orderhub.fulfilment.backoff-ms", () -> "50");
        registry.add("orderhub.fulfilment.follow-every-ms", () -> "0");
    }

    @LocalServerPort
    int port;
    @Autowired
    FulfilmentDispatch dispatch;
    @Autowired
    ShipBobFulfilment fulfilment;
    @Autowired
    ShipBobPoll poll;
    @Autowired
    JdbcClient jdbc;

    HubClient hub;
    String run;
    int mark;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        STUB.clear();
        mark = STUB.tap().mark();
    }

    /** Every exchange of the test against the API contract: the connector's requests and the stub's answers. */
    @AfterEach
    void wireFollowsTheContract() {
        List<String> problems = new ArrayList<>();
        for (StubTap.Exchange exchange : STUB.tap().since(mark, call -> true)) {
            problems.addAll(CONTRACT.request(exchange));
            problems.addAll(CONTRACT.answer(exchange));
        }
        assertThat(problems).as("requests and answers against shipbob-api-2026-01.yaml").isEmpty();
    }

    // ---- orders out ----------------------------------------------------------------------------

    @Test
    void anOrderRoutedToShipBobIsOneShipBobOrderOfItsReferenceAndSendingItAgainMakesNoSecond() {
        String id = routedOrder("WS-" + run, 2, 1);
        int created = STUB.created();

        dispatch.work();

        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SENT_TO_FULFILMENT");
        assertThat(STUB.created() - created).isEqualTo(1);
        ObjectNode order = STUB.order(id);
        assertThat(order.path("order_number").asText()).isEqualTo("WS-" + run);
        assertThat(order.path("type").asText()).isEqualTo("DTC");
        assertThat(order.path("shipping_method").asText()).isEqualTo("Standard");
        assertThat(order.path("recipient").path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(order.path("recipient").path("address").path("zip_code").asText()).isEqualTo("1015 CJ");
        assertThat(order.path("products").path(0).path("reference_id").asText()).isEqualTo("SB-A-" + run);
        assertThat(order.path("products").path(0).path("quantity").asInt()).isEqualTo(2);
        assertThat(order.path("products").path(1).path("reference_id").asText()).isEqualTo("SB-B-" + run);
        StubTap.Exchange post = STUB.tap().since(mark, c -> c.method().equals("POST")).get(0);
        assertThat(post.call().headers()).containsEntry("shipbob_channel_id", String.valueOf(ShipBobStub.CHANNEL_ID))
                .containsEntry("authorization", "Bearer " + ShipBobStub.TOKEN);

        // The hub's retry of the same order: ShipBob's id is recorded, nothing is posted.
        assertThat(fulfilment.send(request(id, true))).isNull();
        // Even with the record of ShipBob's id lost, a retry asks for the reference first.
        jdbc.sql("UPDATE shipbob_orders SET shipbob_order_id = NULL, status = 'SENDING' WHERE hub_order_id = :id")
                .param("id", id).update();
        assertThat(fulfilment.send(request(id, true))).isNull();
        assertThat(STUB.created() - created).as("ShipBob orders made").isEqualTo(1);
        assertThat(STUB.ordersOf(id)).hasSize(1);
    }

    @Test
    void anOrderWhoseAnswerWasLostIsFoundByItsReferenceAndNotPostedAgain() {
        String id = routedOrder("WS-" + run, 1, 0);
        int created = STUB.created();
        STUB.loseNextCreateAnswer();

        dispatch.work();
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).as("the answer was lost: not known to be sent")
                .isEqualTo("PENDING");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            dispatch.work();
            assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("SENT");
        });
        assertThat(STUB.created() - created).as("ShipBob orders made").isEqualTo(1);
        assertThat(STUB.tap().since(mark, c -> c.method().equals("GET")
                && id.equals(c.query().get("ReferenceIds")))).as("the retry asked ShipBob for the reference").isNotEmpty();
    }

    @Test
    void anOrderCancelledInTheHubAfterItsAnswerWasLostIsCancelledAtShipBob() {
        String id = routedOrder("WS-" + run, 1, 0);
        STUB.loseNextCreateAnswer();
        dispatch.work();
        assertThat(STUB.ordersOf(id)).as("ShipBob has it, the hub does not know").hasSize(1);

        assertThat(hub.post("/api/orders/" + id + "/cancel", "{\"reason\":\"buyer asked\"}").status()).isEqualTo(200);
        dispatch.work();

        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("CANCELLED");
        assertThat(STUB.order(id).path("status").asText()).as("not left for ShipBob to ship").isEqualTo("Cancelled");
    }

    @Test
    void anOrderShipBobRefusesIsRefusedWithItsReasonNamingTheField() {
        hub.setStock("SB-UNKNOWN-" + run, LOCATION, 5);
        String id = postOrder("WS-" + run, List.of(Map.entry("SB-UNKNOWN-" + run, 1)));
        route(id);

        dispatch.work();

        JsonNode fulfilment = hub.get("/api/orders/" + id + "/fulfilment").json();
        assertThat(fulfilment.path("status").asText()).isEqualTo("FAILED");
        assertThat(fulfilment.path("lastError").asText()).contains("ShipBob refused the order (422)")
                .contains("products[0].reference_id");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM shipbob_orders WHERE hub_order_id = :id").param("id", id).query(Long.class)
                .single()).as("a refused order is forgotten: routed here again, it is sent afresh").isZero();
    }

    // ---- webhooks ------------------------------------------------------------------------------

    @Test
    void aSignedOrderShippedWebhookShipsTheOrderAtOnce(CapturedOutput output) {
        String id = sentOrder(2, 1);
        ObjectNode shipment = STUB.ship(id, Map.of("SB-A-" + run, 2, "SB-B-" + run, 1), "UPS", "1Z" + run);

        HubClient.Response answer = push(STUB.signed("order.shipped", STUB.order(id)));

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.text("status")).isEqualTo("ACCEPTED");
        assertThat(answer.json().path("hubOrderIds").path(0).asText()).isEqualTo(id);
        assertThat(hub.get("/api/orders/" + id).text("status")).as("shipped without waiting for a dispatch round")
                .isEqualTo("SHIPPED");
        JsonNode shipments = hub.get("/api/orders/" + id + "/shipments").json();
        assertThat(shipments.toString()).contains("1Z" + run).contains("UPS");
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("SHIPPED");
        assertThat(onHand("SB-A-" + run)).as("the shipped units left ShipBob's stock in the hub").isEqualTo(8);
        assertThat(shipment.path("id").asLong()).isPositive();
        assertThat(output.getAll()).doesNotContain(ShipBobStub.TOKEN).doesNotContain(ShipBobStub.WEBHOOK_SECRET)
                .doesNotContain("Lovelace");
    }

    @Test
    void theSameDeliverySentManyTimesAtOnceIsTakenOnce() throws Exception {
        String id = sentOrder(1, 0);
        STUB.ship(id, Map.of("SB-A-" + run, 1), "USPS", "9400" + run);
        ShipBobStub.Delivery delivery = STUB.signed("order.shipped", STUB.order(id));

        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Callable<HubClient.Response>> posts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            posts.add(() -> push(delivery));
        }
        List<String> statuses = new ArrayList<>();
        try {
            for (Future<HubClient.Response> answer : pool.invokeAll(posts)) {
                assertThat(answer.get().status()).as(answer.get().body()).isEqualTo(200);
                statuses.add(answer.get().text("status"));
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(statuses).containsOnlyOnce("ACCEPTED").filteredOn("REPEAT"::equals).hasSize(7);
        assertThat(hub.get("/api/orders/" + id + "/shipments").json().size()).as("one hub shipment").isEqualTo(1);
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM shipbob_deliveries WHERE delivery_id = :id")
                .param("id", delivery.headers().get("webhook-id")).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aForgedTamperedUnsignedOrStaleDeliveryIsRefused401AndRecordsNothing() {
        String id = sentOrder(1, 0);
        STUB.ship(id, Map.of("SB-A-" + run, 1), "USPS", "9400" + run);
        ShipBobStub.Delivery genuine = STUB.signed("order.shipped", STUB.order(id));
        long deliveries = jdbc.sql("SELECT COUNT(*) FROM shipbob_deliveries").query(Long.class).single();

        List<ShipBobStub.Delivery> bad = List.of(
                genuine.signedWith("whsec_" + java.util.Base64.getEncoder().encodeToString("someone-elses-secret-key".getBytes())),
                genuine.tampered(),
                genuine.unsigned(),
                STUB.signed("order.shipped", STUB.order(id), "msg_stale_" + run, Instant.now().minus(Duration.ofMinutes(6))));
        for (ShipBobStub.Delivery delivery : bad) {
            HubClient.Response answer = push(delivery);
            assertThat(answer.status()).as(answer.body()).isEqualTo(401);
            assertThat(answer.text("error")).isEqualTo("invalid_signature");
            assertThat(answer.body()).doesNotContain(ShipBobStub.WEBHOOK_SECRET).doesNotContain("Exception");
        }

        assertThat(jdbc.sql("SELECT COUNT(*) FROM shipbob_deliveries").query(Long.class).single()).isEqualTo(deliveries);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM shipbob_shipments WHERE hub_order_id = :id AND tracking_number IS NOT NULL")
                .param("id", id).query(Long.class).single()).isZero();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SENT_TO_FULFILMENT");
        // The genuine one still ships it.
        assertThat(push(genuine).status()).isEqualTo(200);
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
    }

    @Test
    void aDeliveryThatIsNotJsonOrHasNoTopicIs400AndAnOrderOfSomeoneElseIsIgnored() {
        ShipBobStub.Delivery notJson = new ShipBobStub.Delivery(STUB.signed("order.shipped", STUB.order(sentOrder(1, 0))).headers(),
                new byte[0]);
        // Re-signed over the empty body: genuine, but unreadable.
        Map<String, String> headers = new LinkedHashMap<>(notJson.headers());
        headers.put("webhook-signature", "v1," + java.util.Base64.getEncoder().encodeToString(WebhookSignature.sign(
                ShipBobStub.key(ShipBobStub.WEBHOOK_SECRET), headers.get("webhook-id"), headers.get("webhook-timestamp"), "[1".getBytes())));
        HubClient.Response unreadable = push(new ShipBobStub.Delivery(headers, "[1".getBytes()));
        assertThat(unreadable.status()).as(unreadable.body()).isEqualTo(400);
        assertThat(unreadable.body()).contains("not JSON");

        ObjectNode foreign = STUB.order(sentOrder(1, 0)).deepCopy();
        foreign.put("reference_id", "made-in-shipbob-" + run);
        HubClient.Response ignored = push(STUB.signed("order.shipped", foreign));
        assertThat(ignored.status()).isEqualTo(200);
        assertThat(ignored.json().path("hubOrderIds").size()).isZero();

        HubClient.Response nowhere = HubClient.anonymous(port).send("POST", "/api/fulfilment/nowhere/webhooks",
                "application/json", "{}".getBytes(), Map.of());
        assertThat(nowhere.status()).as(nowhere.body()).isEqualTo(404);
        assertThat(nowhere.text("detail")).contains("no fulfilment target \"nowhere\" takes webhooks");

        HubClient.Response returns = push(STUB.signed("return.created", STUB.order(sentOrder(1, 0))));
        assertThat(returns.status()).isEqualTo(200);
        assertThat(returns.json().path("hubOrderIds").size()).as("returns are not taken yet").isZero();
    }

    @Test
    void partialShipmentsAreParcelsOfTheirOwnAndTheOrderShipsWithTheLast() {
        String id = sentOrder(3, 1);

        STUB.ship(id, Map.of("SB-A-" + run, 1), "FedEx", "FX1" + run);
        assertThat(push(STUB.signed("order.shipped", STUB.order(id))).status()).isEqualTo(200);
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("PARTIALLY_SHIPPED");

        ObjectNode rest = STUB.ship(id, Map.of("SB-A-" + run, 2, "SB-B-" + run, 1), "FedEx", "FX2" + run);
        // The second one comes as a shipment's delivered event (a ShipmentViewModel), the first again as a repeat of its order.
        rest.put("status", "Completed");
        assertThat(push(STUB.signed("order.shipment.delivered", rest)).status()).isEqualTo(200);

        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
        String shipments = hub.get("/api/orders/" + id + "/shipments").body();
        assertThat(shipments).contains("FX1" + run).contains("FX2" + run);
        assertThat(fulfilment.follow(id).parcels()).hasSize(2).allSatisfy(p -> assertThat(p.carrier()).isEqualTo("FedEx"));
        assertThat(fulfilment.follow(id).parcels()).filteredOn(p -> p.trackingNumber().equals("FX1" + run)).singleElement()
                .satisfies(p -> assertThat(p.lines()).containsExactly(new dev.orderhub.connector.FulfilmentService.Line("1", 1)));
        assertThat(fulfilment.follow(id).parcels()).filteredOn(p -> p.trackingNumber().equals("FX2" + run)).singleElement()
                .satisfies(p -> assertThat(p.lines()).containsExactly(new dev.orderhub.connector.FulfilmentService.Line("1", 2),
                        new dev.orderhub.connector.FulfilmentService.Line("2", 1)));
        assertThat(fulfilment.follow(id).parcels()).filteredOn(p -> p.deliveredAt() != null).extracting(p -> p.trackingNumber())
                .as("the parcel of the delivered event is delivered").containsExactly("FX2" + run);

        // The first parcel's delivery, after the order shipped: recorded, and the order is DELIVERED.
        ObjectNode first = null;
        for (JsonNode shipment : STUB.order(id).path("shipments")) {
            if (("FX1" + run).equals(shipment.path("tracking").path("tracking_number").asText())) {
                first = ((ObjectNode) shipment).deepCopy();
            }
        }
        first.put("delivery_date", Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        assertThat(push(STUB.signed("order.shipment.delivered", first)).status()).isEqualTo(200);
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("DELIVERED");
    }

    // ---- polls ---------------------------------------------------------------------------------

    @Test
    void withoutAWebhookThePollFindsTheShipmentsAndTheOrderShips() {
        String id = sentOrder(2, 1);
        STUB.ship(id, Map.of("SB-A-" + run, 2, "SB-B-" + run, 1), "DHL", "JD" + run);

        assertThat(poll.shipments()).isPositive();
        dispatch.work();

        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
        assertThat(hub.get("/api/orders/" + id + "/shipments").body()).contains("JD" + run);
        // The webhook arriving after the poll brings nothing new.
        assertThat(push(STUB.signed("order.shipped", STUB.order(id))).status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM shipbob_shipments WHERE hub_order_id = :id").param("id", id).query(Long.class)
                .single()).isEqualTo(1);
    }

    @Test
    void inventoryLevelsSetTheOnHandOfShipBobsLocationPageByPage() {
        STUB.level("SB-L1-" + run, 12);
        STUB.level("SB-L2-" + run, 0);
        STUB.level("SB-L3-" + run, 40);
        STUB.level("bad/sku-" + run, 3);
        STUB.pageSize(2);
        try {
            assertThat(poll.stock()).isEqualTo(3);
        } finally {
            STUB.pageSize(250);
        }

        assertThat(onHand("SB-L1-" + run)).isEqualTo(12);
        assertThat(onHand("SB-L2-" + run)).isZero();
        assertThat(onHand("SB-L3-" + run)).isEqualTo(40);
        assertThat(STUB.tap().since(mark, c -> c.path().endsWith("/inventory-level"))).as("pages read").hasSize(2);
        assertThat(hub.get("/api/exceptions?source=shipbob:" + ACCOUNT + ":stock&limit=500").body())
                .contains("bad/sku-" + run);
    }

    // ---- cancels -------------------------------------------------------------------------------

    @Test
    void aCancelInTheHubCancelsAtShipBobAndIsRefusedOnceItShipped() {
        String id = sentOrder(1, 0);
        assertThat(hub.post("/api/orders/" + id + "/cancel", "{\"reason\":\"buyer asked\"}").status()).isEqualTo(200);
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("CANCELLED");
        assertThat(STUB.order(id).path("status").asText()).isEqualTo("Cancelled");
        assertThat(fulfilment.cancel(id)).as("cancelling again asks nothing").isNull();

        String shipped = sentOrder(2, 0);
        STUB.ship(shipped, Map.of("SB-A-" + run, 1), "UPS", "1ZP" + run);
        String refusal = fulfilment.cancel(shipped);
        assertThat(refusal).startsWith("ShipBob answered Failure to the cancel").contains("already shipped");
        assertThat(STUB.order(shipped).path("status").asText()).isEqualTo("PartiallyFulfilled");
    }

    // ---- the contract --------------------------------------------------------------------------

    @Test
    void theStubsWebhookPayloadsFollowTheContractAndTheContractCatchesABadAnswer() {
        String id = sentOrder(1, 0);
        ObjectNode shipment = STUB.ship(id, Map.of("SB-A-" + run, 1), "UPS", "1ZC" + run);
        assertThat(CONTRACT.answer("GET", "/2026-01/order/1", 200, STUB.order(id).toString())).isEmpty();
        assertThat(CONTRACT.answer("GET", "/2026-01/shipment/1", 200, shipment.toString())).isEmpty();

        ObjectNode wrong = STUB.order(id).deepCopy();
        wrong.put("status", "Shipped");
        ((ObjectNode) wrong.path("shipments").path(0)).put("status", "Canceled");
        assertThat(CONTRACT.answer("GET", "/2026-01/order/1", 200, wrong.toString()))
                .anySatisfy(p -> assertThat(p).contains("status").contains("Shipped"))
                .anySatisfy(p -> assertThat(p).contains("Canceled"));
        assertThat(CONTRACT.request("POST", "/2026-01/order", Map.of(), "{\"reference_id\":\"x\",\"type\":\"Retail\"}"))
                .anySatisfy(p -> assertThat(p).contains("products"))
                .anySatisfy(p -> assertThat(p).contains("Retail"));
        assertThat(CONTRACT.request("POST", "/2026-01/order/12:cancel", Map.of(), null)).isEmpty();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** An order of the shop, reserved at ShipBob's location and routed to ShipBob, not yet sent. */
    private String routedOrder(String channelOrderId, int qtyA, int qtyB) {
        List<Map.Entry<String, Integer>> lines = new ArrayList<>();
        lines.add(Map.entry("SB-A-" + run, qtyA));
        if (qtyB > 0) {
            lines.add(Map.entry("SB-B-" + run, qtyB));
        }
        for (Map.Entry<String, Integer> line : lines) {
            STUB.product(line.getKey());
            hub.setStock(line.getKey(), LOCATION, 10);
        }
        String id = postOrder(channelOrderId, lines);
        route(id);
        return id;
    }

    /** {@link #routedOrder}, sent to ShipBob. */
    private String sentOrder(int qtyA, int qtyB) {
        String id = routedOrder("WS-" + UUID.randomUUID().toString().substring(0, 8), qtyA, qtyB);
        dispatch.work();
        assertThat(hub.get("/api/orders/" + id + "/fulfilment").text("status")).isEqualTo("SENT");
        return id;
    }

    private String postOrder(String channelOrderId, List<Map.Entry<String, Integer>> lines) {
        StringBuilder json = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, Integer> line : lines) {
            json.append(n == 0 ? "" : ",").append("{\"lineId\":\"").append(++n).append("\",\"sku\":\"").append(line.getKey())
                    .append("\",\"qty\":").append(line.getValue()).append(",\"unitPrice\":19.95}");
        }
        HubClient.Response posted = hub.post("/api/channels/" + SHOP + "/orders", "{\"channelOrderId\":\"" + channelOrderId
                + "\",\"placedAt\":\"2026-11-26T09:30:00Z\",\"currency\":\"EUR\",\"shipTo\":{\"name\":\"Ada Lovelace\","
                + "\"line1\":\"Keizersgracht 1\",\"city\":\"Amsterdam\",\"postalCode\":\"1015 CJ\",\"country\":\"NL\"},"
                + "\"lines\":[" + json + "]}");
        assertThat(posted.status()).as(posted.body()).isEqualTo(202);
        String id = posted.text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        return id;
    }

    private void route(String id) {
        HubClient.Response routed = hub.post("/api/orders/" + id + "/fulfilment", "{\"target\":\"shipbob\"}");
        assertThat(routed.status()).as(routed.body()).isEqualTo(202);
    }

    private dev.orderhub.connector.FulfilmentService.Request request(String id, boolean retry) {
        return new dev.orderhub.connector.FulfilmentService.Request(id, "WS-" + run, Instant.parse("2026-11-26T09:30:00Z"),
                new dev.orderhub.connector.FulfilmentService.Destination("Ada Lovelace", "Keizersgracht 1", null, "Amsterdam",
                        null, "1015 CJ", "NL"),
                List.of(new dev.orderhub.connector.FulfilmentService.Item("1", "SB-A-" + run, 2),
                        new dev.orderhub.connector.FulfilmentService.Item("2", "SB-B-" + run, 1)), retry);
    }

    /** Posts a delivery to the hub's webhook endpoint, as ShipBob does: no API key, its own headers. */
    private HubClient.Response push(ShipBobStub.Delivery delivery) {
        Map<String, String> headers = new LinkedHashMap<>(delivery.headers());
        headers.remove("Content-Type");
        return HubClient.anonymous(port).send("POST", "/api/fulfilment/shipbob/webhooks", "application/json", delivery.body(),
                headers);
    }

    private long onHand(String sku) {
        for (var level : hub.get("/api/stock/" + sku).json().path("locations")) {
            if (level.path("location").asText().equals(LOCATION)) {
                return level.path("onHand").asLong();
            }
        }
        return -1;
    }
}

package dev.orderhub.connectors.shippo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Labels bought from Shippo (its stub, built from the spec) through the hub's API, and Shippo's
 * tracking webhook into the hub: bought once across a lost answer, downloadable, a refusal
 * named, deliveries applied once, a wrong token without effect.
 */
@HubTest
class ShippoLabelsTest {

    /** One stub for the JVM: the H2 and PostgreSQL contexts are cached and both point at it. */
    static final ShippoStub STUB = new ShippoStub();
    static final String WEBHOOK_TOKEN = "whk-test-token-not-real-0123456789abcdef";

    @DynamicPropertySource
    static void carrier(DynamicPropertyRegistry registry) {
        String prefix = "orderhub.carriers.shippo.properties.";
        registry.add(prefix + "endpoint", STUB::endpoint);
        registry.add(prefix + "apiToken", () -> ShippoStub.TOKEN);
        registry.add(prefix + "webhookToken", () -> WEBHOOK_TOKEN);
        registry.add(prefix + "fromName", () -> "Warehouse Main");
        registry.add(prefix + "fromStreet1", () -> "Industrieweg 5");
        registry.add(prefix + "fromCity", () -> "Utrecht");
        registry.add(prefix + "fromZip", () -> "3542 AD");
        registry.add(prefix + "fromCountry", () -> "NL");
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    dev.orderhub.order.PersonalDataErasure erasure;

    HubClient hub;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        sku = "LBL-" + UUID.randomUUID().toString().substring(0, 8);
        hub.setStock(sku, "main", 20);
    }

    private String reservedOrder(String json) {
        HubClient.Response posted = hub.post("/api/channels/webshop/orders", json);
        assertThat(posted.status()).as(posted.body()).isIn(200, 202);
        String id = posted.text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        return id;
    }

    private String reservedOrder() {
        return reservedOrder(OrderJson.order("LBL-" + sku + "-" + UUID.randomUUID().toString().substring(0, 4)).line(sku, 2).json());
    }

    private HubClient.Response buy(String id, String body) {
        return hub.post("/api/orders/" + id + "/labels", body);
    }

    private HubClient.Response webhook(String token, String body) {
        return HubClient.anonymous(port).post("/api/carriers/shippo/webhooks/" + token, body);
    }

    private long purchasesFor(String labelId) {
        return STUB.purchases().stream().filter(t -> labelId.equals(t.path("metadata").asText())).count();
    }

    @Test
    void aLabelIsBoughtOnceWhenTheAnswerToThePurchaseIsLostAndTheRequestRetried() {
        String id = reservedOrder();
        STUB.loseNextPurchaseAnswer();

        HubClient.Response lost = buy(id, "{}");
        assertThat(lost.status()).as(lost.body()).isEqualTo(503);
        assertThat(lost.text("error")).isEqualTo("carrier_unavailable");
        String labelId = hub.get("/api/orders/" + id + "/labels").json().get(0).path("labelId").asText();
        assertThat(purchasesFor(labelId)).as("Shippo made the label although its answer was lost").isEqualTo(1);

        HubClient.Response retried = buy(id, "{}");
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        JsonNode label = retried.json().path("label");
        assertThat(label.path("labelId").asText()).as("the retry finishes the same label").isEqualTo(labelId);
        assertThat(purchasesFor(labelId)).as("no second label bought on the retry").isEqualTo(1);
        String bought = STUB.purchases().stream().filter(t -> labelId.equals(t.path("metadata").asText())).findFirst()
                .orElseThrow().path("tracking_number").asText();
        assertThat(label.path("trackingNumber").asText()).isEqualTo(bought);
        assertThat(label.path("service").asText()).as("the cheapest rate").isEqualTo("usps_ground_advantage");
        assertThat(retried.text("orderStatus")).isEqualTo("SHIPPED");
        JsonNode shipments = hub.get("/api/orders/" + id + "/shipments").json();
        assertThat(shipments).hasSize(1);
        assertThat(shipments.get(0).path("trackingNumber").asText()).isEqualTo(bought);
        assertThat(shipments.get(0).path("carrier").asText()).isEqualTo("USPS");
    }

    @Test
    void aSecondRequestWhileOneIsAskingShippoBuysNothingAndAnAttemptLeftByACrashIsTakenOver() {
        String id = reservedOrder();
        String labelId = "lbl-" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        jdbc.sql("INSERT INTO carrier_labels (label_id, hub_order_id, connector, status, request, created_at, attempt_at) "
                + "VALUES (:id, :order, 'shippo', 'PENDING', '{}', :now, :now)").param("id", labelId).param("order", id)
                .param("now", now).update();
        int before = STUB.purchases().size();

        HubClient.Response meanwhile = buy(id, "{}");

        assertThat(meanwhile.status()).as(meanwhile.body()).isEqualTo(409);
        assertThat(meanwhile.text("error")).isEqualTo("label_in_progress");
        assertThat(STUB.purchases()).as("nothing bought alongside the request in flight").hasSize(before);

        jdbc.sql("UPDATE carrier_labels SET attempt_at = :then WHERE label_id = :id").param("then", now.minusMinutes(10))
                .param("id", labelId).update();
        HubClient.Response takenOver = buy(id, "{}");
        assertThat(takenOver.status()).as(takenOver.body()).isEqualTo(201);
        assertThat(takenOver.json().path("label").path("labelId").asText()).isEqualTo(labelId);
        assertThat(purchasesFor(labelId)).isEqualTo(1);
    }

    @Test
    void theLabelPdfIsDownloadableAndLinkedFromTheConsole() throws Exception {
        String id = reservedOrder();
        HubClient.Response bought = buy(id, "{\"serviceLevel\":\"usps_priority\",\"parcel\":{\"length\":40,\"width\":30,"
                + "\"height\":12.5,\"distanceUnit\":\"cm\",\"weight\":2.25,\"massUnit\":\"kg\"}}");
        assertThat(bought.status()).as(bought.body()).isEqualTo(201);
        String labelId = bought.json().path("label").path("labelId").asText();
        assertThat(bought.json().path("label").path("service").asText()).isEqualTo("usps_priority");
        JsonNode parcel = STUB.shipmentsReceived().stream().filter(s -> labelId.equals(s.path("metadata").asText()))
                .findFirst().orElseThrow().path("parcels").get(0);
        assertThat(parcel.path("height").asText()).isEqualTo("12.5");
        assertThat(parcel.path("mass_unit").asText()).isEqualTo("kg");

        HttpResponse<byte[]> pdf = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/orders/" + id + "/labels/" + labelId + ".pdf"))
                .header("Authorization", "Bearer " + HubClient.TEST_ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(pdf.body()).isEqualTo(ShippoStub.PDF);

        HubClient.Response page = hub.get("/console/orders/" + id);
        assertThat(page.body()).contains("/console/orders/" + id + "/labels/" + labelId + ".pdf");
        HubClient.Response other = hub.get("/api/orders/" + reservedOrder() + "/labels/" + labelId + ".pdf");
        assertThat(other.status()).as("another order's label").isEqualTo(404);
    }

    @Test
    void erasingTheBuyersPersonalDataErasesTheLabelItPrints() {
        String id = reservedOrder();
        String labelId = boughtLabel(id).path("labelId").asText();
        assertThat(hub.get("/api/orders/" + id + "/labels/" + labelId + ".pdf").status()).isEqualTo(200);

        erasure.eraseForBuyer(null, List.of(id), "test: the buyer asked"); // by id only: every test order has the same buyer

        assertThat(hub.get("/api/orders/" + id + "/labels/" + labelId + ".pdf").status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM carrier_labels WHERE label_id = :id AND (pdf IS NOT NULL OR label_url IS NOT NULL)")
                .param("id", labelId).query(Long.class).single()).isZero();
    }

    @Test
    void aRefusalByShippoIsAClearErrorNamingTheProblem() {
        String id = reservedOrder(OrderJson.order("LBL-BAD-" + sku).line(sku, 1).json()
                .replace("\"postalCode\":\"1015 CJ\"", "\"postalCode\":\"" + ShippoStub.BAD_ZIP + "\""));

        HubClient.Response refused = buy(id, "{}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.text("error")).isEqualTo("label_refused");
        assertThat(refused.text("detail")).contains("address_to.zip").contains("not valid").contains(id);
        assertThat(refused.text("detail")).as("no personal data in the error").doesNotContain("Lovelace").doesNotContain("Keizersgracht");
        assertThat(hub.get("/api/orders/" + id + "/shipments").json()).isEmpty();
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("RESERVED");

        HubClient.Response unknownService = buy(reservedOrder(), "{\"serviceLevel\":\"fedex_teleport\"}");
        assertThat(unknownService.status()).isEqualTo(422);
        assertThat(unknownService.text("detail")).contains("fedex_teleport").contains("usps_priority");

        HubClient.Response badParcel = buy(id, "{\"parcel\":{\"length\":1,\"width\":1,\"height\":1,\"distanceUnit\":\"furlong\","
                + "\"weight\":1,\"massUnit\":\"kg\"}}");
        assertThat(badParcel.status()).isEqualTo(400);
        assertThat(badParcel.text("detail")).contains("parcel.distanceUnit");
    }

    private JsonNode boughtLabel(String id) {
        HubClient.Response bought = buy(id, "{}");
        assertThat(bought.status()).as(bought.body()).isEqualTo(201);
        return bought.json().path("label");
    }

    private String transactionOf(JsonNode label) {
        return label.path("transactionId").asText();
    }

    @Test
    void aDeliveredTrackingWebhookDeliversTheParcelAndTheOrderOnceAndADuplicateChangesNothing() {
        String id = reservedOrder();
        JsonNode label = boughtLabel(id);
        String transit = ShippoStub.trackUpdated(transactionOf(label), label.path("trackingNumber").asText(), "TRANSIT",
                "2099-01-02T08:00:00Z");
        HubClient.Response inTransit = webhook(WEBHOOK_TOKEN, transit);
        assertThat(inTransit.status()).as(inTransit.body()).isEqualTo(200);
        assertThat(inTransit.text("status")).isEqualTo("RECORDED");
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");

        String delivered = ShippoStub.trackUpdated(transactionOf(label), label.path("trackingNumber").asText(), "DELIVERED",
                "2099-01-03T10:15:00Z");
        HubClient.Response first = webhook(WEBHOOK_TOKEN, delivered);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.text("status")).isEqualTo("RECORDED");
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("DELIVERED");
        String shipmentId = label.path("shipmentId").asText();
        assertThat(jdbc.sql("SELECT delivered_at FROM shipments WHERE shipment_id = :id").param("id", shipmentId)
                .query(java.time.OffsetDateTime.class).single().toInstant()).isEqualTo(java.time.Instant.parse("2099-01-03T10:15:00Z"));
        int events = hub.get("/api/orders/" + id).json().path("events").size();

        HubClient.Response again = webhook(WEBHOOK_TOKEN, delivered);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("status")).isEqualTo("REPEAT");
        assertThat(hub.get("/api/orders/" + id).json().path("events").size()).as("no new history").isEqualTo(events);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM carrier_tracking_events WHERE shipment_id = :id").param("id", shipmentId)
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void anOrderIsDeliveredOnlyWhenAllItsLabelledParcelsAre() {
        String id = reservedOrder();
        HubClient.Response one = buy(id, "{\"lines\":[{\"lineId\":\"1\",\"qty\":1}]}");
        assertThat(one.status()).as(one.body()).isEqualTo(201);
        assertThat(one.text("orderStatus")).isEqualTo("PARTIALLY_SHIPPED");
        HubClient.Response two = buy(id, "{\"lines\":[{\"lineId\":\"1\",\"qty\":1}]}");
        assertThat(two.text("orderStatus")).isEqualTo("SHIPPED");
        JsonNode first = one.json().path("label");
        JsonNode second = two.json().path("label");

        webhook(WEBHOOK_TOKEN, ShippoStub.trackUpdated(transactionOf(first), first.path("trackingNumber").asText(), "DELIVERED",
                "2099-02-01T10:00:00Z"));
        assertThat(hub.get("/api/orders/" + id).text("status")).as("one parcel of two delivered").isEqualTo("SHIPPED");
        webhook(WEBHOOK_TOKEN, ShippoStub.trackUpdated(transactionOf(second), second.path("trackingNumber").asText(), "DELIVERED",
                "2099-02-02T10:00:00Z"));
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("DELIVERED");
    }

    @Test
    void aFailedOrReturnedParcelIsRaisedForAPerson() {
        String id = reservedOrder();
        JsonNode label = boughtLabel(id);

        HubClient.Response failed = webhook(WEBHOOK_TOKEN, ShippoStub.trackUpdated(transactionOf(label),
                label.path("trackingNumber").asText(), "FAILURE", "2099-03-01T09:00:00Z"));

        assertThat(failed.text("status")).isEqualTo("RECORDED");
        List<String> kinds = hub.get("/api/orders/" + id).json().path("events").findValuesAsText("type");
        assertThat(kinds).contains("CARRIER_FAILURE");
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
    }

    @Test
    void otherEventsAndParcelsTheHubDidNotLabelAreIgnoredAndAMalformedDeliveryIsRefused() {
        HubClient.Response unknownParcel = webhook(WEBHOOK_TOKEN, ShippoStub.trackUpdated("tx-unknown", "9400NOTOURS", "DELIVERED",
                "2099-06-01T10:00:00Z"));
        assertThat(unknownParcel.status()).as(unknownParcel.body()).isEqualTo(200);
        assertThat(unknownParcel.text("status")).isEqualTo("IGNORED");

        HubClient.Response otherEvent = webhook(WEBHOOK_TOKEN, "{\"event\":\"transaction_created\",\"test\":true,\"data\":{}}");
        assertThat(otherEvent.status()).isEqualTo(200);
        assertThat(otherEvent.text("status")).isEqualTo("IGNORED");

        HubClient.Response badStatus = webhook(WEBHOOK_TOKEN, ShippoStub.trackUpdated("tx-unknown", "9400NOTOURS", "LOST_IN_SPACE",
                "2099-06-01T10:00:00Z"));
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.text("detail")).contains("LOST_IN_SPACE").contains("DELIVERED");
        assertThat(webhook(WEBHOOK_TOKEN, "not json").status()).isEqualTo(400);
    }

    @Test
    void aWrongTokenChangesNothing() {
        String id = reservedOrder();
        JsonNode label = boughtLabel(id);
        int events = hub.get("/api/orders/" + id).json().path("events").size();

        String delivered = ShippoStub.trackUpdated(transactionOf(label), label.path("trackingNumber").asText(), "DELIVERED",
                "2099-05-01T10:00:00Z");

        HubClient.Response wrong = webhook(WEBHOOK_TOKEN.substring(0, WEBHOOK_TOKEN.length() - 1) + "x", delivered);
        HubClient.Response otherCarrier = HubClient.anonymous(port).post("/api/carriers/nosuch/webhooks/" + WEBHOOK_TOKEN, delivered);

        assertThat(wrong.status()).as(wrong.body()).isEqualTo(404);
        assertThat(wrong.text("error")).isEqualTo("not_found");
        assertThat(otherCarrier.status()).isEqualTo(404);
        assertThat(otherCarrier.body()).as("the same answer: a caller learns nothing").isEqualTo(wrong.body());
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("SHIPPED");
        assertThat(hub.get("/api/orders/" + id).json().path("events").size()).isEqualTo(events);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM carrier_tracking_events WHERE shipment_id = :id")
                .param("id", label.path("shipmentId").asText()).query(Long.class).single()).isZero();

        HubClient.Response genuine = webhook(WEBHOOK_TOKEN, delivered);
        assertThat(genuine.text("status")).as("the genuine delivery is still taken afterwards").isEqualTo("RECORDED");
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("DELIVERED");
    }
}

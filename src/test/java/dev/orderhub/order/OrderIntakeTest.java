package dev.orderhub.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.EventProbe;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import jakarta.jms.ConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** One order end to end over real HTTP, Artemis and the database: intake, reservation, events. */
@HubTest
class OrderIntakeTest {

    @LocalServerPort
    int port;

    @Autowired
    ConnectionFactory broker;

    HubClient hub;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private JsonNode awaitStatus(String hubOrderId, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(hub.get("/api/orders/" + hubOrderId).text("status")));
        return hub.get("/api/orders/" + hubOrderId).json();
    }

    private String post(String channel, String json) {
        HubClient.Response response = hub.post("/api/channels/" + channel + "/orders", json);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.text("status")).isEqualTo("RECEIVED");
        return response.text("hubOrderId");
    }

    @Test
    void orderWithStockIsReservedAndShowsLinesEventsAndTotals() {
        hub.setStock(sku, "main", 5);
        String id = post("webshop", OrderJson.order("WS-" + sku).line(sku, 2).json());

        JsonNode order = awaitStatus(id, "RESERVED");
        assertThat(order.get("channel").asText()).isEqualTo("webshop");
        assertThat(order.get("lines").get(0).get("sku").asText()).isEqualTo(sku);
        assertThat(order.get("totals").get("subtotal").decimalValue()).isEqualByComparingTo("39.90");
        assertThat(order.get("totals").get("total").decimalValue()).isEqualByComparingTo("43.36");
        List<String> history = new ArrayList<>();
        order.get("events").forEach(e -> history.add(e.get("type").asText()));
        assertThat(history).containsExactly("RECEIVED", "RESERVED");

        JsonNode stock = hub.get("/api/stock/" + sku).json();
        assertThat(stock.get("onHand").asLong()).isEqualTo(5);
        assertThat(stock.get("reserved").asLong()).isEqualTo(2);
        assertThat(stock.get("available").asLong()).isEqualTo(3);
        assertThat(stock.get("channels").get(0).get("availableToSell").asLong()).isEqualTo(3);
    }

    @Test
    void repeatOfAnImportedOrderAnswers200WithTheSameIdAndCurrentStatus() {
        hub.setStock(sku, "main", 5);
        String json = OrderJson.of("WS-" + sku, sku, 1);
        String id = post("webshop", json);
        awaitStatus(id, "RESERVED");

        HubClient.Response again = hub.post("/api/channels/webshop/orders", json);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("hubOrderId")).isEqualTo(id);
        assertThat(again.text("status")).isEqualTo("RESERVED");
        assertThat(hub.get("/api/stock/" + sku).json().get("reserved").asLong()).isEqualTo(1);
    }

    @Test
    void orderIsReservedWholeOrNotAtAll() {
        String other = sku + "-B";
        hub.setStock(sku, "main", 5);
        hub.setStock(other, "main", 1);
        String id = post("manual", OrderJson.order("B2B-" + sku).line(sku, 3).line(other, 2).json());

        JsonNode order = awaitStatus(id, "BACKORDERED");
        assertThat(order.get("events").get(1).get("detail").asText()).contains(other);
        assertThat(hub.get("/api/stock/" + sku).json().get("reserved").asLong()).isZero();
        assertThat(hub.get("/api/stock/" + other).json().get("reserved").asLong()).isZero();
    }

    @Test
    void unknownSkuPutsTheOrderOnHoldWithReasonAndRaisesAnAlert() throws Exception {
        try (EventProbe events = EventProbe.subscribe(broker, "alert.raised")) {
            String id = post("pos", OrderJson.of("POS-" + sku, sku, 1));
            JsonNode order = awaitStatus(id, "ON_HOLD");
            assertThat(order.get("holdReason").asText()).isEqualTo("unknown sku " + sku);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.events("alert.raised", "subject", id).size() == 1);
        }
    }

    @Test
    void channelFulfilledOrderIsRecordedWithoutReserving() {
        hub.setStock(sku, "main", 5);
        String id = post("webshop", OrderJson.order("FBA-" + sku).line(sku, 2).fulfilmentMode("CHANNEL").json());

        await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/orders/" + id).status() == 200);
        assertThat(hub.get("/api/orders/" + id).text("status")).as("its own terminal state, not RECEIVED")
                .isEqualTo("FULFILLED_BY_CHANNEL");
        assertThat(hub.get("/api/stock/" + sku).json().get("reserved").asLong()).isZero();
    }

    @Test
    void cancelReleasesStockAndASecondCancelIsRefusedAndRecorded() {
        hub.setStock(sku, "main", 3);
        String id = post("manual", OrderJson.of("M-" + sku, sku, 3));
        awaitStatus(id, "RESERVED");

        HubClient.Response cancelled = hub.post("/api/orders/" + id + "/cancel", "{\"reason\":\"buyer changed mind\"}");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.text("status")).isEqualTo("CANCELLED");
        assertThat(hub.get("/api/stock/" + sku).json().get("available").asLong()).isEqualTo(3);

        HubClient.Response again = hub.post("/api/orders/" + id + "/cancel", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.text("error")).isEqualTo("illegal_transition");
        assertThat(again.text("detail")).contains("CANCELLED to CANCELLED");
        JsonNode events = hub.get("/api/orders/" + id).json().get("events");
        assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("TRANSITION_REFUSED");
        assertThat(hub.get("/api/orders/" + id).text("status")).isEqualTo("CANCELLED");
    }

    @Test
    void countBelowReservationsBackordersTheLatestShipByFirst() {
        hub.setStock(sku, "main", 4);
        String early = post("webshop", OrderJson.order("E-" + sku).line(sku, 2).shipBy("2026-11-27T12:00:00Z").json());
        awaitStatus(early, "RESERVED");
        String late = post("webshop", OrderJson.order("L-" + sku).line(sku, 2).shipBy("2026-12-05T12:00:00Z").json());
        awaitStatus(late, "RESERVED");

        hub.setStock(sku, "main", 3);

        assertThat(hub.get("/api/orders/" + late).text("status")).isEqualTo("BACKORDERED");
        assertThat(hub.get("/api/orders/" + early).text("status")).isEqualTo("RESERVED");
        JsonNode stock = hub.get("/api/stock/" + sku).json();
        assertThat(stock.get("onHand").asLong()).isEqualTo(3);
        assertThat(stock.get("reserved").asLong()).isEqualTo(2);
        assertThat(stock.get("available").asLong()).isEqualTo(1);
    }

    @Test
    void arrivingStockGoesToTheEarliestShipByBackorderFirst() {
        hub.setStock(sku, "main", 0);
        String later = post("webshop", OrderJson.order("LATE-" + sku).line(sku, 2).shipBy("2026-12-10T12:00:00Z").json());
        awaitStatus(later, "BACKORDERED");
        String sooner = post("pos", OrderJson.order("SOON-" + sku).line(sku, 2).shipBy("2026-11-27T12:00:00Z").json());
        awaitStatus(sooner, "BACKORDERED");

        HubClient.Response receipt = hub.post("/api/stock/adjustments",
                "{\"sku\":\"" + sku + "\",\"location\":\"main\",\"delta\":3,\"reason\":\"receipt\"}");

        assertThat(receipt.json().get("reserved").asLong()).isEqualTo(2);
        assertThat(hub.get("/api/orders/" + sooner).text("status")).isEqualTo("RESERVED");
        assertThat(hub.get("/api/orders/" + later).text("status")).isEqualTo("BACKORDERED");

        hub.post("/api/orders/" + sooner + "/cancel", "{\"reason\":\"buyer cancelled\"}");
        assertThat(hub.get("/api/orders/" + later).text("status")).isEqualTo("RESERVED");
    }

    @Test
    void eventsArePublishedOnTheirTopicsWithIdsAndTheReservedStock() throws Exception {
        try (EventProbe events = EventProbe.subscribe(broker, "order.received", "order.reserved", "stock.changed")) {
            hub.setStock(sku, "main", 10);
            String id = post("webshop", OrderJson.of("EV-" + sku, sku, 4));
            awaitStatus(id, "RESERVED");

            await().atMost(Duration.ofSeconds(10)).until(() -> events.events("order.reserved", "hubOrderId", id).size() == 1);
            JsonNode received = events.events("order.received", "hubOrderId", id).get(0);
            assertThat(received.get("id").asText()).hasSize(36);
            assertThat(received.get("time").asText()).isNotBlank();
            assertThat(received.get("payload").get("status").asText()).isEqualTo("RESERVED");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.events("stock.changed", "sku", sku).stream()
                    .anyMatch(e -> e.get("payload").get("reserved").asLong() == 4));
            Set<String> ids = new HashSet<>();
            events.events("stock.changed", "sku", sku).forEach(e -> ids.add(e.get("id").asText()));
            assertThat(ids).hasSize(events.events("stock.changed", "sku", sku).size());
        }
    }

    @Test
    void ordersAreListedByFilterWithACursor() {
        hub.setStock(sku, "main", 100);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(post("manual", OrderJson.of("LIST-" + sku + "-" + i, sku, 1)));
        }
        ids.forEach(id -> awaitStatus(id, "RESERVED"));

        List<String> seen = new ArrayList<>();
        String cursor = null; // the first page has no cursor (an empty one is refused)
        do {
            JsonNode page = hub.get("/api/orders?channel=manual&status=RESERVED&sku=" + sku + "&limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(o -> seen.add(o.get("hubOrderId").asText()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(ids);

        assertThat(hub.get("/api/orders?status=NOPE").status()).isEqualTo(400);
        assertThat(hub.get("/api/orders?cursor=garbage!").status()).isEqualTo(400);
        assertThat(hub.get("/api/orders?cursor=").status()).isEqualTo(400);
        assertThat(hub.get("/api/orders?limit=0").status()).isEqualTo(400);
        assertThat(hub.get("/api/orders/oh-000000000000000000000000").status()).isEqualTo(404);
    }
}

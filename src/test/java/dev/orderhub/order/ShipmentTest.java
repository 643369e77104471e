package dev.orderhub.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubPostgresTest;
import dev.orderhub.OrderJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Shipments recorded through the API: partial then complete, the same parcel twice changes
 * nothing, shipped units leave stock, and what cannot ship is refused with the reason.
 */
@HubPostgresTest
class ShipmentTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    HubClient hub;
    String skuA;
    String skuB;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        String run = UUID.randomUUID().toString().substring(0, 8);
        skuA = "SHIP-A-" + run;
        skuB = "SHIP-B-" + run;
        hub.setStock(skuA, "main", 10);
        hub.setStock(skuB, "main", 10);
    }

    private String reservedOrder(String channelOrderId) {
        String id = hub.post("/api/channels/webshop/orders", OrderJson.order(channelOrderId).line(skuA, 2).line(skuB, 1).json())
                .text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        return id;
    }

    private HubClient.Response ship(String id, String body) {
        return hub.post("/api/orders/" + id + "/shipments", body);
    }

    private long onHand(String sku) {
        return hub.get("/api/stock/" + sku).json().path("onHand").asLong();
    }

    private long reserved(String sku) {
        return hub.get("/api/stock/" + sku).json().path("reserved").asLong();
    }

    @Test
    void aPartialShipmentThenTheRestShipTheOrderAndTakeTheUnitsOutOfStock() {
        String id = reservedOrder("SHIP-" + skuA);
        String first = "{\"carrier\":\"DHL\",\"service\":\"Paket\",\"trackingNumber\":\"JJD0001\","
                + "\"shippedAt\":\"2026-11-26T10:00:00Z\",\"lines\":[{\"lineId\":\"1\",\"qty\":1}]}";

        HubClient.Response partial = ship(id, first);
        assertThat(partial.status()).as(partial.body()).isEqualTo(201);
        assertThat(partial.text("orderStatus")).isEqualTo("PARTIALLY_SHIPPED");
        assertThat(onHand(skuA)).isEqualTo(9);
        assertThat(reserved(skuA)).isEqualTo(1);
        assertThat(reserved(skuB)).isEqualTo(1);

        HubClient.Response again = ship(id, first);
        assertThat(again.status()).as("the same parcel again").isEqualTo(200);
        assertThat(again.json().path("shipment").path("shipmentId").asText())
                .isEqualTo(partial.json().path("shipment").path("shipmentId").asText());
        assertThat(onHand(skuA)).isEqualTo(9);

        HubClient.Response rest = ship(id, "{\"carrier\":\"DHL\",\"trackingNumber\":\"JJD0002\"}");
        assertThat(rest.status()).isEqualTo(201);
        assertThat(rest.text("orderStatus")).isEqualTo("SHIPPED");
        assertThat(rest.json().path("shipment").path("lines").toString()).contains("\"lineId\":\"1\",\"qty\":1")
                .contains("\"lineId\":\"2\",\"qty\":1");
        assertThat(onHand(skuA)).isEqualTo(8);
        assertThat(reserved(skuA)).isZero();
        assertThat(onHand(skuB)).isEqualTo(9);
        assertThat(reserved(skuB)).isZero();

        JsonNode order = hub.get("/api/orders/" + id).json();
        assertThat(order.path("status").asText()).isEqualTo("SHIPPED");
        assertThat(hub.get("/api/orders/" + id + "/shipments").json()).hasSize(2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE type = 'order.shipped' AND group_key = :id").param("id", id)
                .query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM stock_movements WHERE kind = 'SHIP' AND reference = :id").param("id", id)
                .query(Long.class).single()).isEqualTo(3);
        // Shipped is shipped: a third parcel is refused.
        assertThat(ship(id, "{\"carrier\":\"DHL\",\"trackingNumber\":\"JJD0003\"}").status()).isEqualTo(409);
    }

    @Test
    void whatCannotShipIsRefusedWithTheReason() {
        String id = reservedOrder("REFUSE-" + skuA);
        HubClient.Response tooMany = ship(id, "{\"carrier\":\"UPS\",\"trackingNumber\":\"1Z1\",\"lines\":[{\"lineId\":\"1\",\"qty\":3}]}");
        assertThat(tooMany.status()).isEqualTo(409);
        assertThat(tooMany.text("detail")).contains("lines[0].qty: 3 more of line 1 would ship 3 of 2 ordered");
        HubClient.Response unknownLine = ship(id, "{\"carrier\":\"UPS\",\"trackingNumber\":\"1Z2\",\"lines\":[{\"lineId\":\"9\",\"qty\":1}]}");
        assertThat(unknownLine.status()).isEqualTo(409);
        assertThat(unknownLine.text("detail")).contains("\"9\" is not a line of order");
        HubClient.Response noCarrier = ship(id, "{\"trackingNumber\":\"1Z3\"}");
        assertThat(noCarrier.status()).isEqualTo(400);
        assertThat(noCarrier.text("detail")).isEqualTo("carrier: is required");
        assertThat(ship(id, "{\"carrier\":\"UPS\",\"trackingNumber\":\"1Z4\",\"shippedAt\":\"today\"}").text("detail"))
                .contains("shippedAt");
        assertThat(ship("oh-000000000000000000000000", "{\"carrier\":\"UPS\",\"trackingNumber\":\"1Z5\"}").status()).isEqualTo(404);
        assertThat(reserved(skuA)).as("nothing refused took stock").isEqualTo(2);

        String backordered = hub.post("/api/channels/webshop/orders", OrderJson.of("BO-" + skuA, skuA, 50)).text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "BACKORDERED".equals(hub.get("/api/orders/" + backordered).text("status")));
        HubClient.Response notReserved = ship(backordered, "{\"carrier\":\"UPS\",\"trackingNumber\":\"1Z6\"}");
        assertThat(notReserved.status()).isEqualTo(409);
        assertThat(notReserved.text("error")).isEqualTo("illegal_transition");
        assertThat(hub.get("/api/orders/" + backordered).body()).contains("TRANSITION_REFUSED");
    }

    @Test
    void twoParcelsForTheSameUnitsAtOnceShipThemOnce() throws Exception {
        String id = reservedOrder("RACE-" + skuA);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            answers.add(pool.submit(() -> {
                go.await();
                return ship(id, "{\"carrier\":\"GLS\",\"trackingNumber\":\"RACE" + n + "\"}").status();
            }));
        }
        go.countDown();
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> answer : answers) {
            statuses.add(answer.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(7);
        assertThat(onHand(skuA)).isEqualTo(8);
        assertThat(onHand(skuB)).isEqualTo(9);
        assertThat(reserved(skuA) + reserved(skuB)).isZero();
    }
}

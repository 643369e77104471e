package dev.orderhub.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * The order-intake route as a spec: what arrives on the queue is imported, parked with its
 * reason, or (after the broker's redeliveries) dead-lettered into the exception store, and
 * the route keeps flowing either way.
 */
@CamelSpringBootTest
// A context of its own (the property makes the cache key differ): advice changes its routes.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "orderhub.test.advised=order-intake")
@ActiveProfiles("test")
@UseAdviceWith
class OrderIntakeRouteTest {

    private static final String QUEUE = "orders.intake";
    private static final String OUTAGE = "SIMULATE-OUTAGE";

    @Autowired
    CamelContext camel;

    @Autowired
    JmsTemplate jms;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    HubClient hub;

    @BeforeEach
    void adviseOnce() throws Exception {
        hub = new HubClient(port);
        if (camel.hasEndpoint("mock://imported") != null) {
            return; // advised by an earlier test of this class
        }
        AdviceWith.adviceWith(camel, "order-intake", route -> {
            // A stand-in for a database outage: fails every batch holding an order marked for it.
            route.weaveAddFirst().filter(exchange -> exchange.getMessage().getBody(IntakeConsumer.Batch.class).messages()
                            .stream().anyMatch(m -> m.text().contains(OUTAGE)))
                    .throwException(new IllegalStateException("database unavailable (simulated)")).end();
            route.weaveAddLast().to("mock:imported");
        });
        if (!camel.isStarted()) {
            camel.start();
        }
    }

    private static String message(String channel, String channelOrderId, String sku) {
        return OrderJson.of(channelOrderId, sku, 1).replaceFirst("\\{", "{\"channel\":\"" + channel + "\",");
    }

    @Test
    void poisonMessageIsParkedWithItsReasonAndTheNextOrderStillFlows() throws Exception {
        String marker = UUID.randomUUID().toString();
        jms.convertAndSend(QUEUE, "{\"channel\":\"webshop\",\"channelOrderId\":\"" + marker + "\",\"lines\":[]}");
        jms.convertAndSend(QUEUE, message("webshop", "OK-" + marker, "SKU-" + marker));

        String okId = HubOrderIds.of("webshop", "OK-" + marker);
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/orders/" + okId).status() == 200);
        JsonNode parked = parkedContaining(marker);
        assertThat(parked.get("source").asText()).isEqualTo("queue:" + QUEUE);
        assertThat(parked.get("status").asText()).isEqualTo("OPEN");
        assertThat(parked.get("reason").asText()).contains("lines: must hold at least one line", "placedAt: is required");
        assertThat(parked.get("payload").asText()).contains(marker);
    }

    @Test
    void notJsonAndUnknownChannelAreParkedToo() throws Exception {
        String marker = UUID.randomUUID().toString();
        jms.convertAndSend(QUEUE, "<order id='" + marker + "'/>");
        jms.convertAndSend(QUEUE, message("no-such-channel", "X-" + marker, "SKU-" + marker));

        await().atMost(Duration.ofSeconds(20)).until(() -> countContaining(marker) == 2);
        assertThat(hub.get("/api/exceptions?source=queue:" + QUEUE).body())
                .contains("not valid JSON").contains("no-such-channel");
    }

    @Test
    void messageFailingEveryDeliveryIsDeadLetteredIntoTheExceptionStoreAndReplayable() throws Exception {
        String marker = UUID.randomUUID().toString();
        String order = message("b2b", "DLQ-" + marker, "SKU-" + marker);
        String healthy = message("b2b", "NEIGHBOUR-" + marker, "SKU-" + marker);
        // max-delivery-attempts is 3 in the test profile: the broker redelivers, then dead-letters.
        NotifyBuilder attempts = new NotifyBuilder(camel).fromRoute("order-intake").whenFailed(3).create();
        NotifyBuilder deadLettered = new NotifyBuilder(camel).fromRoute("dead-letters").whenDone(1).create();

        // The failing order and a healthy one sent together may share a batch: the healthy one
        // is still imported (a redelivery is imported alone), and only the failing one is dead-lettered.
        jms.convertAndSend(QUEUE, order.replace("\"channel\"", "\"note\":\"" + OUTAGE + "\",\"channel\""));
        jms.convertAndSend(QUEUE, healthy);

        assertThat(attempts.matches(20, TimeUnit.SECONDS)).as("three failed deliveries").isTrue();
        assertThat(deadLettered.matches(20, TimeUnit.SECONDS)).isTrue();
        JsonNode parked = parkedContaining(marker);
        assertThat(parked.get("source").asText()).isEqualTo("queue:" + QUEUE);
        assertThat(parked.get("reason").asText()).contains("dead-lettered");
        String hubOrderId = HubOrderIds.of("b2b", "DLQ-" + marker);
        assertThat(hub.get("/api/orders/" + hubOrderId).status()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> hub.get("/api/orders/" + HubOrderIds.of("b2b", "NEIGHBOUR-" + marker)).status() == 200);
        assertThat(countContaining("NEIGHBOUR-" + marker)).as("the healthy neighbour is not dead-lettered").isZero();

        // The outage is over (the replayed payload no longer carries the marker the stand-in fails on).
        jdbc.sql("UPDATE exceptions SET payload = REPLACE(payload, :marker, 'over') WHERE id = :id")
                .param("marker", OUTAGE).param("id", parked.get("id").asLong()).update();
        // Replaying sends the payload back to the intake queue.
        HubClient.Response replay = hub.post("/api/exceptions/" + parked.get("id").asLong() + "/replay", null);
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.text("status")).isEqualTo("REPLAYED");
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/orders/" + hubOrderId).status() == 200);
        assertThat(hub.get("/api/orders/" + hubOrderId).text("status")).isEqualTo("ON_HOLD");

        HubClient.Response again = hub.post("/api/exceptions/" + parked.get("id").asLong() + "/replay", null);
        assertThat(again.status()).isEqualTo(409);
    }

    @Test
    void parkedMessageCanBeDiscardedWithANote() throws Exception {
        String marker = UUID.randomUUID().toString();
        jms.convertAndSend(QUEUE, "{\"channel\":\"webshop\",\"channelOrderId\":\"" + marker + "\"}");
        long id = parkedContaining(marker).get("id").asLong();

        assertThat(hub.post("/api/exceptions/" + id + "/discard", "{}").status()).isEqualTo(400);
        HubClient.Response discarded = hub.post("/api/exceptions/" + id + "/discard", "{\"note\":\"test order from ERP\"}");
        assertThat(discarded.status()).isEqualTo(200);
        assertThat(discarded.text("status")).isEqualTo("DISCARDED");
        assertThat(discarded.text("note")).isEqualTo("test order from ERP");
        assertThat(hub.get("/api/exceptions?status=OPEN").body()).doesNotContain(marker);
        assertThat(hub.get("/api/exceptions/999999999").status()).isEqualTo(404);
        assertThat(hub.get("/api/exceptions?status=WHATEVER").status()).isEqualTo(400);
    }

    private JsonNode parkedContaining(String marker) {
        await().atMost(Duration.ofSeconds(10)).until(() -> countContaining(marker) == 1);
        for (JsonNode item : hub.get("/api/exceptions?limit=500").json().get("items")) {
            if (item.get("payload").asText().contains(marker)) {
                return item;
            }
        }
        throw new AssertionError("no parked exception contains " + marker);
    }

    private int countContaining(String marker) {
        int count = 0;
        for (JsonNode item : hub.get("/api/exceptions?limit=500").json().get("items")) {
            count += item.get("payload").asText().contains(marker) ? 1 : 0;
        }
        return count;
    }
}

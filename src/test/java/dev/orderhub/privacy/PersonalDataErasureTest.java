package dev.orderhub.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import dev.orderhub.messaging.ExceptionStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Personal data is erased on a buyer's request (POST /api/privacy/erasures), whatever the
 * order's status, and by the retention job after the channel's retention days; what
 * accounting needs stays.
 */
@HubTest
// The pos channel keeps personal data 0 days after an order finished: the retention job erases at once.
@TestPropertySource(properties = "orderhub.channels.pos.personalDataRetentionDays=0")
class PersonalDataErasureTest {

    @LocalServerPort
    int port;

    @Autowired
    JmsTemplate jms;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PersonalDataRetention retention;

    HubClient hub;
    String run;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        run = UUID.randomUUID().toString().substring(0, 8);
        sku = "ERASE-" + run;
        hub.setStock(sku, "main", 20);
    }

    private String order(String channel, String channelOrderId, String email) {
        return OrderJson.of(channelOrderId, sku, 1).replace("ada@example.com", email);
    }

    private String post(String channel, String json) {
        HubClient.Response response = hub.post("/api/channels/" + channel + "/orders", json);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String id = response.text("hubOrderId");
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        return id;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> eventTypes(JsonNode order) {
        List<String> types = new ArrayList<>();
        order.get("events").forEach(e -> types.add(e.get("type").asText()));
        return types;
    }

    private static void assertErased(JsonNode order) {
        assertThat(order.has("buyer")).as(order.toString()).isFalse();
        assertThat(order.get("shipTo").get("country").asText()).isEqualTo("NL");
        assertThat(order.get("shipTo").has("name")).isFalse();
        assertThat(order.get("shipTo").has("line1")).isFalse();
        assertThat(order.get("shipTo").has("city")).isFalse();
        assertThat(order.get("shipTo").has("postalCode")).isFalse();
        assertThat(order.get("personalDataErasedAt").asText()).isNotBlank();
        assertThat(eventTypes(order)).contains("PERSONAL_DATA_ERASED");
        // What accounting needs stays.
        assertThat(order.get("lines").get(0).get("unitPrice").decimalValue()).isEqualByComparingTo("19.95");
        assertThat(order.get("totals").get("total").decimalValue()).isEqualByComparingTo("23.41");
        assertThat(order.get("channelOrderId").asText()).isNotBlank();
    }

    @Test
    void aBuyersRequestErasesEveryOrderOfTheEmailAndTheParkedPayloadsThatHoldIt() {
        String email = "forget.me." + run + "@example.com";
        String reserved = post("webshop", order("webshop", "ER-1-" + run, email));
        String cancelled = post("pos", order("pos", "ER-2-" + run, email));
        assertThat(hub.post("/api/orders/" + cancelled + "/cancel", "{\"reason\":\"buyer asked\"}").status()).isEqualTo(200);
        String someoneElse = post("webshop", order("webshop", "ER-3-" + run, "keep." + run + "@example.com"));
        // An invalid order of the same buyer, parked with its payload.
        jms.convertAndSend("orders.intake", order("webshop", "ER-4-" + run, email).replace("{\"channelOrderId\"",
                "{\"channel\":\"webshop\",\"channelOrderId\"").replace("\"qty\":1", "\"qty\":0"));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("SELECT COUNT(*) FROM exceptions WHERE payload LIKE :m")
                .param("m", "%ER-4-" + run + "%").query(Long.class).single() == 1);
        long parkedId = jdbc.sql("SELECT id FROM exceptions WHERE payload LIKE :m").param("m", "%ER-4-" + run + "%")
                .query(Long.class).single();

        HubClient.Response answer = hub.post("/api/privacy/erasures",
                "{\"email\":\"" + email.toUpperCase() + "\",\"reason\":\"GDPR art. 17 request 42\"}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(texts(answer.json().get("erasedOrders"))).containsExactlyInAnyOrder(reserved, cancelled);
        assertThat(answer.json().get("exceptionPayloads").asInt()).isEqualTo(1);
        assertErased(hub.get("/api/orders/" + reserved).json());
        assertErased(hub.get("/api/orders/" + cancelled).json());
        assertThat(hub.get("/api/orders/" + reserved).json().get("status").asText()).isEqualTo("RESERVED");
        JsonNode kept = hub.get("/api/orders/" + someoneElse).json();
        assertThat(kept.get("buyer").get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(kept.has("personalDataErasedAt")).isFalse();
        JsonNode parked = hub.get("/api/exceptions/" + parkedId).json();
        assertThat(parked.get("payload").asText()).isEqualTo(ExceptionStore.ERASED_PAYLOAD).doesNotContain(email);
        assertThat(parked.get("status").asText()).isEqualTo("DISCARDED");
        assertThat(parked.get("reason").asText()).contains("lines[0].qty");

        // By order id: the same orders again are reported as erased before, an unknown id as unknown.
        HubClient.Response again = hub.post("/api/privacy/erasures",
                "{\"hubOrderIds\":[\"" + reserved + "\",\"oh-nosuchorder\"],\"reason\":\"repeat\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(texts(again.json().get("erasedOrders"))).isEmpty();
        assertThat(texts(again.json().get("alreadyErased"))).containsExactly(reserved);
        assertThat(texts(again.json().get("unknownOrders"))).containsExactly("oh-nosuchorder");
    }

    @Test
    void aBadErasureRequestIs400NamingTheField() {
        assertBad("{\"reason\":\"x\"}", "email, hubOrderIds: at least one is required");
        assertBad("{\"email\":\"a@b.c\"}", "reason: is required");
        assertBad("{\"email\":5,\"reason\":\"x\"}", "email: must be a non-blank string");
        assertBad("{\"email\":\"a@b.c\",\"reason\":\"" + "r".repeat(501) + "\"}", "reason: at most 500 characters, was 501");
        assertBad("{\"hubOrderIds\":\"oh-1\",\"reason\":\"x\"}", "hubOrderIds: must be an array of order ids");
        assertBad("{\"hubOrderIds\":[\"oh-1\",7],\"reason\":\"x\"}", "hubOrderIds[1]: must be a non-blank string");
        assertBad("{\"email\":\"a\\u0000@b.c\",\"reason\":\"x\"}", "email: must be printable text");
        assertBad("[1]", "body: must be a JSON object");
    }

    private void assertBad(String body, String detail) {
        HubClient.Response response = hub.post("/api/privacy/erasures", body);
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.text("error")).isEqualTo("invalid_field");
        assertThat(response.text("detail")).startsWith(detail);
    }

    @Test
    void theRetentionJobErasesFinishedOrdersAfterTheirChannelsRetentionDays() {
        String finished = post("pos", order("pos", "RT-1-" + run, "rt1." + run + "@example.com"));
        assertThat(hub.post("/api/orders/" + finished + "/cancel", "{\"reason\":\"buyer asked\"}").status()).isEqualTo(200);
        String shipped = post("pos", order("pos", "RT-2-" + run, "rt2." + run + "@example.com"));
        assertThat(hub.post("/api/orders/" + shipped + "/shipments", "{\"carrier\":\"DHL\",\"trackingNumber\":\"RT" + run + "\"}")
                .status()).isEqualTo(201);
        String open = post("pos", order("pos", "RT-3-" + run, "rt3." + run + "@example.com"));
        // webshop keeps the hub-wide 90 days.
        String otherChannel = post("webshop", order("webshop", "RT-4-" + run, "rt4." + run + "@example.com"));
        assertThat(hub.post("/api/orders/" + otherChannel + "/cancel", "{\"reason\":\"buyer asked\"}").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            retention.eraseDue();
            assertErased(hub.get("/api/orders/" + finished).json());
            assertErased(hub.get("/api/orders/" + shipped).json());
        });
        assertThat(eventTypes(hub.get("/api/orders/" + shipped).json())).contains("SHIPPED");
        assertThat(hub.get("/api/orders/" + shipped + "/shipments").body()).contains("RT" + run);
        assertThat(hub.get("/api/orders/" + open).json().get("buyer").get("email").asText()).isEqualTo("rt3." + run + "@example.com");
        assertThat(hub.get("/api/orders/" + otherChannel).json().get("buyer").get("email").asText())
                .isEqualTo("rt4." + run + "@example.com");
    }
}

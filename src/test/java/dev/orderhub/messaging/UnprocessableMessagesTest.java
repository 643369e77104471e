package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/**
 * Whatever reaches the intake queue or its dead-letter queue is parked with its reason and
 * never loops: an ObjectMessage (parked by its type, never deserialised), a message larger
 * than the exception store keeps (truncated, its size stated), bytes that are not UTF-8
 * (kept as base64, replayed as the original bytes).
 */
@HubTest
class UnprocessableMessagesTest {

    static final String INTAKE = "orders.intake";
    static final String DLQ = "DLQ.orders.intake";

    @Autowired
    JmsTemplate jms;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    EmbeddedActiveMQ broker;

    @Autowired
    ConnectionFactory connectionFactory;

    @LocalServerPort
    int port;

    HubClient hub;

    @BeforeEach
    void client() {
        hub = new HubClient(port);
    }

    @Test
    void objectMessagesAreParkedByTheirTypeAndNeverDeserialised() {
        long before = lastId();
        Tripwire.DESERIALISED.set(0);
        jms.send(DLQ, session -> session.createObjectMessage(new Tripwire("to the DLQ")));
        jms.send(INTAKE, session -> session.createObjectMessage(new Tripwire("to the intake queue")));

        List<Map<String, Object>> parked = awaitParked(before, 2);
        assertThat(parked).allSatisfy(row -> assertThat((String) row.get("reason")).contains("ObjectMessage"));
        assertThat(parked).extracting(row -> row.get("source")).containsExactlyInAnyOrder("queue:" + DLQ, "queue:" + INTAKE);
        assertNothingLoops(before, 2);
        assertThat(Tripwire.DESERIALISED.get()).as("readObject of the class sent").isZero();
        long id = ((Number) parked.get(0).get("id")).longValue();
        assertThat(hub.post("/api/exceptions/" + id + "/replay", null).status()).isEqualTo(409);
    }

    @Test
    void theHubsConnectionFactoryDeniesEveryClassToDeserialisation() {
        ConnectionFactory target = ((CachingConnectionFactory) connectionFactory).getTargetConnectionFactory();
        assertThat(((ActiveMQConnectionFactory) target).getDeserializationDenyList()).isEqualTo("*");
    }

    @Test
    void aTwoMegabyteMessageIsParkedTruncatedWithItsSizeStated() {
        long before = lastId();
        String marker = UUID.randomUUID().toString();
        String huge = marker + "x".repeat(2 * 1024 * 1024 - marker.length());
        jms.convertAndSend(DLQ, huge);
        byte[] hugeBytes = huge.getBytes(StandardCharsets.UTF_8);
        jms.send(INTAKE, session -> {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(hugeBytes);
            return message;
        });

        List<Map<String, Object>> parked = awaitParked(before, 2);
        assertNothingLoops(before, 2);
        for (Map<String, Object> row : parked) {
            JsonNode entry = hub.get("/api/exceptions/" + row.get("id")).json();
            assertThat(entry.get("payloadTruncated").asBoolean()).isTrue();
            assertThat(entry.get("payloadSize").asLong()).isEqualTo(2L * 1024 * 1024);
            assertThat(entry.get("payloadEncoding").asText()).isEqualTo("text");
            assertThat(entry.get("payload").asText()).startsWith(marker).hasSize(262144);
            HubClient.Response replay = hub.post("/api/exceptions/" + row.get("id") + "/replay", null);
            assertThat(replay.status()).isEqualTo(409);
            assertThat(replay.text("detail")).contains("truncated", "2097152 bytes");
        }
        assertThat(parked).extracting(row -> (String) row.get("reason"))
                .anySatisfy(reason -> assertThat(reason).contains("dead-lettered"))
                .anySatisfy(reason -> assertThat(reason).contains("body: 2097152 bytes, more than the 1048576"));
    }

    @Test
    void bytesThatAreNotUtf8AreKeptAsBase64AndReplayedAsTheOriginalBytes() {
        long before = lastId();
        byte[] original = new byte[300];
        for (int i = 0; i < original.length; i++) {
            original[i] = (byte) (i * 7 + 0x80);
        }
        jms.send(INTAKE, session -> {
            BytesMessage message = session.createBytesMessage();
            message.writeBytes(original);
            return message;
        });
        Map<String, Object> parked = awaitParked(before, 1).get(0);
        JsonNode entry = hub.get("/api/exceptions/" + parked.get("id")).json();
        assertThat(entry.get("reason").asText()).contains("not valid UTF-8");
        assertThat(entry.get("payloadEncoding").asText()).isEqualTo("base64");
        assertThat(entry.get("payloadTruncated").asBoolean()).isFalse();
        assertThat(entry.get("payloadSize").asLong()).isEqualTo(300);
        assertThat(Base64.getDecoder().decode(entry.get("payload").asText())).isEqualTo(original);

        long beforeReplay = lastId();
        assertThat(hub.post("/api/exceptions/" + parked.get("id") + "/replay", null).status()).isEqualTo(200);
        // Replayed as the same bytes: parked again for the same reason, with the same payload.
        Map<String, Object> again = awaitParked(beforeReplay, 1).get(0);
        assertThat(Base64.getDecoder().decode((String) again.get("payload"))).isEqualTo(original);
        assertThat(Arrays.equals(original, Base64.getDecoder().decode((String) again.get("payload")))).isTrue();
    }

    private long lastId() {
        return jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM exceptions").query(Long.class).single();
    }

    private List<Map<String, Object>> awaitParked(long after, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> parkedAfter(after).size() >= count);
        return parkedAfter(after);
    }

    private List<Map<String, Object>> parkedAfter(long after) {
        return jdbc.sql("SELECT id, source, reason, payload FROM exceptions WHERE id > :after ORDER BY id")
                .param("after", after).query().listOfRows();
    }

    /** The dead-letter queue and the intake queue are empty, and nothing is parked a second time. */
    private void assertNothingLoops(long after, int parked) {
        await().atMost(Duration.ofSeconds(30)).until(() -> messages(DLQ) == 0 && messages(INTAKE) == 0);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> parkedAfter(after).size() == parked);
    }

    private long messages(String queue) {
        return broker.getActiveMQServer().locateQueue(queue).getMessageCount();
    }
}

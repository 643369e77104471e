package dev.orderhub.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubPostgresTest;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jms.core.JmsTemplate;

/** PostgreSQL text cannot hold NUL: a message with NUL characters is parked (escaped) all the same, and never loops. */
@HubPostgresTest
class UnprocessableMessagesPostgresTest {

    @Autowired
    JmsTemplate jms;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    EmbeddedActiveMQ broker;

    @LocalServerPort
    int port;

    @Test
    void aMessageWithNulCharactersIsParkedEscapedOnPostgres() {
        long before = jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM exceptions").query(Long.class).single();
        String marker = UUID.randomUUID().toString();
        String withNul = "{\"channel\":\"webshop\",\"channelOrderId\":\"" + marker + "\u0000\",\"note\":\"\u0000\"}";
        jms.convertAndSend("orders.intake", withNul);
        jms.convertAndSend("DLQ.orders.intake", withNul);

        await().atMost(Duration.ofSeconds(30)).until(() -> parkedAfter(before).size() >= 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> messages("DLQ.orders.intake") == 0 && messages("orders.intake") == 0);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> parkedAfter(before).size() == 2);
        HubClient hub = new HubClient(port);
        for (Map<String, Object> row : parkedAfter(before)) {
            JsonNode entry = hub.get("/api/exceptions/" + row.get("id")).json();
            assertThat(entry.get("payload").asText()).contains(marker + "\\u0000").doesNotContain("\u0000");
            assertThat(entry.get("payloadEncoding").asText()).isEqualTo("text-escaped");
            assertThat(entry.get("reason").asText()).doesNotContain("\u0000");
            assertThat(hub.post("/api/exceptions/" + row.get("id") + "/replay", null).status()).isEqualTo(409);
        }
    }

    private List<Map<String, Object>> parkedAfter(long after) {
        return jdbc.sql("SELECT id FROM exceptions WHERE id > :after ORDER BY id").param("after", after).query().listOfRows();
    }

    private long messages(String queue) {
        return broker.getActiveMQServer().locateQueue(queue).getMessageCount();
    }
}

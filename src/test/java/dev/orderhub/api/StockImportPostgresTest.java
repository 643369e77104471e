package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubPostgresTest;
import dev.orderhub.retention.Retention;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The streamed import and its retention on PostgreSQL: the same SQL must hold there. */
@HubPostgresTest
class StockImportPostgresTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Retention retention;

    @Test
    void importsQueueRunRejectAndAreDeletedWhenOld() {
        HubClient hub = new HubClient(port);
        String prefix = "PG-" + UUID.randomUUID().toString().substring(0, 8);
        HubClient.Response first = hub.send("POST", "/api/stock/imports", "text/csv",
                ("sku,location,onHand\n" + prefix + "-1,main,4\n" + prefix + "-2,attic,1\n\n" + prefix + "-3,main,x\n")
                        .getBytes(StandardCharsets.UTF_8));
        HubClient.Response second = hub.send("POST", "/api/stock/imports", "text/csv",
                ("sku,location,onHand\n" + prefix + "-4,main,9\n").getBytes(StandardCharsets.UTF_8));
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(second.status()).as(second.body()).isEqualTo(202);
        String a = first.text("importId");
        String b = second.text("importId");

        await().atMost(Duration.ofSeconds(30)).until(() -> "DONE".equals(hub.get("/api/stock/imports/" + b).text("status")));
        JsonNode one = hub.get("/api/stock/imports/" + a).json();
        JsonNode two = hub.get("/api/stock/imports/" + b).json();
        assertThat(one.get("status").asText()).isEqualTo("DONE");
        assertThat(one.get("rowsTotal").asInt()).isEqualTo(3);
        assertThat(one.get("rejectedCount").asInt()).isEqualTo(2);
        assertThat(one.get("rejected").get(1).get("line").asInt()).isEqualTo(5);
        assertThat(Instant.parse(two.get("startedAt").asText())).isAfterOrEqualTo(Instant.parse(one.get("finishedAt").asText()));
        assertThat(hub.get("/api/stock/" + prefix + "-4").json().get("onHand").asLong()).isEqualTo(9);

        jdbc.sql("UPDATE stock_imports SET finished_at = finished_at - INTERVAL '400 days' WHERE id = :id").param("id", a).update();
        jdbc.sql("UPDATE stock_movements SET at = at - INTERVAL '400 days' WHERE sku = :sku").param("sku", prefix + "-1").update();
        retention.run();
        assertThat(hub.get("/api/stock/imports/" + a).status()).isEqualTo(404);
        assertThat(hub.get("/api/stock/imports/" + b).status()).isEqualTo(200);
        assertThat(hub.get("/api/stock/" + prefix + "-1/history").json().get("items")).isEmpty();
        assertThat(hub.get("/api/stock/" + prefix + "-4/history").json().get("items")).hasSize(1);
    }
}

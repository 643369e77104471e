package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Bulk CSV stock files and the per-sku history. */
@HubTest
class StockImportTest {

    @LocalServerPort
    int port;

    HubClient hub;
    String prefix;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        prefix = "CSV-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private HubClient.Response postCsv(String csv) {
        return hub.send("POST", "/api/stock/imports", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void goodRowsAreAppliedAndBadRowsReportedByLineNumber() {
        String csv = String.join("\n",
                "sku,location,onHand",
                prefix + "-1,main,12",
                prefix + "-2,attic,3",
                prefix + "-3,main,lots",
                prefix + "-4,main",
                ",main,4",
                "",
                prefix + "-5,main,-1",
                prefix + "-6,main,0") + "\n";

        HubClient.Response started = postCsv(csv);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.text("importId");

        await().atMost(Duration.ofSeconds(20)).until(() -> "DONE".equals(hub.get("/api/stock/imports/" + id).text("status")));
        JsonNode progress = hub.get("/api/stock/imports/" + id).json();
        assertThat(progress.get("rowsTotal").asInt()).isEqualTo(7);
        assertThat(progress.get("rowsDone").asInt()).isEqualTo(7);
        List<Integer> lines = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        progress.get("rejected").forEach(r -> {
            lines.add(r.get("line").asInt());
            reasons.add(r.get("reason").asText());
        });
        assertThat(lines).containsExactly(3, 4, 5, 6, 8);
        assertThat(reasons.get(0)).contains("location \"attic\" is not configured");
        assertThat(reasons.get(1)).contains("onHand \"lots\" is not a whole number");
        assertThat(reasons.get(2)).contains("expected 3 fields");
        assertThat(reasons.get(3)).contains("sku: is blank");
        assertThat(reasons.get(4)).contains("onHand -1 must be between 0");

        assertThat(hub.get("/api/stock/" + prefix + "-1").json().get("onHand").asLong()).isEqualTo(12);
        assertThat(hub.get("/api/stock/" + prefix + "-6").json().get("onHand").asLong()).isZero();
        assertThat(hub.get("/api/stock/" + prefix + "-2").status()).isEqualTo(404);
    }

    @Test
    void fileWithoutTheHeaderIsRefusedAtOnce() {
        HubClient.Response refused = postCsv("sku;location;onHand\nA;main;1\n");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text("detail")).contains("sku,location,onHand");
        assertThat(hub.send("POST", "/api/stock/imports", "application/json", "{}".getBytes()).status()).isEqualTo(415);
        assertThat(hub.get("/api/stock/imports/nope").status()).isEqualTo(404);
    }

    @Test
    void historyShowsWhatChangedWhyAndByWhom() {
        String sku = prefix + "-H";
        HubClient.Response counted = hub.send("PUT", "/api/stock/" + sku + "/locations/main", "application/json",
                "{\"onHand\": 8, \"reason\": \"cycle count\"}".getBytes());
        assertThat(counted.status()).isEqualTo(200);
        hub.post("/api/stock/adjustments", "{\"sku\":\"" + sku + "\",\"location\":\"main\",\"delta\":-3,\"reason\":\"damage\"}");

        JsonNode history = hub.get("/api/stock/" + sku + "/history").json();
        JsonNode items = history.get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("kind").asText()).isEqualTo("COUNT");
        assertThat(items.get(0).get("reason").asText()).isEqualTo("cycle count");
        assertThat(items.get(0).get("actor").asText()).isEqualTo("api");
        assertThat(items.get(0).get("onHandAfter").asLong()).isEqualTo(8);
        assertThat(items.get(1).get("onHandDelta").asLong()).isEqualTo(-3);
        assertThat(items.get(1).get("reason").asText()).isEqualTo("damage");
        assertThat(history.get("next").isNull()).isTrue();
        assertThat(hub.get("/api/stock/NEVER-SEEN/history").status()).isEqualTo(404);
    }
}

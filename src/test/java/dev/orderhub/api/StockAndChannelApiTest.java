package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The configuration and stock parts of API contract v1, and health. */
@HubTest
class StockAndChannelApiTest {

    @LocalServerPort
    int port;

    HubClient hub;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        sku = "API-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void freshConfigurationHasFourNativeChannelsServedByMain() {
        List<String> channels = new ArrayList<>();
        hub.get("/api/channels").json().forEach(c -> {
            channels.add(c.get("id").asText());
            assertThat(c.get("locations").toString()).isEqualTo("[\"main\"]");
        });
        assertThat(channels).containsExactly("webshop", "b2b", "pos", "manual");
        JsonNode locations = hub.get("/api/locations").json();
        assertThat(locations).hasSize(1);
        assertThat(locations.get(0).get("id").asText()).isEqualTo("main");
        assertThat(hub.get("/api/channels/webshop").text("id")).isEqualTo("webshop");

        HubClient.Response unknown = hub.get("/api/channels/ebay-uk");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("error")).isEqualTo("not_found");
        assertThat(unknown.text("detail")).contains("ebay-uk");
        assertThat(hub.get("/api/locations/nowhere").status()).isEqualTo(404);
    }

    @Test
    void countsAndDeltasShowInStockPerLocationAndChannel() {
        assertThat(hub.get("/api/stock/" + sku).status()).isEqualTo(404);

        HubClient.Response counted = hub.put("/api/stock/" + sku + "/locations/main", "{\"onHand\": 12}");
        assertThat(counted.status()).isEqualTo(200);
        HubClient.Response adjusted = hub.post("/api/stock/adjustments",
                "{\"sku\":\"" + sku + "\",\"location\":\"main\",\"delta\":-2,\"reason\":\"damage\"}");
        assertThat(adjusted.status()).isEqualTo(200);

        JsonNode stock = hub.get("/api/stock/" + sku).json();
        assertThat(stock.get("sku").asText()).isEqualTo(sku);
        assertThat(stock.get("onHand").asLong()).isEqualTo(10);
        assertThat(stock.get("reserved").asLong()).isZero();
        assertThat(stock.get("available").asLong()).isEqualTo(10);
        assertThat(stock.get("locations").get(0).get("location").asText()).isEqualTo("main");
        assertThat(stock.get("locations").get(0).get("available").asLong()).isEqualTo(10);
        JsonNode webshop = stock.get("channels").get(0);
        assertThat(webshop.get("channel").asText()).isEqualTo("webshop");
        assertThat(webshop.get("availableToSell").asLong()).isEqualTo(10);
        assertThat(webshop.has("lastPushed")).isTrue();
        assertThat(webshop.has("lastPushedAt")).isTrue();
    }

    @Test
    void badStockInputIsRefusedNamingTheField() {
        hub.setStock(sku, "main", 1);
        assertError(hub.put("/api/stock/" + sku + "/locations/main", "{\"onHand\": -1}"), 400, "onHand: must be between 0");
        assertError(hub.put("/api/stock/" + sku + "/locations/main", "{\"onHand\": \"ten\"}"), 400, "onHand: must be a whole number");
        assertError(hub.put("/api/stock/" + sku + "/locations/main", "{}"), 400, "onHand: is required");
        assertError(hub.put("/api/stock/" + sku + "/locations/attic", "{\"onHand\": 1}"), 404, "location \"attic\"");
        assertError(hub.post("/api/stock/adjustments", "{\"sku\":\"" + sku + "\",\"location\":\"main\",\"delta\":-5,"
                + "\"reason\":\"damage\"}"), 409, "would take onHand from 1 to -4");
        assertError(hub.post("/api/stock/adjustments", "{\"sku\":\"" + sku + "\",\"location\":\"main\",\"delta\":3}"), 400,
                "reason: is required");
        assertError(hub.post("/api/stock/adjustments", "{\"sku\":\"" + sku + "\",\"location\":\"main\",\"delta\":0,"
                + "\"reason\":\"x\"}"), 400, "delta: must not be 0");
        assertError(hub.send("PUT", "/api/stock/" + sku + "/locations/main", "text/csv", "1".getBytes()), 415, "Content-Type");
        assertThat(hub.get("/api/stock/" + sku).json().get("onHand").asLong()).isEqualTo(1);
    }

    @Test
    void healthIsUpWithDatabaseAndBroker() {
        JsonNode health = hub.get("/actuator/health").json();
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("components").get("db").get("status").asText()).isEqualTo("UP");
        assertThat(health.get("components").get("jms").get("status").asText()).isEqualTo("UP");
    }

    @Test
    void aSkusReservationsArePagedOldestFirstWithACursor() {
        hub.setStock(sku, "main", 10);
        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            HubClient.Response answer = hub.post("/api/channels/webshop/orders", dev.orderhub.OrderJson.of(sku + "-" + i, sku, 1));
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            placed.add(answer.text("hubOrderId"));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> hub.get("/api/stock/" + sku).json().get("reserved").asLong() == 5);

        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            HubClient.Response page = hub.get("/api/stock/" + sku + "/reservations?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            sizes.add(page.json().get("items").size());
            page.json().get("items").forEach(r -> seen.add(r.get("hubOrderId").asText()));
            cursor = page.json().get("next").isNull() ? null : page.json().get("next").asText();
        } while (cursor != null && sizes.size() < 10);
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(placed).doesNotHaveDuplicates();
        assertThat(hub.get("/api/stock/" + sku + "/reservations").json().get("items")).as("50 a page by default").hasSize(5);

        assertError(hub.get("/api/stock/" + sku + "/reservations?cursor=bm90LWEtY3Vyc29y"), 400, "cursor: is not a cursor");
        String skuCursor = hub.get("/api/stock?limit=1").text("next");
        assertError(hub.get("/api/stock/" + sku + "/reservations?cursor=" + skuCursor), 400, "cursor: is not a cursor");
        assertError(hub.get("/api/stock/" + sku + "/reservations?limit=0"), 400, "limit: must be between 1 and 500");
    }

    private static void assertError(HubClient.Response response, int status, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.text("error")).isNotBlank();
        assertThat(response.text("detail")).contains(detail);
    }
}

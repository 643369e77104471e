package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;

/**
 * Bad input gets a 4xx with {"error", "detail"} naming the field and the problem, and nothing
 * is stored: no BAD-* order appears in the channel and nothing in the exception store.
 */
@HubTest
class BadInputTest {

    /** Orders in this test go to the pos channel only; every case must leave it without orders. */
    private static final String CHANNEL = "pos";
    private static final String VALID = OrderJson.of("BAD-1", "SKU-BAD", 1);

    @LocalServerPort
    int port;

    HubClient hub;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
    }

    static Stream<Arguments> badOrders() {
        return Stream.of(
                bad("malformed JSON", "{\"channelOrderId\": ", 400, "invalid_json", "not valid JSON at line 1"),
                bad("trailing garbage", VALID + " {}", 400, "invalid_json", "body"),
                bad("duplicate key", "{\"channelOrderId\":\"a\",\"channelOrderId\":\"b\"}", 400, "invalid_json", "Duplicate field"),
                bad("empty body", "", 400, "invalid_json", "empty"),
                bad("array instead of object", "[1,2]", 400, "invalid_order", "body: must be a JSON object"),
                bad("missing channelOrderId", VALID.replace("\"channelOrderId\":\"BAD-1\",", ""), 400, "invalid_order",
                        "channelOrderId: is required"),
                bad("blank channelOrderId", VALID.replace("\"BAD-1\"", "\"  \""), 400, "invalid_order", "channelOrderId: is blank"),
                bad("channelOrderId not a string", VALID.replace("\"BAD-1\"", "42"), 400, "invalid_order",
                        "channelOrderId: must be a string"),
                bad("missing placedAt", VALID.replace("\"placedAt\":\"2026-11-26T09:30:00Z\",", ""), 400, "invalid_order",
                        "placedAt: is required"),
                bad("placedAt not a date", VALID.replace("2026-11-26T09:30:00Z", "yesterday"), 400, "invalid_order",
                        "placedAt: \"yesterday\" is not an ISO-8601"),
                bad("unknown currency", VALID.replace("\"EUR\"", "\"XYZ\""), 400, "invalid_order",
                        "currency: \"XYZ\" is not an ISO 4217"),
                bad("missing currency", VALID.replace("\"currency\":\"EUR\",", ""), 400, "invalid_order", "currency: is required"),
                bad("missing shipTo", VALID.replaceAll("\"shipTo\":\\{[^}]*},", ""), 400, "invalid_order", "shipTo: is required"),
                bad("blank shipTo.city", VALID.replace("\"Amsterdam\"", "\"\""), 400, "invalid_order", "shipTo.city: is blank"),
                bad("unknown country", VALID.replace("\"NL\"", "\"XX\""), 400, "invalid_order",
                        "shipTo.country: \"XX\" is not an ISO 3166-1"),
                bad("missing lines", VALID.replaceAll(",\"lines\":\\[.*]", ""), 400, "invalid_order", "lines: is required"),
                bad("empty lines", VALID.replaceAll("\"lines\":\\[.*]", "\"lines\":[]"), 400, "invalid_order",
                        "lines: must hold at least one line"),
                bad("blank sku", VALID.replace("\"SKU-BAD\"", "\" \""), 400, "invalid_order", "lines[0].sku: is blank"),
                bad("qty zero", VALID.replace("\"qty\":1", "\"qty\":0"), 400, "invalid_order",
                        "lines[0].qty: must be between 1 and 10000, was 0"),
                bad("qty negative", VALID.replace("\"qty\":1", "\"qty\":-3"), 400, "invalid_order",
                        "lines[0].qty: must be between 1 and 10000, was -3"),
                bad("qty absurdly large", VALID.replace("\"qty\":1", "\"qty\":1000000"), 400, "invalid_order",
                        "lines[0].qty: must be between 1 and 10000, was 1000000"),
                bad("qty beyond int", VALID.replace("\"qty\":1", "\"qty\":99999999999999999999"), 400, "invalid_order",
                        "lines[0].qty: must be a whole number"),
                bad("qty as string", VALID.replace("\"qty\":1", "\"qty\":\"1\""), 400, "invalid_order",
                        "lines[0].qty: must be a whole number"),
                bad("qty fractional", VALID.replace("\"qty\":1", "\"qty\":1.5"), 400, "invalid_order",
                        "lines[0].qty: must be a whole number"),
                bad("negative price", VALID.replace("19.95", "-1"), 400, "invalid_order", "lines[0].unitPrice: must be between 0"),
                bad("duplicate lineId", OrderJson.order("BAD-2").line("A", 1).line("B", 1).json().replace("\"lineId\":\"2\"",
                        "\"lineId\":\"1\""), 400, "invalid_order", "lines[1].lineId: \"1\" appears twice"),
                bad("several problems at once", VALID.replace("\"EUR\"", "\"XYZ\"").replace("\"qty\":1", "\"qty\":0"), 400,
                        "invalid_order", "currency: \"XYZ\" is not an ISO 4217 currency code; lines[0].qty"));
    }

    private static Arguments bad(String name, String body, int status, String error, String detail) {
        return Arguments.of(name, body, status, error, detail);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOrders")
    void badOrderIsRefusedNamingTheProblemAndNothingIsStored(String name, String body, int status, String error,
                                                              String detail) {
        HubClient.Response response = hub.post("/api/channels/" + CHANNEL + "/orders", body);

        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.text("error")).isEqualTo(error);
        assertThat(response.text("detail")).contains(detail);
        assertNothingStored();
    }

    @ParameterizedTest(name = "content type {0}")
    @MethodSource("wrongContentTypes")
    void wrongContentTypeIs415(String contentType) {
        HubClient.Response response = hub.send("POST", "/api/channels/" + CHANNEL + "/orders", contentType,
                VALID.getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.text("error")).isEqualTo("unsupported_media_type");
        assertThat(response.text("detail")).contains("application/json");
        assertNothingStored();
    }

    static Stream<String> wrongContentTypes() {
        return Stream.of("text/plain", "application/xml", "application/x-www-form-urlencoded", null);
    }

    @org.junit.jupiter.api.Test
    void oversizedBodyIs413() {
        String padding = "x".repeat(300_000);
        String body = VALID.replace("\"Ada Lovelace\",\"email\"", "\"" + padding + "\",\"email\"");
        HubClient.Response response = hub.post("/api/channels/" + CHANNEL + "/orders", body);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.text("error")).isEqualTo("body_too_large");
        assertThat(response.text("detail")).contains("at most 262144 bytes");
        assertNothingStored();
    }

    @org.junit.jupiter.api.Test
    void invalidUtf8Is400() {
        byte[] body = VALID.replace("Amsterdam", "Amst__dam").getBytes(StandardCharsets.UTF_8);
        int at = new String(body, StandardCharsets.UTF_8).indexOf("__");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28; // not a continuation byte
        HubClient.Response response = hub.send("POST", "/api/channels/" + CHANNEL + "/orders", "application/json", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text("error")).isEqualTo("invalid_json");
        assertThat(response.text("detail")).contains("UTF-8");
        assertNothingStored();
    }

    @org.junit.jupiter.api.Test
    void deeplyNestedJsonIs400() {
        String body = "{\"buyer\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        HubClient.Response response = hub.post("/api/channels/" + CHANNEL + "/orders", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text("error")).isEqualTo("invalid_json");
        assertThat(response.text("detail")).contains("nesting depth");
        assertNothingStored();
    }

    @org.junit.jupiter.api.Test
    void unknownChannelIs404AndWrongMethodIs405() {
        HubClient.Response unknown = hub.post("/api/channels/no-such-channel/orders", VALID);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("detail")).contains("no-such-channel");

        HubClient.Response method = hub.send("DELETE", "/api/channels/" + CHANNEL + "/orders", null, null);
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.text("error")).isEqualTo("method_not_allowed");
        assertNothingStored();
    }

    /**
     * Everything hostile at once, from many clients, with valid orders in between: every hostile
     * request gets its 4xx, every valid order is accepted, and the hub is still healthy.
     */
    @org.junit.jupiter.api.Test
    void aHostileBarrageInParallelLeavesTheHubHealthyAndValidOrdersFlowing() throws Exception {
        byte[] invalidUtf8 = VALID.getBytes(StandardCharsets.UTF_8);
        invalidUtf8[VALID.indexOf("Amsterdam")] = (byte) 0xFF;
        java.util.List<java.util.Map.Entry<byte[], Integer>> hostile = java.util.List.of(
                java.util.Map.entry(VALID.replace("\"Ada Lovelace\"", "\"" + "x".repeat(300_000) + "\"").getBytes(StandardCharsets.UTF_8), 413),
                java.util.Map.entry(("{\"buyer\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8), 400),
                java.util.Map.entry(invalidUtf8, 400),
                java.util.Map.entry(VALID.replace("\"qty\":1", "\"qty\":\"one\"").getBytes(StandardCharsets.UTF_8), 400),
                java.util.Map.entry(VALID.replace("\"qty\":1", "\"qty\":-5").getBytes(StandardCharsets.UTF_8), 400),
                java.util.Map.entry("{\"channelOrderId\":{\"$gt\":\"\"}}".getBytes(StandardCharsets.UTF_8), 400),
                java.util.Map.entry("\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8), 400));
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(16);
        java.util.List<java.util.concurrent.Future<String>> outcomes = new java.util.ArrayList<>();
        String marker = java.util.UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 140; i++) {
            int n = i;
            outcomes.add(clients.submit(() -> {
                if (n % 7 == 6) {
                    String valid = OrderJson.of("BARRAGE-" + marker + "-" + n, "SKU-BARRAGE", 1);
                    int status = hub.post("/api/channels/webshop/orders", valid).status();
                    return status == 202 ? "ok" : "valid order answered " + status;
                }
                java.util.Map.Entry<byte[], Integer> attack = hostile.get(n % hostile.size());
                HubClient.Response response;
                try {
                    response = hub.send("POST", "/api/channels/" + CHANNEL + "/orders", "application/json", attack.getKey());
                } catch (IllegalStateException closed) {
                    // Too large: the server may answer 413 and close before the client has sent it all (HTTP
                    // allows it), so under load the client can see the connection closed instead of the 413.
                    return attack.getValue() == 413 ? "ok" : "hostile case " + (n % hostile.size()) + " failed: " + closed;
                }
                boolean clean = response.status() == attack.getValue() && response.json() != null
                        && response.text("error") != null && !response.body().contains("at dev.orderhub");
                return clean ? "ok" : "hostile case " + (n % hostile.size()) + " answered " + response.status() + " " + response.body();
            }));
        }
        for (java.util.concurrent.Future<String> outcome : outcomes) {
            assertThat(outcome.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("ok");
        }
        clients.shutdown();
        assertThat(hub.get("/actuator/health").text("status")).isEqualTo("UP");
        await().atMost(Duration.ofSeconds(15)).until(() ->
                hub.get("/api/orders?channel=webshop&limit=500").body().split("BARRAGE-" + marker, -1).length - 1 == 20);
        assertNothingStored();
    }

    private void assertNothingStored() {
        HubClient.Response orders = hub.get("/api/orders?channel=" + CHANNEL + "&limit=500");
        assertThat(orders.body()).doesNotContain("\"BAD-").doesNotContain("Exception").doesNotContain("at dev.orderhub");
        assertThat(hub.get("/api/exceptions?limit=500").body()).doesNotContain("BAD-");
    }

    /** Invalid input never reaches the intake queue, so nothing may show up later either. */
    @AfterAll
    static void nothingArrivesLater(@Autowired Environment environment) {
        HubClient hub = new HubClient(environment.getRequiredProperty("local.server.port", Integer.class));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() ->
                !hub.get("/api/orders?channel=" + CHANNEL + "&limit=500").body().contains("\"BAD-")
                        && !hub.get("/api/exceptions?limit=500").body().contains("BAD-"));
    }
}

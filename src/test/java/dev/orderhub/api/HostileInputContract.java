package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.channel.WebhookSignature;
import dev.orderhub.messaging.ExceptionStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jms.core.JmsTemplate;

/**
 * Hostile values at every endpoint that takes input: each is answered 4xx with the JSON error
 * shape {"error", "detail"} naming the field, never a 5xx or an HTML page, on H2 and on
 * PostgreSQL (which cannot store NUL: unchecked text there was a 503).
 */
abstract class HostileInputContract {

    private static final String NUL = "\\u0000";
    private static final String B2B_SECRET = "test-only-webhook-secret-not-real";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    ExceptionStore exceptions;

    @Autowired
    JmsTemplate jms;

    HubClient hub;
    String sku;
    String orderId;
    long exceptionId;

    /** Per hub (port): a sku with stock, a reserved order and a parked exception, made once. */
    private record Fixtures(String sku, String orderId, long exceptionId) {
    }

    private static final Map<Integer, Fixtures> FIXTURES = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        Fixtures fixtures = FIXTURES.computeIfAbsent(port, p -> {
            String run = UUID.randomUUID().toString().substring(0, 8);
            String stocked = "HOSTILE-" + run;
            hub.setStock(stocked, "main", 50);
            HubClient.Response posted = hub.post("/api/channels/webshop/orders", OrderJson.of("HOSTILE-" + run, stocked, 1));
            assertThat(posted.status()).as(posted.body()).isEqualTo(202);
            String id = posted.text("hubOrderId");
            await().atMost(Duration.ofSeconds(20)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
            return new Fixtures(stocked, id, exceptions.park("test:hostile", "parked for HostileInputContract", "{}"));
        });
        sku = fixtures.sku();
        orderId = fixtures.orderId();
        exceptionId = fixtures.exceptionId();
    }

    /** One hostile request: what is sent and the field the answer must name. */
    record Hostile(String name, String method, String path, String body, String field) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Hostile h(String name, String method, String path, String body, String field) {
        return new Hostile(name, method, path, body, field);
    }

    static String order(String from, String to) {
        String valid = OrderJson.of("HOSTILE-X", "SKU-HOSTILE", 1);
        assertThat(valid).contains(from);
        return valid.replace(from, to);
    }

    /** Paths use {order}, {exception} and {sku} for the fixtures. */
    static Stream<Hostile> hostile() {
        String orders = "/api/channels/pos/orders";
        String count = "/api/stock/{sku}/locations/main";
        String ship = "/api/orders/{order}/shipments";
        return Stream.of(
                // orders: text, skus, dates, money
                h("order channelOrderId NUL", "POST", orders, order("\"HOSTILE-X\"", "\"A" + NUL + "B\""), "channelOrderId"),
                h("order buyer.name NUL", "POST", orders, order("\"Ada Lovelace\",\"email\"", "\"Ada" + NUL + "\",\"email\""), "buyer.name"),
                h("order shipTo.city unpaired surrogate", "POST", orders, order("\"Amsterdam\"", "\"Am\\ud800s\""), "shipTo.city"),
                h("order sku NUL", "POST", orders, order("\"SKU-HOSTILE\"", "\"SKU" + NUL + "\""), "lines[0].sku"),
                h("order sku ..", "POST", orders, order("\"SKU-HOSTILE\"", "\"..\""), "lines[0].sku"),
                h("order sku .", "POST", orders, order("\"SKU-HOSTILE\"", "\".\""), "lines[0].sku"),
                h("order sku with /", "POST", orders, order("\"SKU-HOSTILE\"", "\"A/B\""), "lines[0].sku"),
                h("order sku leading space", "POST", orders, order("\"SKU-HOSTILE\"", "\" SKU\""), "lines[0].sku"),
                h("order sku of 101", "POST", orders, order("\"SKU-HOSTILE\"", "\"" + "S".repeat(101) + "\""), "lines[0].sku"),
                h("order placedAt year +999999999", "POST", orders, order("2026-11-26T09:30:00Z", "+999999999-01-01T00:00:00Z"), "placedAt"),
                h("order placedAt 1970", "POST", orders, order("2026-11-26T09:30:00Z", "1970-01-01T00:00:00Z"), "placedAt"),
                h("order shipBy 2150", "POST", orders, order("2026-11-28T17:00:00Z", "2150-01-01T00:00:00Z"), "shipBy"),
                h("order deliverBy year 0", "POST", orders, order("\"shipBy\"", "\"deliverBy\":\"0000-01-01T00:00:00Z\",\"shipBy\""), "deliverBy"),
                h("unitPrice 1e400", "POST", orders, order("19.95", "1e400"), "lines[0].unitPrice"),
                h("unitPrice 1e2", "POST", orders, order("19.95", "1e2"), "lines[0].unitPrice"),
                h("unitPrice 1.5E1", "POST", orders, order("19.95", "1.5E1"), "lines[0].unitPrice"),
                h("unitPrice \"1e2\"", "POST", orders, order("19.95", "\"1e2\""), "lines[0].unitPrice"),
                h("unitPrice \"1.5E1\"", "POST", orders, order("19.95", "\"1.5E1\""), "lines[0].unitPrice"),
                h("unitPrice \"NaN\"", "POST", orders, order("19.95", "\"NaN\""), "lines[0].unitPrice"),
                h("unitPrice \"Infinity\"", "POST", orders, order("19.95", "\"Infinity\""), "lines[0].unitPrice"),
                h("unitPrice NaN token", "POST", orders, order("19.95", "NaN"), "lines[0].unitPrice"),
                h("unitPrice \"+1.00\"", "POST", orders, order("19.95", "\"+1.00\""), "lines[0].unitPrice"),
                h("unitPrice \"-1.00\"", "POST", orders, order("19.95", "\"-1.00\""), "lines[0].unitPrice"),
                h("unitPrice \" 19.95\"", "POST", orders, order("19.95", "\" 19.95\""), "lines[0].unitPrice"),
                h("unitPrice \"19.999\" in EUR", "POST", orders, order("19.95", "\"19.999\""), "lines[0].unitPrice"),
                h("unitPrice 19.999 in EUR", "POST", orders, order("19.95", "19.999"), "lines[0].unitPrice"),
                h("unitPrice \"100.5\" in JPY", "POST", orders, order("19.95", "\"100.5\"").replace("\"EUR\"", "\"JPY\""), "lines[0].unitPrice"),
                h("unitPrice true", "POST", orders, order("19.95", "true"), "lines[0].unitPrice"),
                h("tax \"abc\"", "POST", orders, order("3.46", "\"abc\""), "lines[0].tax"),
                h("tax 3.4e0", "POST", orders, order("3.46", "3.4e0"), "lines[0].tax"),
                h("qty 1e1", "POST", orders, order("\"qty\":1", "\"qty\":1e1"), "lines[0].qty"),
                // stock count and adjustments
                h("count reason NUL", "PUT", count, "{\"onHand\":1,\"reason\":\"a" + NUL + "\"}", "reason"),
                h("count onHand 1e2", "PUT", count, "{\"onHand\":1e2}", "onHand"),
                h("count body array", "PUT", count, "[1]", "body"),
                h("count path sku control", "PUT", "/api/stock/A%01B/locations/main", "{\"onHand\":1}", "sku"),
                h("count path sku leading space", "PUT", "/api/stock/%20A/locations/main", "{\"onHand\":1}", "sku"),
                h("count path location control", "PUT", "/api/stock/{sku}/locations/m%01", "{\"onHand\":1}", "location"),
                h("adjust sku NUL", "POST", "/api/stock/adjustments",
                        "{\"sku\":\"A" + NUL + "\",\"location\":\"main\",\"delta\":1,\"reason\":\"x\"}", "sku"),
                h("adjust sku ..", "POST", "/api/stock/adjustments",
                        "{\"sku\":\"..\",\"location\":\"main\",\"delta\":1,\"reason\":\"x\"}", "sku"),
                h("adjust reason NUL", "POST", "/api/stock/adjustments",
                        "{\"sku\":\"{sku}\",\"location\":\"main\",\"delta\":1,\"reason\":\"x" + NUL + "\"}", "reason"),
                h("adjust location NUL", "POST", "/api/stock/adjustments",
                        "{\"sku\":\"{sku}\",\"location\":\"m" + NUL + "\",\"delta\":1,\"reason\":\"x\"}", "location"),
                h("adjust body array", "POST", "/api/stock/adjustments", "[1]", "body"),
                // bundles
                h("bundle path sku of 101", "PUT", "/api/bundles/" + "B".repeat(101), "{\"components\":[{\"sku\":\"{sku}\",\"qty\":1}]}", "sku"),
                h("bundle path sku control", "PUT", "/api/bundles/B%7F", "{\"components\":[{\"sku\":\"{sku}\",\"qty\":1}]}", "sku"),
                h("bundle component sku ..", "PUT", "/api/bundles/BUNDLE-HOSTILE", "{\"components\":[{\"sku\":\"..\",\"qty\":1}]}",
                        "components[0].sku"),
                h("bundle component sku of 101", "PUT", "/api/bundles/BUNDLE-HOSTILE",
                        "{\"components\":[{\"sku\":\"" + "C".repeat(101) + "\",\"qty\":1}]}", "components[0].sku"),
                h("bundle component sku NUL", "PUT", "/api/bundles/BUNDLE-HOSTILE",
                        "{\"components\":[{\"sku\":\"C" + NUL + "\",\"qty\":1}]}", "components[0].sku"),
                // shipments
                h("shipment carrier NUL", "POST", ship, "{\"carrier\":\"D" + NUL + "\",\"trackingNumber\":\"T1\"}", "carrier"),
                h("shipment trackingNumber NUL", "POST", ship, "{\"carrier\":\"DHL\",\"trackingNumber\":\"T" + NUL + "\"}", "trackingNumber"),
                h("shipment service NUL", "POST", ship, "{\"carrier\":\"DHL\",\"service\":\"x" + NUL + "\",\"trackingNumber\":\"T1\"}", "service"),
                h("shipment shippedAt +999999999", "POST", ship,
                        "{\"carrier\":\"DHL\",\"trackingNumber\":\"T1\",\"shippedAt\":\"+999999999-01-01T00:00:00Z\"}", "shippedAt"),
                h("shipment lines empty", "POST", ship, "{\"carrier\":\"DHL\",\"trackingNumber\":\"T1\",\"lines\":[]}", "lines"),
                h("shipment lineId NUL", "POST", ship,
                        "{\"carrier\":\"DHL\",\"trackingNumber\":\"T1\",\"lines\":[{\"lineId\":\"1" + NUL + "\",\"qty\":1}]}", "lines[0].lineId"),
                // cancel, discard, fulfilment
                h("cancel reason NUL", "POST", "/api/orders/{order}/cancel", "{\"reason\":\"r" + NUL + "\"}", "reason"),
                h("cancel body array", "POST", "/api/orders/{order}/cancel", "[1]", "body"),
                h("discard note NUL", "POST", "/api/exceptions/{exception}/discard", "{\"note\":\"n" + NUL + "\"}", "note"),
                h("discard body array", "POST", "/api/exceptions/{exception}/discard", "[1]", "body"),
                h("fulfilment target NUL", "POST", "/api/orders/{order}/fulfilment", "{\"target\":\"t" + NUL + "\"}", "target"),
                // query parameters
                h("orders channel NUL", "GET", "/api/orders?channel=a%00b", null, "channel"),
                h("orders sku NUL", "GET", "/api/orders?sku=a%00b", null, "sku"),
                h("orders status NUL", "GET", "/api/orders?status=a%00b", null, "status"),
                h("orders channel twice", "GET", "/api/orders?channel=a&channel=b", null, "channel"),
                h("orders cursor garbage", "GET", "/api/orders?cursor=garbage", null, "cursor"),
                h("orders cursor empty", "GET", "/api/orders?cursor=", null, "cursor"),
                h("orders cursor negative", "GET", "/api/orders?cursor=cC0x", null, "cursor"),
                h("orders limit not a number", "GET", "/api/orders?limit=ten", null, "limit"),
                h("exceptions source NUL", "GET", "/api/exceptions?source=a%00b", null, "source"),
                h("exceptions cursor garbage", "GET", "/api/exceptions?cursor=garbage", null, "cursor"),
                h("exceptions cursor empty", "GET", "/api/exceptions?cursor=", null, "cursor"),
                h("history cursor garbage", "GET", "/api/stock/{sku}/history?cursor=garbage", null, "cursor"),
                h("history cursor empty", "GET", "/api/stock/{sku}/history?cursor=", null, "cursor"),
                // path variables
                h("order id control", "GET", "/api/orders/oh-%01", null, "hubOrderId"),
                h("order id of 101", "GET", "/api/orders/" + "o".repeat(101), null, "hubOrderId"),
                h("channel control", "POST", "/api/channels/p%01s/orders", OrderJson.of("HOSTILE-Y", "SKU-HOSTILE", 1), "channel"),
                h("location control", "GET", "/api/locations/m%01", null, "location"),
                h("stock sku control", "GET", "/api/stock/A%01", null, "sku"),
                h("history sku control", "GET", "/api/stock/A%01/history", null, "sku"),
                h("bundle sku control", "GET", "/api/bundles/A%01", null, "sku"),
                h("exception id not a number", "GET", "/api/exceptions/abc", null, "id"),
                h("import id control", "GET", "/api/stock/imports/i%01", null, "importId"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void hostileInputIsA4xxJsonErrorNamingTheField(Hostile hostile) {
        String path = hostile.path().replace("{order}", orderId).replace("{exception}", Long.toString(exceptionId))
                .replace("{sku}", sku);
        String body = hostile.body() == null ? null : hostile.body().replace("{sku}", sku);
        HubClient.Response response = hub.send(hostile.method(), path, body == null ? null : "application/json",
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));

        assertCleanError(response.status(), response.body(), hostile.field());
    }

    @Test
    void signedWebhookBodiesGetTheSameChecks() {
        for (String[] hostile : new String[][] {
                {order("\"Ada Lovelace\",\"email\"", "\"Ada" + NUL + "\",\"email\""), "buyer.name"},
                {order("19.95", "1e2"), "lines[0].unitPrice"},
                {order("2026-11-26T09:30:00Z", "+999999999-01-01T00:00:00Z"), "placedAt"},
                {order("\"SKU-HOSTILE\"", "\"..\""), "lines[0].sku"}}) {
            byte[] payload = hostile[0].getBytes(StandardCharsets.UTF_8);
            long now = Instant.now().getEpochSecond();
            HubClient.Response response = hub.send("POST", "/api/channels/b2b/webhooks/orders", "application/json", payload,
                    Map.of(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now),
                            WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(B2B_SECRET, now, payload)));
            assertCleanError(response.status(), response.body(), hostile[1]);
        }
    }

    @Test
    void importHeaderWithControlCharactersIsRefused() {
        HubClient.Response response = hub.send("POST", "/api/stock/imports", "text/csv",
                "sku,loc\u0000ation,onHand\nA,main,1\n".getBytes(StandardCharsets.UTF_8));
        assertCleanError(response.status(), response.body(), "import");
    }

    @Test
    void aCursorOfOneListIsRefusedOnAnother() {
        exceptions.park("test:hostile", "second, for a next page", "{}");
        String exceptionsCursor = hub.get("/api/exceptions?limit=1").text("next");
        assertThat(exceptionsCursor).isNotNull();
        assertCleanError(hub.get("/api/orders?cursor=" + exceptionsCursor), "cursor");
        assertCleanError(hub.get("/api/stock/" + sku + "/history?cursor=" + exceptionsCursor), "cursor");
        assertThat(hub.get("/api/exceptions?limit=1&cursor=" + exceptionsCursor).status()).isEqualTo(200);
    }

    @Test
    void theSameParcelWithOtherLinesIs409AndTheSameRequestAgainIs200() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        hub.setStock(sku + "-B", "main", 5);
        String id = hub.post("/api/channels/webshop/orders", OrderJson.order("PARCEL-" + run).line(sku, 2).line(sku + "-B", 1)
                .json()).text("hubOrderId");
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        String first = "{\"carrier\":\"DHL\",\"trackingNumber\":\"P-" + run + "\",\"lines\":[{\"lineId\":\"1\",\"qty\":1}]}";
        HubClient.Response recorded = hub.post("/api/orders/" + id + "/shipments", first);
        assertThat(recorded.status()).as(recorded.body()).isEqualTo(201);

        HubClient.Response again = hub.post("/api/orders/" + id + "/shipments", first);
        assertThat(again.status()).as(again.body()).isEqualTo(200);

        HubClient.Response other = hub.post("/api/orders/" + id + "/shipments",
                first.replace("{\"lineId\":\"1\",\"qty\":1}", "{\"lineId\":\"2\",\"qty\":1}"));
        assertThat(other.status()).as(other.body()).isEqualTo(409);
        assertThat(other.text("detail")).contains("P-" + run).contains("recorded with other lines");
        assertThat(hub.get("/api/orders/" + id + "/shipments").json()).hasSize(1);
        assertThat(hub.get("/api/orders/" + id + "/shipments").json().get(0).get("lines")).hasSize(1);
    }

    @Test
    void moneyAsANumberAndAsADecimalStringIsTheSameOrder() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String asNumber = OrderJson.of("MONEY-N-" + run, sku, 3).replace("19.95", "19.990");
        String asString = OrderJson.of("MONEY-S-" + run, sku, 3).replace("19.95", "\"19.99\"").replace("3.46", "\"3.46\"");
        HubClient.Response number = hub.post("/api/channels/webshop/orders", asNumber);
        HubClient.Response string = hub.post("/api/channels/webshop/orders", asString);
        assertThat(number.status()).as(number.body()).isEqualTo(202);
        assertThat(string.status()).as(string.body()).isEqualTo(202);
        String onQueue = OrderJson.of("MONEY-Q-" + run, sku, 3).replace("19.95", "\"19.99\"")
                .replaceFirst("\\{", "{\"channel\":\"webshop\",");
        jms.convertAndSend("orders.intake", onQueue);
        String queuedId = dev.orderhub.order.HubOrderIds.of("webshop", "MONEY-Q-" + run);

        await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/orders/" + number.text("hubOrderId")).status() == 200
                && hub.get("/api/orders/" + string.text("hubOrderId")).status() == 200
                && hub.get("/api/orders/" + queuedId).status() == 200);
        JsonNode a = hub.get("/api/orders/" + number.text("hubOrderId")).json();
        JsonNode b = hub.get("/api/orders/" + string.text("hubOrderId")).json();
        JsonNode c = hub.get("/api/orders/" + queuedId).json();
        assertThat(a.get("totals").get("total").decimalValue()).isEqualByComparingTo("63.43");
        assertThat(b.get("totals")).isEqualTo(a.get("totals"));
        assertThat(c.get("totals")).isEqualTo(a.get("totals"));
        assertThat(b.get("lines").get(0).get("unitPrice")).isEqualTo(a.get("lines").get(0).get("unitPrice"));
    }

    @Test
    void anOrderOnTheIntakeQueueWithAnAbsurdDateIsParkedNamingTheField() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        jms.convertAndSend("orders.intake", OrderJson.of("ABSURD-" + run, sku, 1)
                .replace("2026-11-26T09:30:00Z", "+999999999-01-01T00:00:00Z").replaceFirst("\\{", "{\"channel\":\"webshop\","));
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/exceptions?source=queue:orders.intake&limit=500")
                .body().contains("ABSURD-" + run));
        JsonNode items = hub.get("/api/exceptions?source=queue:orders.intake&limit=500").json().get("items");
        JsonNode parked = null;
        for (JsonNode item : items) {
            if (item.get("payload").asText().contains("ABSURD-" + run)) {
                parked = item;
            }
        }
        assertThat(parked).isNotNull();
        assertThat(parked.get("reason").asText()).startsWith("placedAt: ").contains("must be between");
    }

    /** NUL as an escape (a value) and as a raw byte (not JSON): parked with the reason, also on PostgreSQL. */
    @Test
    void intakeMessagesHoldingNulAreParkedNamingTheField() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String base = OrderJson.of("NUL-" + run, sku, 1).replaceFirst("\\{", "{\"channel\":\"webshop\",");
        jms.convertAndSend("orders.intake", base.replace("\"channel\":\"webshop\"", "\"channel\":\"web" + NUL + "\""));
        jms.convertAndSend("orders.intake", base.replace("2026-11-26T09:30:00Z", "2026" + NUL));
        jms.convertAndSend("orders.intake", base.replace("Keizersgracht 1", "Keizersgracht" + NUL));
        jms.convertAndSend("orders.intake", base.replace("Keizersgracht 1", "Keizersgracht\u0000raw"));
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.get("/api/exceptions?source=queue:orders.intake&limit=500")
                .body().split("NUL-" + run, -1).length - 1 == 4);
        String parked = hub.get("/api/exceptions?source=queue:orders.intake&limit=500").body();
        assertThat(parked).contains("channel: contains a control character", "placedAt: contains a control character",
                "shipTo.line1: contains a control character", "body: not valid JSON");
    }

    @Test
    void validatorMessagesNeverQuotePersonalValues() {
        HubClient.Response response = hub.post("/api/channels/pos/orders",
                order("\"shipTo\":{\"name\":\"Ada Lovelace\"", "\"shipTo\":{\"name\":[\"Ada Lovelace\"]")
                        .replace("\"email\":\"ada@example.com\"", "\"email\":{\"secret\":\"ada@example.com\"}"));
        assertCleanError(response, "shipTo.name");
        assertThat(response.text("detail")).contains("buyer.email").doesNotContain("Ada").doesNotContain("ada@example.com");
    }

    @Test
    void errorsAreJsonWhateverTheAcceptHeader() {
        HubClient.Response list = hub.send("GET", "/api/orders", null, null, Map.of("Accept", "application/xml"));
        assertThat(list.status()).isEqualTo(406);
        assertThat(list.json()).as(list.body()).isNotNull();
        assertThat(list.text("error")).isEqualTo("not_acceptable");
        HubClient.Response missing = hub.send("GET", "/api/no-such-thing", null, null, Map.of("Accept", "text/html"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.text("error")).as(missing.body()).isEqualTo("not_found");
    }

    /** Requests the Java HttpClient refuses to send: Tomcat answers them, and must answer JSON too. */
    @Test
    void whatTomcatRefusesIsAnsweredInJsonToo() throws IOException {
        for (String path : new String[] {"/api/orders/a%2Fb", "/api/orders/a%00b", "/api/stock/a%2F..%2Fb"}) {
            Raw raw = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertCleanError(raw.status(), raw.body(), null);
        }
        Raw longHeader = raw("GET /api/orders HTTP/1.1\r\nHost: localhost\r\nX-Long: " + "x".repeat(70_000)
                + "\r\nConnection: close\r\n\r\n");
        assertCleanError(longHeader.status(), longHeader.body(), null);
        for (String contentType : new String[] {";;;", "text/", "application/json; charset=\"", "/"}) {
            String body = OrderJson.of("HOSTILE-CT", "SKU-HOSTILE", 1);
            Raw raw = raw("POST /api/channels/pos/orders HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body);
            assertCleanError(raw.status(), raw.body(), null);
        }
    }

    @Test
    void anActorWithControlCharactersIsRefusedNamingTheHeader() throws IOException {
        String counted = sku + "-ACTOR";
        hub.setStock(counted, "main", 7);
        String body = "{\"onHand\":3}";
        // NUL and C0 controls Tomcat refuses itself (a JSON 400 too); HT and C1 (bytes 0x80-0x9F) reach the hub.
        for (String[] actor : new String[][] {{"erp\u0000x", null}, {"erp\tx", "X-Actor"}, {"erp\u0085x", "X-Actor"}}) {
            Raw count = raw("PUT /api/stock/" + counted + "/locations/main HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nX-Actor: " + actor[0] + "\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);
            assertCleanError(count.status(), count.body(), actor[1]);
        }
        String csv = "sku,location,onHand\n" + counted + ",main,3\n";
        Raw imported = raw("POST /api/stock/imports HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n"
                + "X-Actor: erp\u009fx\r\nContent-Length: " + csv.length() + "\r\nConnection: close\r\n\r\n" + csv);
        assertCleanError(imported.status(), imported.body(), "X-Actor");
        assertThat(hub.get("/api/stock/" + counted).json().get("onHand").asLong()).isEqualTo(7);
    }

    record Raw(int status, String body) {
    }

    private Raw raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // With the test admin key (PostgreSQL takes nothing anonymous): what is tested is the input.
            String keyed = request.replaceFirst("\r\n", "\r\nAuthorization: Bearer " + dev.orderhub.HubClient.TEST_ADMIN_KEY + "\r\n");
            out.write(keyed.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            try {
                in.transferTo(answer);
            } catch (java.net.SocketException reset) {
                // Tomcat may reset after answering a request it refused; what it sent is enough
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            assertThat(text).as("no answer to " + request.substring(0, Math.min(60, request.length()))).startsWith("HTTP/1.1 ");
            int status = Integer.parseInt(text.substring(9, 12));
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split);
            String body = text.substring(split + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            assertThat(head.toLowerCase()).as(text).contains("content-type: application/json");
            return new Raw(status, body);
        }
    }

    private static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int end = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, end).trim(), 16);
            if (size == 0) {
                break;
            }
            body.append(chunked, end + 2, end + 2 + size);
            at = end + 2 + size + 2;
        }
        return body.toString();
    }

    private static void assertCleanError(HubClient.Response response, String field) {
        assertCleanError(response.status(), response.body(), field);
    }

    private static void assertCleanError(int status, String body, String field) {
        assertThat(status).as(body).isBetween(400, 499);
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertThat(json.has("error") && json.has("detail")).as(body).isTrue();
        assertThat(body).doesNotContain("at dev.orderhub").doesNotContain("<html");
        if (field != null) {
            assertThat(json.get("detail").asText()).as(body).containsAnyOf(field + ": ", field + ".", "(in " + field + ")");
        }
    }
}

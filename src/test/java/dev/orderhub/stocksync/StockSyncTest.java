package dev.orderhub.stocksync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.EventProbe;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.connectors.webhook.WebhookStockStub;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The stock-sync flow against a webhook stub: what each channel is shown, how fast, in what
 * order, within whose rate limits, and that it converges after outages.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class StockSyncTest {

    static final WebhookStockStub STUB;

    static {
        try {
            STUB = new WebhookStockStub();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void channelsPushingToTheStub(DynamicPropertyRegistry registry) {
        sink(registry, "shop", 50, 50, 100);
        sink(registry, "capped", 50, 50, 100);
        registry.add("orderhub.channels.capped.buffer.units", () -> "2");
        registry.add("orderhub.channels.capped.buffer.percent", () -> "10");
        registry.add("orderhub.channels.capped.max-available", () -> "5");
        registry.add("orderhub.channels.capped.sku-buffers.NO-BUFFER-SKU.units", () -> "0");
        sink(registry, "slow", 2, 1, 1);
        sink(registry, "limited", 20, 20, 1);
        sink(registry, "mapped", 50, 50, 100);
        sink(registry, "secured", 50, 50, 100);
        sink(registry, "flaky", 50, 50, 1);
        registry.add("orderhub.channels.flaky.stock-sink.properties.responseTimeout", () -> "400");
        registry.add("orderhub.stock-sync.retry-budget", () -> "4");
        STUB.requireToken("secured", "s3cret-token");
        registry.add("orderhub.channels.secured.stock-sink.properties.authorizationToken", () -> "s3cret-token");
        registry.add("orderhub.channels.mapped.skus.L-STOCK", () -> "HUB-MAPPED");
        registry.add("orderhub.default-buffer.units", () -> "0");
        registry.add("orderhub.stock-sync.backoff-ms", () -> "100");
        registry.add("orderhub.stock-sync.max-backoff-ms", () -> "400");
        registry.add("orderhub.stock-sync.push-interval-ms", () -> "20");
        registry.add("orderhub.stock-sync.reconcile-interval-ms", () -> "3600000");
    }

    private static void sink(DynamicPropertyRegistry registry, String channel, double rate, double burst, int batch) {
        String prefix = "orderhub.channels." + channel + ".";
        registry.add(prefix + "name", () -> channel);
        registry.add(prefix + "locations[0]", () -> "main");
        registry.add(prefix + "stock-sink.connector", () -> "webhook");
        registry.add(prefix + "stock-sink.properties.url", () -> STUB.url(channel));
        registry.add(prefix + "stock-sink.rate", () -> String.valueOf(rate));
        registry.add(prefix + "stock-sink.burst", () -> String.valueOf(burst));
        registry.add(prefix + "stock-sink.batch-size", () -> String.valueOf(batch));
    }

    @LocalServerPort
    int port;

    @Autowired
    StockSync stockSync;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ConnectionFactory broker;

    HubClient hub;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        sku = "SYNC-" + UUID.randomUUID().toString().substring(0, 8);
        STUB.reset();
    }

    private void awaitShown(String channel, String listingSku, long quantity) {
        await().atMost(Duration.ofSeconds(15)).until(() -> Long.valueOf(quantity).equals(STUB.shown(channel, listingSku)));
    }

    private JsonNode channelView(String sku, String channel) {
        for (JsonNode view : hub.get("/api/stock/" + sku).json().get("channels")) {
            if (view.get("channel").asText().equals(channel)) {
                return view;
            }
        }
        throw new AssertionError("no channel " + channel + " in stock of " + sku);
    }

    private void adjust(String sku, int delta) {
        HubClient.Response response = hub.post("/api/stock/adjustments", "{\"sku\":\"" + sku + "\",\"location\":\"main\","
                + "\"delta\":" + delta + ",\"reason\":\"receipt\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void stockChangeReachesTheChannelAndTheApiShowsWhatWasPushed() {
        hub.setStock(sku, "main", 10);

        awaitShown("shop", sku, 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> !channelView(sku, "shop").get("pushPending").asBoolean());
        JsonNode view = channelView(sku, "shop");
        assertThat(view.get("availableToSell").asLong()).isEqualTo(10);
        assertThat(view.get("lastPushed").asLong()).isEqualTo(10);
        assertThat(view.get("lastPushedAt").asText()).isNotBlank();
        JsonNode webshop = channelView(sku, "webshop");
        assertThat(webshop.get("lastPushed").isNull()).isTrue();
        assertThat(webshop.get("pushPending").asBoolean()).isFalse();
    }

    @Test
    void buffersAndCapsShapeWhatEachChannelIsShown() {
        String big = sku + "-BIG";
        String small = sku + "-SMALL";
        String tiny = sku + "-TINY";
        hub.setStock(big, "main", 30);
        hub.setStock(small, "main", 4);
        hub.setStock(tiny, "main", 1);
        hub.setStock("NO-BUFFER-SKU", "main", 4);

        awaitShown("capped", big, 5);      // 30 - max(2, 10% = 3) = 27, capped at 5
        awaitShown("capped", small, 2);    // 4 - max(2, 10% = 1) = 2
        awaitShown("capped", tiny, 0);     // 1 - 2 floors at 0
        awaitShown("capped", "NO-BUFFER-SKU", 4); // the sku's own buffer of 0 overrides the channel's
        awaitShown("shop", big, 30);       // another channel, no buffer, no cap
        assertThat(channelView(big, "capped").get("availableToSell").asLong()).isEqualTo(5);
    }

    @Test
    void changesWhileAChannelIsThrottledCoalesceToTheLatestValueAndNothingStaleIsSent() {
        hub.setStock(sku, "main", 100);
        awaitShown("shop", sku, 100);
        STUB.throttleNext("shop", 1); // the next push answers 429 Retry-After: 1, pausing the channel for a second

        for (int i = 0; i < 20; i++) {
            adjust(sku, -1);
        }

        awaitShown("shop", sku, 80);
        List<WebhookStockStub.Received> received = STUB.received("shop", sku);
        assertThat(received.size()).as("pushes for 21 changes").isLessThanOrEqualTo(4);
        for (int i = 1; i < received.size(); i++) {
            assertThat(received.get(i).version()).as("versions only grow").isGreaterThan(received.get(i - 1).version());
        }
        assertThat(received.get(received.size() - 1).quantity()).isEqualTo(80);
    }

    @Test
    void skuThatFellToZeroIsPushedBeforeOlderRoutineChanges() {
        List<String> routine = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            routine.add(sku + "-R" + i);
        }
        String urgent = sku + "-URGENT";
        routine.forEach(s -> hub.setStock(s, "main", 50));
        hub.setStock(urgent, "main", 0);

        await().atMost(Duration.ofSeconds(20)).until(() -> STUB.shown("slow", urgent) != null
                && routine.stream().allMatch(s -> STUB.shown("slow", s) != null));
        List<String> order = STUB.all().stream().filter(r -> r.channel().equals("slow"))
                .filter(r -> r.sku().startsWith(sku)).map(WebhookStockStub.Received::sku).toList();
        // The slow channel takes one value per request at 2 requests/s: the routine values were
        // queued first, yet the zero goes out at most one request behind whatever was already in flight.
        assertThat(order.indexOf(urgent)).as("position of the urgent sku in " + order).isLessThanOrEqualTo(1);
    }

    @Test
    void remote429PausesTheChannelForRetryAfterAndTheValueStillArrives() {
        STUB.rateLimit(2); // the remote takes 2 requests/s per channel; the hub was told 20
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            skus.add(sku + "-L" + i);
        }
        skus.forEach(s -> hub.setStock(s, "main", 7));

        await().atMost(Duration.ofSeconds(30)).until(() -> skus.stream().allMatch(s -> Long.valueOf(7).equals(STUB.shown("limited", s))));
        assertThat(STUB.throttled("limited")).as("the hub met the remote's limit").isGreaterThan(0);
        // After each 429 (Retry-After: 1) the hub sent nothing to that remote for the next ~second.
        List<Long> requests = STUB.requestTimes("limited");
        for (long throttledAt : STUB.throttledTimes("limited")) {
            long soon = requests.stream().filter(t -> t > throttledAt + 50_000_000L && t < throttledAt + 900_000_000L).count();
            assertThat(soon).as("requests within a second of a 429").isZero();
        }
    }

    @Test
    void remoteErrorsResetsAndLostAnswersAreRetriedWithGrowingBackoffAndAppliedOnce() {
        STUB.slowMillis(1200); // the channel's responseTimeout is 400 ms
        STUB.script("flaky", sku, WebhookStockStub.Fault.ERROR_500, WebhookStockStub.Fault.RESET,
                WebhookStockStub.Fault.APPLIED_BUT_SLOW);
        int repeatsBefore = STUB.repeatedKeys();

        hub.setStock(sku, "main", 6);

        await().atMost(Duration.ofSeconds(20)).until(() -> !channelView(sku, "flaky").get("pushPending").asBoolean()
                && channelView(sku, "flaky").path("lastPushed").asLong() == 6);
        List<Long> attempts = STUB.attempts("flaky", sku);
        assertThat(attempts).as("500, reset, lost answer, then the retry the remote recognises").hasSizeGreaterThanOrEqualTo(4);
        // The third attempt was applied but its answer never came; the fourth carried the same
        // Idempotency-Key and the remote did not apply it again.
        assertThat(STUB.received("flaky", sku).stream().filter(r -> r.quantity() == 6)).hasSize(1);
        assertThat(STUB.repeatedKeys() - repeatsBefore).isGreaterThanOrEqualTo(1);
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            gapsMs.add((attempts.get(i) - attempts.get(i - 1)) / 1_000_000);
        }
        // backoff-ms 100 doubling (max 400), after a 500 and a reset answered at once, then a 400 ms timeout
        assertThat(gapsMs.get(0)).as("ms before the 2nd attempt").isGreaterThanOrEqualTo(90);
        assertThat(gapsMs.get(1)).as("ms before the 3rd attempt").isGreaterThanOrEqualTo(190);
        assertThat(gapsMs.get(2)).as("ms before the 4th attempt").isGreaterThanOrEqualTo(390 + 390);
        // Three failures in a row stay within the retry budget (4): nothing for a person to look at.
        assertThat(hub.get("/api/exceptions?source=channel:flaky:stock-push").body()).doesNotContain(sku);
    }

    @Test
    void aChannelStillFailingAfterItsRetryBudgetIsSurfacedOnceAndCatchesUpWhenItRecovers() {
        WebhookStockStub.Fault[] failures = new WebhookStockStub.Fault[7];
        java.util.Arrays.fill(failures, WebhookStockStub.Fault.ERROR_500);
        STUB.script("flaky", sku, failures);

        hub.setStock(sku, "main", 4);

        await().atMost(Duration.ofSeconds(20)).until(() ->
                hub.get("/api/exceptions?source=channel:flaky:stock-push").body().contains(sku));
        awaitShown("flaky", sku, 4);
        List<JsonNode> surfaced = new ArrayList<>();
        hub.get("/api/exceptions?source=channel:flaky:stock-push&limit=500").json().get("items")
                .forEach(item -> {
                    if (item.get("payload").asText().contains(sku)) {
                        surfaced.add(item);
                    }
                });
        assertThat(surfaced).as("one exception for the run of failures, not one per attempt").hasSize(1);
        assertThat(surfaced.get(0).get("reason").asText()).contains("failed 4 times in a row", "HTTP 500");
        assertThat(STUB.attempts("flaky", sku)).hasSize(8);
    }

    @Test
    void exhaustedRateWindowPausesTheChannelUntilItsReset() {
        hub.setStock(sku, "main", 9);
        awaitShown("limited", sku, 9);
        STUB.exhaustWindowAfterNext("limited", 1); // the next answer: X-RateLimit-Remaining 0, Reset 1 s
        adjust(sku, -1);
        awaitShown("limited", sku, 8);
        int before = STUB.requestTimes("limited").size();
        long answeredAt = STUB.requestTimes("limited").get(before - 1);

        adjust(sku, -1);
        awaitShown("limited", sku, 7);
        long next = STUB.requestTimes("limited").get(before);
        assertThat((next - answeredAt) / 1_000_000).as("ms until the next request").isGreaterThanOrEqualTo(900);
    }

    @Test
    void acceptedValuesArePublishedAsStockPushed() throws Exception {
        try (EventProbe events = EventProbe.subscribe(broker, "stock.pushed")) {
            hub.setStock(sku, "main", 6);
            awaitShown("shop", sku, 6);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.events("stock.pushed", "sku", sku).stream()
                    .anyMatch(e -> e.get("payload").get("channel").asText().equals("shop")
                            && e.get("payload").get("quantity").asLong() == 6
                            && !e.get("payload").get("pushedAt").asText().isBlank()));
        }
    }

    @Test
    void bearerTokenIsSentToAChannelThatRequiresIt(CapturedOutput output) {
        hub.setStock(sku, "main", 5);

        awaitShown("secured", sku, 5);
        assertThat(output.getAll()).doesNotContain("s3cret-token");
    }

    @Test
    void unreadableStockEventIsParkedAndTheFlowGoesOn() throws Exception {
        try (jakarta.jms.Connection connection = broker.createConnection();
             jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE)) {
            session.createProducer(session.createTopic("stock.changed")).send(session.createTextMessage("{\"payload\":{}} " + sku));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/exceptions?source=route:stock-changed").body()
                .contains(sku));
        assertThat(hub.get("/api/exceptions?source=route:stock-changed").body()).contains("payload.sku is missing");

        hub.setStock(sku, "main", 4);
        awaitShown("shop", sku, 4);
    }

    @Test
    void channelDownThenUpConvergesAndReconciliationRepairsALostChange() {
        STUB.failWith(500);
        hub.setStock(sku, "main", 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> channelView(sku, "shop").get("pushPending").asBoolean());
        assertThat(STUB.shown("shop", sku)).isNull();

        STUB.failWith(0);
        awaitShown("shop", sku, 7);

        // A change that never produced an event (written behind the hub's back): only reconciliation sees it.
        jdbc.sql("UPDATE stock SET on_hand = 3 WHERE sku = :sku").param("sku", sku).update();
        stockSync.reconcile();
        awaitShown("shop", sku, 3);
    }

    @Test
    void bundleIsAvailableAsOftenAsItsScarcestComponentAndItsOrdersReserveComponents() {
        String a = sku + "-A";
        String b = sku + "-B";
        String kit = sku + "-KIT";
        hub.setStock(a, "main", 10);
        hub.setStock(b, "main", 3);
        HubClient.Response defined = hub.put("/api/bundles/" + kit,
                "{\"components\":[{\"sku\":\"" + a + "\",\"qty\":2},{\"sku\":\"" + b + "\",\"qty\":1}]}");
        assertThat(defined.status()).as(defined.body()).isEqualTo(200);
        awaitShown("shop", kit, 3); // min(10 / 2, 3 / 1)

        HubClient.Response posted = hub.post("/api/channels/shop/orders", OrderJson.of("KIT-" + sku, kit, 2));
        String id = posted.text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));

        assertThat(hub.get("/api/stock/" + a).json().get("reserved").asLong()).isEqualTo(4);
        assertThat(hub.get("/api/stock/" + b).json().get("reserved").asLong()).isEqualTo(2);
        awaitShown("shop", kit, 1); // min(6 / 2, 1 / 1)
        awaitShown("shop", b, 1);
        assertThat(hub.put("/api/stock/" + kit + "/locations/main", "{\"onHand\": 5}").status()).isEqualTo(409);
    }

    @Test
    void arrivingStockGoesToBackordersBeforeTheChannelSeesIt() {
        hub.setStock(sku, "main", 1);
        String waiting = hub.post("/api/channels/shop/orders", OrderJson.order("BO-" + sku).line(sku, 2)
                .shipBy("2026-11-27T10:00:00Z").json()).text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "BACKORDERED".equals(hub.get("/api/orders/" + waiting).text("status")));
        awaitShown("shop", sku, 1);

        adjust(sku, 2); // 3 on hand: the backorder takes 2, the channel may sell 1

        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + waiting).text("status")));
        awaitShown("shop", sku, 1);
        assertThat(STUB.received("shop", sku)).extracting(WebhookStockStub.Received::quantity).doesNotContain(3L);
    }

    @Test
    void channelSkuMappingTranslatesPushesAndOrders() {
        hub.setStock("HUB-MAPPED", "main", 4);
        awaitShown("mapped", "L-STOCK", 4);

        String id = hub.post("/api/channels/mapped/orders", OrderJson.of("MAP-" + sku, "L-STOCK", 1)).text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> "RESERVED".equals(hub.get("/api/orders/" + id).text("status")));
        assertThat(hub.get("/api/orders/" + id).json().get("lines").get(0).get("sku").asText()).isEqualTo("HUB-MAPPED");
        awaitShown("mapped", "L-STOCK", 3);
    }
}

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
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.stocksync.RecordingStockOut.Answer;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The stock-sync flow, the core's part of it: what each channel is shown, how fast, in what
 * order, within whose rate limits, what it does with each answer of a connector, and that it
 * converges after outages. The channels push to a test-only connector ({@link RecordingStockOut},
 * the only one installed here: orderhub.connectors-dir points at src/test/resources/test-connectors
 * and only the core's routes load), so no connector folder is needed. How the webhook connector
 * reads HTTP answers is connectors/webhook's WebhookStockOutTest.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // In the environment before it is post-processed, so ConnectorEnvironment and ConnectorMigrations see it too.
        "orderhub.connectors-dir=src/test/resources/test-connectors",
        "camel.main.routes-include-pattern=file:routes/*.camel.yaml"})
@ActiveProfiles("test")
class StockSyncTest {

    @TestConfiguration
    static class RecordingConnector {

        @Bean
        RecordingStockOut recordingStockOut(ChannelSettings settings) {
            return new RecordingStockOut(settings);
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
        sink(registry, "flaky", 50, 50, 1);
        sink(registry, "batched", 5, 1, 3);
        sink(registry, "misconfigured", 50, 50, 1);
        // A channel that lists its listings in channels.yaml: one the seller ships, one the channel does (FBB).
        sink(registry, "listed", 50, 50, 10);
        registry.add("orderhub.channels.listed.listings.L-OWN.sku", () -> "LISTED-OWN");
        registry.add("orderhub.channels.listed.listings.L-FBB.sku", () -> "LISTED-FBB");
        registry.add("orderhub.channels.listed.listings.L-FBB.fulfilled-by", () -> "CHANNEL");
        registry.add("orderhub.stock-sync.retry-budget", () -> "4");
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
        registry.add(prefix + "connector.name", () -> RecordingStockOut.CONNECTOR);
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

    @Autowired
    RecordingStockOut remote;

    HubClient hub;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        sku = "SYNC-" + UUID.randomUUID().toString().substring(0, 8);
        remote.reset();
    }

    private void awaitShown(String channel, String listingSku, long quantity) {
        await().atMost(Duration.ofSeconds(15)).until(() -> Long.valueOf(quantity).equals(remote.shown(channel, listingSku)));
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
        remote.script("shop", sku, Answer.retryLater(Duration.ofSeconds(1))); // the next push: RetryLater(1 s), pausing the channel

        for (int i = 0; i < 20; i++) {
            adjust(sku, -1);
        }

        awaitShown("shop", sku, 80);
        List<RecordingStockOut.Received> received = remote.received("shop", sku);
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

        await().atMost(Duration.ofSeconds(20)).until(() -> remote.shown("slow", urgent) != null
                && routine.stream().allMatch(s -> remote.shown("slow", s) != null));
        List<String> order = remote.received("slow").stream()
                .filter(r -> r.sku().startsWith(sku)).map(RecordingStockOut.Received::sku).toList();
        // The slow channel takes one value per request at 2 requests/s: the routine values were
        // queued first, yet the zero goes out at most one request behind whatever was already in flight.
        assertThat(order.indexOf(urgent)).as("position of the urgent sku in " + order).isLessThanOrEqualTo(1);
    }

    @Test
    void aThrottledPushPausesTheChannelForItsRetryAfterAndTheValuesStillArrive() {
        String other = sku + "-OTHER";
        hub.setStock(sku, "main", 9);
        awaitShown("limited", sku, 9);
        remote.script("limited", sku, Answer.retryLater(Duration.ofSeconds(1)));

        adjust(sku, -1);
        await().atMost(Duration.ofSeconds(5)).until(() -> remote.calls("limited", sku).size() == 2);
        long throttledAt = remote.calls("limited", sku).get(1).atNanos();
        hub.setStock(other, "main", 3); // due during the pause: it waits too

        awaitShown("limited", sku, 8);
        awaitShown("limited", other, 3);
        long soon = remote.calls("limited").stream().map(RecordingStockOut.Call::atNanos)
                .filter(t -> t > throttledAt + 50_000_000L && t < throttledAt + 900_000_000L).count();
        assertThat(soon).as("calls within a second of the RetryLater").isZero();
        assertThat(hub.get("/api/exceptions?source=channel:limited:stock-push").body()).doesNotContain(sku);
    }

    @Test
    void failuresAreRetriedWithGrowingBackoffUnderOneIdempotencyKeyAndAppliedOnce() {
        remote.script("flaky", sku, Answer.fail("unavailable (scripted)"), Answer.fail("connection reset (scripted)"),
                Answer.appliedAnswerLost());

        hub.setStock(sku, "main", 6);

        await().atMost(Duration.ofSeconds(20)).until(() -> !channelView(sku, "flaky").get("pushPending").asBoolean()
                && channelView(sku, "flaky").path("lastPushed").asLong() == 6);
        List<RecordingStockOut.Call> attempts = remote.calls("flaky", sku);
        assertThat(attempts).as("two failures, a lost answer, then the retry the remote recognises").hasSizeGreaterThanOrEqualTo(4);
        // The same value and version, so the same key every time: the remote applied the third attempt once.
        assertThat(attempts).extracting(RecordingStockOut.Call::idempotencyKey).containsOnly(attempts.get(0).idempotencyKey());
        assertThat(attempts.get(0).idempotencyKey()).isNotBlank();
        assertThat(remote.received("flaky", sku)).hasSize(1);
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            gapsMs.add((attempts.get(i).atNanos() - attempts.get(i - 1).atNanos()) / 1_000_000);
        }
        // backoff-ms 100 doubling, at most 400
        assertThat(gapsMs.get(0)).as("ms before the 2nd attempt").isGreaterThanOrEqualTo(90);
        assertThat(gapsMs.get(1)).as("ms before the 3rd attempt").isGreaterThanOrEqualTo(190);
        assertThat(gapsMs.get(2)).as("ms before the 4th attempt").isGreaterThanOrEqualTo(390);
        // Three failures in a row stay within the retry budget (4): nothing for a person to look at.
        assertThat(hub.get("/api/exceptions?source=channel:flaky:stock-push").body()).doesNotContain(sku);
    }

    @Test
    void aChannelStillFailingAfterItsRetryBudgetIsSurfacedOnceAndCatchesUpWhenItRecovers() {
        Answer[] failures = new Answer[7];
        java.util.Arrays.fill(failures, Answer.fail("remote unavailable (scripted)"));
        remote.script("flaky", sku, failures);

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
        assertThat(surfaced.get(0).get("reason").asText()).contains("failed 4 times in a row", "remote unavailable (scripted)");
        assertThat(remote.calls("flaky", sku)).hasSize(8);
    }

    @Test
    void aSinkThatCannotWorkAsConfiguredTurnsTheChannelsHealthDownOnceAndUpWhenItWorksAgain() {
        String reason = "sink cannot be created: no route to the endpoint (scripted)";
        remote.script("misconfigured", sku, Answer.unusable(reason), Answer.unusable(reason), Answer.unusable(reason));

        hub.setStock(sku, "main", 6);

        // Three refusals, each followed by the slow retry (400 ms here): DOWN for over a second.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                "DOWN".equals(hub.get("/actuator/health").json().path("components").path("channels").path("status").asText()));
        JsonNode channels = hub.get("/actuator/health").json().path("components").path("channels");
        assertThat(channels.path("details").path("misconfigured").path("reason").asText()).isEqualTo(reason);
        assertThat(channels.path("details").path("misconfigured").path("flow").asText()).isEqualTo("stock-push");
        awaitShown("misconfigured", sku, 6);
        await().atMost(Duration.ofSeconds(5)).until(() -> !hub.get("/actuator/health").json().path("components")
                .path("channels").path("details").has("misconfigured"));
        List<JsonNode> surfaced = new ArrayList<>();
        hub.get("/api/exceptions?source=channel:misconfigured:stock-push&limit=500").json().get("items").forEach(item -> {
            if (item.get("payload").asText().contains(sku)) {
                surfaced.add(item);
            }
        });
        assertThat(surfaced).as("told once, not once per attempt").hasSize(1);
        assertThat(surfaced.get(0).get("reason").asText()).contains("cannot work as configured", "health is DOWN");
        assertThat(remote.calls("misconfigured", sku)).as("three refused, then the one that got through").hasSize(4);
    }

    @Test
    void aSpentRateWindowPausesTheChannelForAsLongAsTheConnectorSays() {
        hub.setStock(sku, "main", 9);
        awaitShown("limited", sku, 9);
        remote.script("limited", sku, Answer.pause(Duration.ofSeconds(1))); // accepted, and the window is spent for a second
        adjust(sku, -1);
        awaitShown("limited", sku, 8);
        int before = remote.calls("limited").size();
        long answeredAt = remote.calls("limited").get(before - 1).atNanos();

        adjust(sku, -1);
        awaitShown("limited", sku, 7);
        long next = remote.calls("limited").get(before).atNanos();
        assertThat((next - answeredAt) / 1_000_000).as("ms until the next call").isGreaterThanOrEqualTo(900);
    }

    @Test
    void aRejectedValueIsParkedNotRetriedAtOnceAndANewValueGoesOut() {
        String other = sku + "-OTHER";
        remote.script("shop", sku, Answer.reject("unknown listing (scripted)"));

        hub.setStock(sku, "main", 5);
        hub.setStock(other, "main", 2);

        awaitShown("shop", other, 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/exceptions?source=channel:shop:stock-push").body()
                .contains("rejected " + sku + " = 5: unknown listing (scripted)"));
        assertThat(remote.shown("shop", sku)).isNull();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> remote.calls("shop", sku).size() == 1); // the same value would be refused again

        adjust(sku, 1);
        awaitShown("shop", sku, 6);
    }

    @Test
    void aValueTheChannelDidNotTakeNowIsPushedAgainAfterItsWait() {
        remote.script("shop", sku, Answer.retryItem(Duration.ofMillis(300)));

        hub.setStock(sku, "main", 5);

        awaitShown("shop", sku, 5);
        List<RecordingStockOut.Call> calls = remote.calls("shop", sku);
        assertThat(calls).hasSize(2);
        assertThat((calls.get(1).atNanos() - calls.get(0).atNanos()) / 1_000_000).as("ms before the 2nd push").isGreaterThanOrEqualTo(290);
        assertThat(hub.get("/api/exceptions?source=channel:shop:stock-push").body()).doesNotContain(sku);
    }

    @Test
    void aChannelWithoutValuesYetGetsEveryCurrentValueAtOnceNotAtTheFirstReconciliation() {
        hub.setStock(sku, "main", 7);
        awaitShown("shop", sku, 7);
        // As if shop had just been added to channels.yaml: the hub has pushed it nothing yet.
        jdbc.sql("DELETE FROM channel_stock WHERE channel = 'shop'").update();
        int before = remote.calls("shop", sku).size();

        assertThat(stockSync.seedNewChannels()).as("values recorded for the new channel").isPositive();

        await().atMost(Duration.ofSeconds(5)).until(() -> remote.calls("shop", sku).size() > before);
        assertThat(remote.calls("shop", sku).get(before).batch()).anySatisfy(q -> {
            assertThat(q.listingSku()).isEqualTo(sku);
            assertThat(q.quantity()).isEqualTo(7);
        });
        assertThat(stockSync.seedNewChannels()).as("every channel has values now: nothing to seed").isZero();
    }

    @Test
    void batchesStayWithinTheChannelsBatchSizeAndRate() {
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            skus.add(sku + "-B" + i);
        }
        skus.forEach(s -> hub.setStock(s, "main", 3));

        await().atMost(Duration.ofSeconds(20)).until(() -> skus.stream().allMatch(s -> Long.valueOf(3).equals(remote.shown("batched", s))));
        List<RecordingStockOut.Call> calls = remote.calls("batched").stream()
                .filter(c -> c.batch().stream().anyMatch(q -> q.listingSku().startsWith(sku))).toList();
        assertThat(calls).allSatisfy(c -> assertThat(c.batch()).as("batch size 3").hasSizeLessThanOrEqualTo(3));
        assertThat(calls).as("7 values in batches of 3").hasSizeGreaterThanOrEqualTo(3);
        // 5 requests/s, burst 1, at the default rate margin of 0.9: a token every 222 ms. The connector sees a
        // call after the worker claimed its values (a transaction of its own), so one arrival may be late by
        // that much and the next not: over the run, at most one such delay (120 ms) comes off the spacing.
        long span = (calls.get(calls.size() - 1).atNanos() - calls.get(0).atNanos()) / 1_000_000;
        assertThat(span).as("ms from the first to the last of " + calls.size() + " calls")
                .isGreaterThanOrEqualTo((calls.size() - 1) * 222L - 120);
    }

    @Test
    void aSlowChannelHoldsUpOnlyItself() {
        remote.script("flaky", sku, Answer.slow());

        hub.setStock(sku, "main", 5);

        awaitShown("shop", sku, 5);
        assertThat(remote.shown("flaky", sku)).as("the slow channel's answer is still outstanding").isNull();
        remote.release();
        awaitShown("flaky", sku, 5);
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
    void unreadableStockEventIsParkedAndTheFlowGoesOn() throws Exception {
        try (jakarta.jms.Connection connection = broker.createConnection();
             jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE)) {
            session.createProducer(session.createTopic("stock.changed")).send(session.createTextMessage("{\"payload\":{}} " + sku));
        }
        // Other tests of the shared context park stock events too: read up to 500 open ones, and allow a loaded machine time.
        String parked = "/api/exceptions?source=route:stock-changed&status=OPEN&limit=500";
        await().atMost(Duration.ofSeconds(30)).until(() -> hub.get(parked).body().contains(sku));
        assertThat(hub.get(parked).body()).contains("payload.sku is missing");

        hub.setStock(sku, "main", 4);
        awaitShown("shop", sku, 4);
    }

    @Test
    void channelDownThenUpConvergesAndReconciliationRepairsALostChange() {
        remote.failAll("unavailable (scripted)");
        hub.setStock(sku, "main", 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> channelView(sku, "shop").get("pushPending").asBoolean());
        assertThat(remote.shown("shop", sku)).isNull();

        remote.failAll(null);
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
        assertThat(remote.received("shop", sku)).extracting(RecordingStockOut.Received::quantity).doesNotContain(3L);
    }

    @Test
    void aChannelWithKnownListingsIsPushedOnlyItsMerchantFulfilledOnesUnderTheirListingSku() {
        hub.setStock("LISTED-FBB", "main", 5);
        hub.setStock("LISTED-OWN", "main", 6);
        hub.setStock(sku, "main", 2); // not listed on that channel at all

        awaitShown("listed", "L-OWN", 6);
        awaitShown("shop", sku, 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                remote.calls("listed").stream().noneMatch(c -> c.carries("L-FBB") || c.carries("LISTED-FBB") || c.carries(sku)));
        assertThat(remote.shown("shop", "LISTED-FBB")).as("a channel whose listings are not known gets every sku").isEqualTo(5);
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

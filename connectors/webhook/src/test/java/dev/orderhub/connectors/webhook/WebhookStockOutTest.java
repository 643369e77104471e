package dev.orderhub.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The webhook connector's part of stock sync, against {@link WebhookStockStub}: the HTTP answers
 * it reads (429 with Retry-After, X-RateLimit-*, 5xx, resets, timeouts), the bearer token and the
 * Idempotency-Key header it sends. What the core does with any connector's answers (coalescing,
 * urgent first, backoff, pauses, parking) is dev.orderhub.stocksync.StockSyncTest, against a
 * test-only connector.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@ExtendWith(OutputCaptureExtension.class)
class WebhookStockOutTest {

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
        sink(registry, "limited", 20, 20, 1);
        sink(registry, "secured", 50, 50, 100);
        sink(registry, "flaky", 50, 50, 1);
        registry.add("orderhub.channels.flaky.connector.properties.responseTimeout", () -> "400");
        registry.add("orderhub.stock-sync.retry-budget", () -> "4");
        STUB.requireToken("secured", "s3cret-token");
        registry.add("orderhub.channels.secured.connector.properties.authorizationToken", () -> "s3cret-token");
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
        registry.add(prefix + "connector.name", () -> "webhook");
        registry.add(prefix + "connector.properties.url", () -> STUB.url(channel));
        registry.add(prefix + "stock-sink.rate", () -> String.valueOf(rate));
        registry.add(prefix + "stock-sink.burst", () -> String.valueOf(burst));
        registry.add(prefix + "stock-sink.batch-size", () -> String.valueOf(batch));
    }

    @LocalServerPort
    int port;

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
    void bearerTokenIsSentToAChannelThatRequiresIt(CapturedOutput output) {
        hub.setStock(sku, "main", 5);

        awaitShown("secured", sku, 5);
        assertThat(output.getAll()).doesNotContain("s3cret-token");
    }
}

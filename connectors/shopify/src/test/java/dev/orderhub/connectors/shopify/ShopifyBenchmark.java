package dev.orderhub.connectors.shopify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.orderhub.bench.BenchResults;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connectors.shopify.sandbox.ShopifySandbox;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.order.OrderPolling;
import dev.orderhub.order.ShipmentConfirmations;
import dev.orderhub.order.Shipments;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Shopify through the hub against its sandbox on PostgreSQL + embedded Artemis, at Shopify's
 * Standard-plan cost bucket (2000 points, 100/s): orders in by signed webhooks (one in ten
 * dropped, found by the reconciliation poll), orders in by the poll alone (with a THROTTLED
 * spell and lost answers), and tracking back as fulfilments (with lost fulfillmentCreate
 * answers): every order imported once, every shipment fulfilled once.
 * {@code mvn -B -Pbench test -Dtest=ShopifyBenchmark}
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.root=WARN", "orderhub.orders-in.poll-interval-ms=3600000",
                "orderhub.shipment-confirm.interval-ms=3600000", "orderhub.shipment-confirm.backoff-ms=20"})
@ActiveProfiles({"test", "postgres"})
class ShopifyBenchmark {

    static final String CHANNEL = "shopify-bench";
    static final int PUSHED = Integer.getInteger("bench.shopify.pushed", 1000);
    static final int POLLED = Integer.getInteger("bench.shopify.polled", 500);
    static final int SHIPPED = Integer.getInteger("bench.shopify.shipped", 200);
    static final int SKUS = 100;
    static final ShopifyStub STUB = new ShopifyStub();
    static final ShopifySandbox SHOP = STUB.sandbox;

    @DynamicPropertySource
    static void channel(DynamicPropertyRegistry registry) {
        registry.add("orderhub.channels." + CHANNEL + ".name", () -> "Shopify bench");
        registry.add("orderhub.channels." + CHANNEL + ".locations[0]", () -> "main");
        registry.add("orderhub.channels." + CHANNEL + ".stock-sink.enabled", () -> "false"); // orders and tracking only
        STUB.configure(registry, CHANNEL, ShopifyStub.TOKEN, 10);
    }

    @LocalServerPort
    int port;
    @Autowired
    OrderPolling polling;
    @Autowired
    ShipmentConfirmations confirmations;
    @Autowired
    Shipments shipments;
    @Autowired
    StockLedger ledger;
    @Autowired
    JdbcClient jdbc;

    private long settled(Set<String> ids) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = :channel AND channel_order_id IN (:ids) AND status = 'RESERVED'")
                .param("channel", CHANNEL).param("ids", ids).query(Long.class).single();
    }

    /** Polls (waiting out each RetryLater, as the route does) until every order is reserved; answers the polls made. */
    private int pollUntilSettled(Set<String> ids) {
        int polls = 0;
        while (settled(ids) < ids.size()) {
            try {
                polling.poll(CHANNEL);
            } catch (RetryLater e) {
                Duration wait = e.after().isZero() ? Duration.ofMillis(200) : e.after();
                await().pollDelay(wait).atMost(wait.plusSeconds(5)).until(() -> true);
            }
            polls++;
            assertThat(polls).as("polls needed").isLessThan(2000);
        }
        return polls;
    }

    @Test
    void ordersInByWebhookAndByPollAndTrackingBackWithinShopifysCostBucket() {
        for (int i = 0; i < SKUS; i++) {
            ledger.setOnHand("SB-" + i, "main", 1_000_000, "seed", "bench");
            SHOP.list("SB-" + i);
        }
        polling.poll(CHANNEL); // the cursor starts now

        // 1. Webhooks: the sandbox pushes signed orders/create to the hub's endpoint, one in ten lost.
        SHOP.start(CHANNEL, List.of(), URI.create("http://127.0.0.1:" + port));
        SHOP.dropEvery(10);
        Set<String> pushed = new HashSet<>();
        long started = System.nanoTime();
        for (int n = 0; n < PUSHED; n++) {
            pushed.add(SHOP.placeOrder("SB-" + (n % SKUS), 1));
        }
        long expectedByWebhook = PUSHED - SHOP.webhooksDropped();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> settled(pushed) >= expectedByWebhook);
        double webhookSeconds = (System.nanoTime() - started) / 1e9;
        long reconcileStart = System.nanoTime();
        int reconcilePolls = pollUntilSettled(pushed);
        double reconcileSeconds = (System.nanoTime() - reconcileStart) / 1e9;
        SHOP.dropEvery(0);

        // 2. The poll alone, with a THROTTLED spell (another app drained the bucket) and 5 lost answers.
        Set<String> polled = new HashSet<>();
        Instant at = Instant.now();
        for (int n = 0; n < POLLED; n++) {
            long id = 9_200_000_000_000_000_000L + n;
            SHOP.putOrder(id, List.<Object[]>of(new Object[] {"SB-" + (n % SKUS), 1}, new Object[] {"SB-" + ((n * 7) % SKUS), 1}), at);
            polled.add(Long.toString(id));
        }
        SHOP.spend(ShopifySandbox.STANDARD_BUCKET);
        SHOP.loseAnswers("orders(first:", 5);
        started = System.nanoTime();
        int polls = pollUntilSettled(polled);
        double pollSeconds = (System.nanoTime() - started) / 1e9;
        long importedTwice = jdbc.sql("SELECT COUNT(*) - COUNT(DISTINCT channel_order_id) FROM orders WHERE channel = :channel")
                .param("channel", CHANNEL).query(Long.class).single();

        // 3. Tracking back: fulfilments, with 20 answers of fulfillmentCreate lost.
        List<String> toShip = new ArrayList<>(polled).subList(0, Math.min(SHIPPED, polled.size()));
        List<String> hubIds = jdbc.sql("SELECT hub_order_id FROM orders WHERE channel = :channel AND channel_order_id IN (:ids)")
                .param("channel", CHANNEL).param("ids", toShip).query(String.class).list();
        for (String hubId : hubIds) {
            shipments.record(hubId, new Shipments.Request("DHL Express", null, "JJD" + hubId.hashCode(), null, List.of()));
        }
        SHOP.loseAnswers("fulfillmentCreate(", 20);
        started = System.nanoTime();
        int rounds = 0;
        while (confirmedCount(toShip) < toShip.size()) {
            try {
                confirmations.confirmDue();
            } catch (RuntimeException e) {
                // a round that met a RetryLater is the next round's work
            }
            rounds++;
            assertThat(rounds).as("confirmation rounds").isLessThan(20_000);
        }
        double confirmSeconds = (System.nanoTime() - started) / 1e9;
        long fulfilledTwice = 0;
        for (String id : toShip) {
            fulfilledTwice += Math.max(0, SHOP.fulfillments(Long.parseLong(id)).size() - 1);
        }

        Map<String, Object> results = BenchResults.start("shopify", "mvn -B -Pbench test -Dtest=ShopifyBenchmark");
        results.put("setup", "Shopify sandbox (Admin GraphQL 2026-04) in the test JVM at the Standard plan's cost bucket (2000 points, "
                + "100 points/s restore), PostgreSQL + embedded Artemis; " + PUSHED + " one-line orders pushed as signed orders/create "
                + "webhooks, one in ten dropped and found by the reconciliation poll; " + POLLED + " two-line orders read by the poll "
                + "alone (pages of 10) from an empty bucket with 5 lost answers; " + SHIPPED + " shipments confirmed as fulfilments "
                + "with 20 lost fulfillmentCreate answers");
        results.put("webhookOrdersPerSecond", Math.round(expectedByWebhook / webhookSeconds));
        results.put("webhooksDropped", SHOP.webhooksDropped());
        results.put("reconcileSecondsForDropped", Math.round(reconcileSeconds * 10) / 10.0);
        results.put("reconcilePolls", reconcilePolls);
        results.put("polledOrdersPerSecond", Math.round(POLLED / pollSeconds * 10) / 10.0);
        results.put("pollsNeeded", polls);
        results.put("ordersImportedTwice", importedTwice);
        results.put("confirmationsPerSecond", Math.round(toShip.size() / confirmSeconds * 10) / 10.0);
        results.put("confirmationRounds", rounds);
        results.put("fulfilledTwice", fulfilledTwice);
        results.put("publishedLimit", "GraphQL Admin, Standard plan: 100 cost points/s restore (shopify.dev, GraphQL Admin API rate "
                + "limits); webhooks cost no points");
        BenchResults.write("shopify", results);

        assertThat(importedTwice).isZero();
        assertThat(fulfilledTwice).isZero();
    }

    private long confirmedCount(List<String> channelOrderIds) {
        return jdbc.sql("SELECT COUNT(*) FROM channel_confirmations c JOIN shipments s ON s.shipment_id = c.shipment_id "
                        + "JOIN orders o ON o.hub_order_id = s.hub_order_id WHERE c.status = 'CONFIRMED' AND o.channel = :channel "
                        + "AND o.channel_order_id IN (:ids)")
                .param("channel", CHANNEL).param("ids", channelOrderIds).query(Long.class).single();
    }

    @AfterAll
    static void stop() {
        SHOP.close();
    }
}

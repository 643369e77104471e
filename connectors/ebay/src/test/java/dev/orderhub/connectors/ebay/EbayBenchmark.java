package dev.orderhub.connectors.ebay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.bench.BenchResults;
import dev.orderhub.conformance.StubTap;
import dev.orderhub.connectors.ebay.sandbox.EbaySandbox;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.order.OrderPolling;
import dev.orderhub.order.ShipmentConfirmations;
import dev.orderhub.order.Shipments;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The eBay flow through the whole hub against its sandbox, on PostgreSQL + embedded Artemis:
 * orders in (getOrders, pages of 200, intake, reservation) and tracking back
 * (getShippingFulfillments + createShippingFulfillment per parcel), each once under normal
 * service and once with faults (429s, expired tokens, lost createShippingFulfillment answers),
 * within the manifest's rates. Every order imported once, every parcel one fulfillment.
 * Run: {@code mvn -B -Pbench test -Dtest=EbayBenchmark}.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.root=WARN", "orderhub.orders-in.poll-interval-ms=3600000",
                "orderhub.shipment-confirm.interval-ms=3600000", "orderhub.shipment-confirm.backoff-ms=20"})
@ActiveProfiles({"test", "postgres"})
class EbayBenchmark {

    static final String CHANNEL = "ebay-bench";
    static final int ORDERS = Integer.getInteger("bench.ebay.orders", 2000);
    static final int SKUS = 200;
    static final EbaySandbox SANDBOX = new EbaySandbox();
    static final StubTap TAP = new StubTap(EbaySandbox::errorBody);

    @DynamicPropertySource
    static void account(DynamicPropertyRegistry registry) {
        Map<String, String> properties = SANDBOX.start(CHANNEL, List.of(), null);
        SANDBOX.contexts().forEach(TAP::on);
        String prefix = "orderhub.channels." + CHANNEL + ".";
        registry.add(prefix + "name", () -> "eBay (benchmark)");
        registry.add(prefix + "locations[0]", () -> "main");
        registry.add(prefix + "connector.name", () -> "ebay");
        properties.forEach((name, value) -> registry.add(prefix + "connector.properties." + name, () -> value));
        registry.add(prefix + "connector.properties.pageSize", () -> "200");
        registry.add(prefix + "stock-sink.enabled", () -> "false"); // orders and tracking only
    }

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

    private long settled(String prefix) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix AND status = 'RESERVED'")
                .param("channel", CHANNEL).param("prefix", prefix + "%").query(Long.class).single();
    }

    private double[] importAll(String prefix, int count, Runnable faults) {
        long started = System.nanoTime();
        int polls = 0;
        faults.run();
        while (settled(prefix) < count) {
            try {
                polling.poll(CHANNEL);
            } catch (RuntimeException e) {
                // a poll that gave up (throttled for long) is the next poll's work
            }
            polls++;
            if (settled(prefix) < count) {
                await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
            assertThat(polls).as("polls needed").isLessThan(300);
        }
        return new double[] {count / ((System.nanoTime() - started) / 1e9), polls};
    }

    private double[] shipAndConfirm(String prefix) {
        List<String> ids = jdbc.sql("SELECT hub_order_id FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix")
                .param("channel", CHANNEL).param("prefix", prefix + "%").query(String.class).list();
        for (String id : ids) {
            shipments.record(id, new Shipments.Request("DHL", null, "T" + id.replaceAll("[^A-Za-z0-9]", "").substring(0, 12), null, List.of()));
        }
        long started = System.nanoTime();
        int rounds = 0;
        while (jdbc.sql("SELECT COUNT(*) FROM channel_confirmations c JOIN shipments s ON s.shipment_id = c.shipment_id "
                        + "JOIN orders o ON o.hub_order_id = s.hub_order_id WHERE c.status = 'CONFIRMED' AND o.channel_order_id LIKE :prefix")
                .param("prefix", prefix + "%").query(Long.class).single() < ids.size()) {
            try {
                confirmations.confirmDue();
            } catch (RuntimeException e) {
                // throttled: the next round's work
            }
            rounds++;
            assertThat(rounds).as("confirmation rounds needed").isLessThan(5000);
        }
        return new double[] {ids.size() / ((System.nanoTime() - started) / 1e9), rounds, ids.size()};
    }

    @Test
    void ordersInAndTrackingBackUnderNormalServiceAndUnderFaults() {
        for (int i = 0; i < SKUS; i++) {
            ledger.setOnHand("EB-" + i, "main", 1_000_000, "seed", "bench");
        }
        Instant base = Instant.now().minusSeconds(3600);
        for (int n = 0; n < ORDERS; n++) {
            SANDBOX.put(SANDBOX.order(String.format("10-%05d-%05d", n / 100_000, n % 100_000), "EB-" + (n % SKUS), 1, "12.50", "EUR",
                    base.plusMillis(n * 500L)));
        }
        double[] normal = importAll("10-", ORDERS, () -> { });

        int faultOrders = ORDERS / 2;
        Instant later = Instant.now().minusSeconds(60);
        for (int n = 0; n < faultOrders; n++) {
            SANDBOX.put(SANDBOX.order(String.format("20-%05d-%05d", n / 100_000, n % 100_000), "EB-" + (n % SKUS), 2, "12.50", "EUR",
                    later.plusMillis(n * 10L)));
        }
        double[] faulted = importAll("20-", faultOrders, () -> {
            TAP.failNext(c -> c.path().equals(EbayOrders.PATH), 429, 3);
            SANDBOX.expireTokens();
        });
        long importedTwice = jdbc.sql("SELECT COUNT(*) - COUNT(DISTINCT channel_order_id) FROM orders WHERE channel = :channel")
                .param("channel", CHANNEL).query(Long.class).single();

        double[] confirmed = shipAndConfirm("10-00000-001"); // 100 parcels
        SANDBOX.loseAnswers(c -> c.startsWith("POST ") && c.endsWith("/shipping_fulfillment"), EbaySandbox.Loss.DROPPED, 5);
        SANDBOX.loseAnswers(c -> c.startsWith("POST ") && c.endsWith("/shipping_fulfillment"), EbaySandbox.Loss.SERVER_ERROR, 5);
        SANDBOX.expireTokens();
        double[] confirmedWithFaults = shipAndConfirm("20-00000-001");
        long fulfillmentsTwice = 0;
        for (String prefix : List.of("10-00000-001", "20-00000-001")) {
            for (int n = 0; n < 100; n++) {
                List<JsonNode> made = SANDBOX.fulfillments(prefix + String.format("%02d", n));
                Set<String> tracking = new HashSet<>();
                fulfillmentsTwice += made.stream().filter(f -> !tracking.add(f.path("shipmentTrackingNumber").asText())).count();
            }
        }
        long getOrdersCalls = TAP.exchanges().stream().filter(e -> e.call().path().equals(EbayOrders.PATH)).count();
        long fulfillmentCalls = TAP.exchanges().stream().filter(e -> e.call().path().endsWith("/shipping_fulfillment")).count();

        Map<String, Object> results = BenchResults.start("ebay", "mvn -B -Pbench test -Dtest=EbayBenchmark");
        results.put("setup", "eBay sandbox in the test JVM, PostgreSQL + embedded Artemis; " + ORDERS + " orders read with getOrders "
                + "in pages of 200 and imported; then " + faultOrders + " more with 3 x 429 and expired tokens; 100 parcels confirmed "
                + "(getShippingFulfillments + createShippingFulfillment each), then 100 more with 5 dropped answers, 5 x 500 and expired tokens");
        results.put("publishedLimits", "Fulfillment API 100,000 calls/day per application (1.16/s); manifest: getOrders 1/s burst 100, "
                + "get/createShippingFulfillment 0.5/s burst 50 each");
        results.put("ordersInPerSecond", Math.round(normal[0]));
        results.put("pollsNeeded", (int) normal[1]);
        results.put("ordersInWithFaultsPerSecond", Math.round(faulted[0]));
        results.put("pollsNeededWithFaults", (int) faulted[1]);
        results.put("ordersImportedTwice", importedTwice);
        results.put("confirmationsPerSecond", Math.round(confirmed[0] * 100) / 100.0);
        results.put("confirmationsWithFaultsPerSecond", Math.round(confirmedWithFaults[0] * 100) / 100.0);
        results.put("confirmationRoundsWithFaults", (int) confirmedWithFaults[1]);
        results.put("parcelsWithTwoFulfillments", fulfillmentsTwice);
        results.put("getOrdersCalls", getOrdersCalls);
        results.put("shippingFulfillmentCalls", fulfillmentCalls);
        BenchResults.write("ebay", results);

        assertThat(importedTwice).isZero();
        assertThat(fulfillmentsTwice).isZero();
    }

    @AfterAll
    static void stop() {
        SANDBOX.close();
    }
}

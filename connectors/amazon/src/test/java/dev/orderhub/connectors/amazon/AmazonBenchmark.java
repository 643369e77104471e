package dev.orderhub.connectors.amazon;

import dev.orderhub.bench.BenchResults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.orderhub.order.OrderPolling;
import dev.orderhub.order.ShipmentConfirmations;
import dev.orderhub.inventory.StockLedger;
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
 * The Amazon flow against the SP-API stub on PostgreSQL + embedded Artemis: orders in (poll,
 * pages of 100, intake, reservation) and tracking back (shipments confirmed), each once under
 * normal service and once with faults injected (429s, an expired token, 500s on
 * confirmShipment): every order imported once, every shipment confirmed once.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.root=WARN", "orderhub.orders-in.poll-interval-ms=3600000",
                "orderhub.shipment-confirm.interval-ms=3600000", "orderhub.shipment-confirm.backoff-ms=20"})
@ActiveProfiles({"test", "postgres"})
class AmazonBenchmark {

    static final String CHANNEL = "amazon-bench";
    static final int ORDERS = Integer.getInteger("bench.amazon.orders", 5000);
    static final int SKUS = 500;
    static final SpApiStub STUB = SpApiStub.start();

    @DynamicPropertySource
    static void account(DynamicPropertyRegistry registry) {
        STUB.registerAccount(registry, CHANNEL, 100);
        registry.add("orderhub.channels." + CHANNEL + ".stock-sink.enabled", () -> "false"); // orders and tracking only
    }

    @Autowired
    OrderPolling amazon;

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

    /** Polls until every order with this prefix is reserved; answers {orders/s, polls}. */
    private double[] importAll(String prefix, int count, Runnable duringFirstPoll) {
        long started = System.nanoTime();
        int polls = 0;
        boolean faulted = false;
        while (settled(prefix) < count) {
            if (!faulted) {
                duringFirstPoll.run();
                faulted = true;
            }
            try {
                amazon.poll(CHANNEL);
            } catch (RuntimeException e) {
                // a poll that gave up (throttled for long) is simply the next poll's work
            }
            polls++;
            if (settled(prefix) < count) {
                await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
            assertThat(polls).as("polls needed").isLessThan(200);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {count / seconds, polls};
    }

    /** Ships every order with this prefix and confirms them all; answers {confirmations/s, rounds}. */
    private double[] shipAndConfirm(String prefix, int count) {
        List<String> ids = jdbc.sql("SELECT hub_order_id FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix")
                .param("channel", CHANNEL).param("prefix", prefix + "%").query(String.class).list();
        for (String id : ids) {
            shipments.record(id, new Shipments.Request("DHL", null, "T" + id.substring(3, 15), null, List.of()));
        }
        long started = System.nanoTime();
        int rounds = 0;
        while (jdbc.sql("SELECT COUNT(*) FROM channel_confirmations c JOIN shipments s ON s.shipment_id = c.shipment_id "
                        + "JOIN orders o ON o.hub_order_id = s.hub_order_id WHERE c.status = 'CONFIRMED' AND o.channel_order_id LIKE :prefix")
                .param("prefix", prefix + "%").query(Long.class).single() < count) {
            confirmations.confirmDue();
            rounds++;
            assertThat(rounds).as("confirmation rounds needed").isLessThan(2000);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {count / seconds, rounds};
    }

    @Test
    void ordersInAndTrackingBackUnderNormalServiceAndUnderFaults() {
        STUB.rateLimitHeader("500"); // the account's usage plan, as Amazon's header announces it
        for (int i = 0; i < SKUS; i++) {
            ledger.setOnHand("AB-" + i, "main", 1_000_000, "seed", "bench");
        }
        Instant base = Instant.now().minusSeconds(3600);
        for (int n = 0; n < ORDERS; n++) {
            STUB.put(SpApiStub.order("NORM-" + n, "MERCHANT", false, base.plusMillis(n * 500L), "AB-" + (n % SKUS), "1",
                    "AB-" + ((n * 7) % SKUS), "1"));
        }
        double[] normal = importAll("NORM-", ORDERS, () -> { });

        int faultOrders = ORDERS / 2;
        Instant later = Instant.now().minusSeconds(60);
        for (int n = 0; n < faultOrders; n++) {
            STUB.put(SpApiStub.order("FAULT-" + n, "MERCHANT", false, later.plusMillis(n * 10L), "AB-" + (n % SKUS), "1"));
        }
        double[] faulted = importAll("FAULT-", faultOrders, () -> {
            STUB.throttleNext(3);
            STUB.expireTokens();
        });
        long importedTwice = jdbc.sql("SELECT COUNT(*) - COUNT(DISTINCT channel_order_id) FROM orders WHERE channel = :channel")
                .param("channel", CHANNEL).query(Long.class).single();

        double[] confirmed = shipAndConfirm("NORM-1", countWithPrefix("NORM-1"));
        STUB.failConfirmationsNext(50);
        double[] confirmedWithFaults = shipAndConfirm("FAULT-1", countWithPrefix("FAULT-1"));
        Set<String> parcels = new HashSet<>();
        long confirmedTwice = 0;
        for (SpApiStub.Confirmation c : STUB.confirmations()) {
            if (!parcels.add(c.orderId() + "#" + c.body().path("packageDetail").path("packageReferenceId").asText())) {
                confirmedTwice++;
            }
        }

        Map<String, Object> results = BenchResults.start("amazon", "mvn -B -Pbench test -Dtest=AmazonBenchmark");
        results.put("setup", "SP-API stub in the test JVM, PostgreSQL + embedded Artemis; " + ORDERS + " two-line orders read "
                + "with searchOrders in pages of 100 and imported; then the same with 3 x 429 and an expired token; "
                + "shipments confirmed with confirmShipment, then with 50 x 500 injected");
        results.put("ordersInPerSecond", Math.round(normal[0]));
        results.put("pollsNeeded", (int) normal[1]);
        results.put("ordersInWithFaultsPerSecond", Math.round(faulted[0]));
        results.put("pollsNeededWithFaults", (int) faulted[1]);
        results.put("ordersImportedTwice", importedTwice);
        results.put("confirmationsPerSecond", Math.round(confirmed[0]));
        results.put("confirmationsWithFaultsPerSecond", Math.round(confirmedWithFaults[0]));
        results.put("confirmationRoundsWithFaults", (int) confirmedWithFaults[1]);
        results.put("parcelsConfirmedTwice", confirmedTwice);
        BenchResults.write("amazon", results);

        assertThat(importedTwice).isZero();
        assertThat(confirmedTwice).isZero();
    }

    private int countWithPrefix(String prefix) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix")
                .param("channel", CHANNEL).param("prefix", prefix + "%").query(Integer.class).single();
    }

    @AfterAll
    static void stop() {
        STUB.close();
    }
}

package dev.orderhub.connectors.bol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.orderhub.bench.BenchResults;
import dev.orderhub.connectors.bol.sandbox.BolSandbox;
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
 * bol.com through the hub against its sandbox on PostgreSQL + embedded Artemis: orders in (list
 * and one detail per order, intake, reservation) and tracking back (shipments followed through
 * their process status), under normal service and with faults (an expired token, 429s from a
 * tight get-order window, lost create-shipment answers). The sandbox throttles each endpoint at
 * the manifest's budget, so the figures show what those budgets allow.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"logging.level.root=WARN", "orderhub.orders-in.poll-interval-ms=3600000",
                "orderhub.shipment-confirm.interval-ms=3600000", "orderhub.shipment-confirm.backoff-ms=20"})
@ActiveProfiles({"test", "postgres"})
class BolBenchmark {

    static final String CHANNEL = "bol-bench";
    static final int ORDERS = Integer.getInteger("bench.bol.orders", 600);
    static final BolSandbox SANDBOX = new BolSandbox().processing(Duration.ofMillis(200));

    @DynamicPropertySource
    static void account(DynamicPropertyRegistry registry) {
        SANDBOX.start(CHANNEL, List.of(), URI.create("http://127.0.0.1"));
        registry.add("orderhub.channels." + CHANNEL + ".name", () -> "bol bench");
        registry.add("orderhub.channels." + CHANNEL + ".locations[0]", () -> "main");
        String prefix = "orderhub.channels." + CHANNEL + ".connector.";
        registry.add(prefix + "name", () -> "bol");
        registry.add(prefix + "properties.endpoint", SANDBOX::endpoint);
        registry.add(prefix + "properties.tokenUrl", SANDBOX::tokenUrl);
        registry.add(prefix + "properties.clientId", () -> BolSandbox.CLIENT_ID);
        registry.add(prefix + "properties.clientSecret", () -> BolSandbox.CLIENT_SECRET);
        registry.add("orderhub.channels." + CHANNEL + ".stock-sink.enabled", () -> "false");
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

    private long reserved(String prefix) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix AND status = 'RESERVED'")
                .param("channel", CHANNEL).param("prefix", prefix + "%").query(Long.class).single();
    }

    private double importAll(String prefix, int count) {
        long started = System.nanoTime();
        int polls = 0;
        while (reserved(prefix) < count) {
            try {
                polling.poll(CHANNEL);
            } catch (RuntimeException e) {
                // a poll that gave up (throttled) is the next poll's work
            }
            assertThat(++polls).as("polls needed").isLessThan(200);
            if (reserved(prefix) < count) {
                await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
        }
        return count / ((System.nanoTime() - started) / 1e9);
    }

    private double shipAndConfirm(String prefix, int count) {
        List<String> ids = jdbc.sql("SELECT hub_order_id FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix")
                .param("channel", CHANNEL).param("prefix", prefix + "%").query(String.class).list();
        ids.forEach(id -> shipments.record(id, new Shipments.Request("PostNL", null, "3S" + id.substring(3, 15), null, List.of())));
        long started = System.nanoTime();
        int rounds = 0;
        while (jdbc.sql("SELECT COUNT(*) FROM channel_confirmations c JOIN shipments s ON s.shipment_id = c.shipment_id "
                        + "JOIN orders o ON o.hub_order_id = s.hub_order_id WHERE c.status = 'CONFIRMED' AND o.channel_order_id LIKE :prefix")
                .param("prefix", prefix + "%").query(Long.class).single() < count) {
            confirmations.confirmDue();
            assertThat(++rounds).as("confirmation rounds").isLessThan(2000);
        }
        return count / ((System.nanoTime() - started) / 1e9);
    }

    @Test
    void ordersInAndTrackingBackUnderNormalServiceAndUnderFaults() {
        SANDBOX.limit(BolOrders.DETAIL, 20).limit(BolOrders.LIST, 5).limit(BolShipments.OPERATION, 10).limit(BolProcesses.GET, 20);
        for (int i = 0; i < 100; i++) {
            ledger.setOnHand("BB-" + i, "main", 1_000_000, "seed", "bench");
        }
        for (int n = 0; n < ORDERS; n++) {
            SANDBOX.putOrder("NORM" + n, "BB-" + (n % 100), 1, Instant.now(), "FBR");
        }
        double normal = importAll("NORM", ORDERS);

        int faultOrders = ORDERS / 2;
        for (int n = 0; n < faultOrders; n++) {
            SANDBOX.putOrder("FAULT" + n, "BB-" + (n % 100), 1, Instant.now(), "FBR");
        }
        SANDBOX.expireTokens();
        SANDBOX.limit(BolOrders.DETAIL, 10); // a tighter window than the manifest's budget: 429s with Retry-After
        double faulted = importAll("FAULT", faultOrders);
        SANDBOX.limit(BolOrders.DETAIL, 20);
        long importedTwice = jdbc.sql("SELECT COUNT(*) - COUNT(DISTINCT channel_order_id) FROM orders WHERE channel = :channel")
                .param("channel", CHANNEL).query(Long.class).single();

        double confirmed = shipAndConfirm("NORM1", countWithPrefix("NORM1"));
        SANDBOX.loseNextAnswers(BolShipments.OPERATION, 20);
        double confirmedWithFaults = shipAndConfirm("FAULT1", countWithPrefix("FAULT1"));
        Set<String> references = new HashSet<>();
        long shippedTwice = 0;
        for (int n = 0; n < ORDERS; n++) {
            for (BolSandbox.Shipment s : SANDBOX.shipments("NORM" + n)) {
                shippedTwice += references.add(s.reference()) ? 0 : 1;
            }
            for (BolSandbox.Shipment s : n < faultOrders ? SANDBOX.shipments("FAULT" + n) : List.<BolSandbox.Shipment>of()) {
                shippedTwice += references.add(s.reference()) ? 0 : 1;
            }
        }

        Map<String, Object> results = BenchResults.start("bol", "mvn -B -Pbench test -Dtest=BolBenchmark");
        results.put("setup", "bol sandbox in the test JVM (get-orders 5/s, get-order 20/s, create-shipment 10/s, process status 20/s,"
                + " processing 200 ms), PostgreSQL + embedded Artemis; " + ORDERS + " orders read (list + detail) and reserved; then "
                + faultOrders + " with an expired token and get-order throttled to 10/s (429 + Retry-After); shipments confirmed "
                + "through their process status, then with 20 lost create-shipment answers");
        results.put("ordersInPerSecond", Math.round(normal));
        results.put("ordersInBudgetPerSecond", "20 (get-order: one detail per order)");
        results.put("ordersInWithFaultsPerSecond", Math.round(faulted));
        results.put("ordersImportedTwice", importedTwice);
        results.put("confirmationsPerSecond", Math.round(confirmed));
        results.put("confirmationsBudgetPerSecond", "10 (create-shipment)");
        results.put("confirmationsWithFaultsPerSecond", Math.round(confirmedWithFaults));
        results.put("shipmentsSentTwice", shippedTwice);
        results.put("tokenGrants", SANDBOX.tokenGrants());
        BenchResults.write("bol", results);

        assertThat(importedTwice).isZero();
        assertThat(shippedTwice).isZero();
    }

    private int countWithPrefix(String prefix) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix")
                .param("channel", CHANNEL).param("prefix", prefix + "%").query(Integer.class).single();
    }

    @AfterAll
    static void stop() {
        SANDBOX.close();
    }
}

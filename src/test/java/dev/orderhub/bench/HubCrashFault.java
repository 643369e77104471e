package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSConsumer;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the hub under load, then a restart: every order that got a 2xx is there exactly
 * once, reservations equal the open order lines, no stock is negative, and a subscriber that
 * checks event ids never sees one twice. The hub runs as its own process (the packaged jar,
 * PostgreSQL, embedded Artemis with its journal), as in production.
 */
class HubCrashFault {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SKUS = 50;

    private HubProcess hub;

    @Test
    void everyAcceptedOrderSurvivesAKillAndIsImportedOnce() throws Exception {
        hub = new HubProcess(null);
        hub.start();
        HubClient client = hub.client();
        for (int i = 0; i < SKUS; i++) {
            client.setStock("K9-" + i, "main", 200);
        }

        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicBoolean listening = new AtomicBoolean(true);
        Thread subscriber = new Thread(() -> subscribe(seen, duplicates, listening), "durable-subscriber");
        subscriber.setDaemon(true);
        subscriber.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.containsKey("ready"));

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(16);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            clients.add(load.submit(() -> {
                while (loading.get()) {
                    int n = sequence.incrementAndGet();
                    try {
                        HubClient.Response answer = client.post("/api/channels/webshop/orders",
                                OrderJson.of("K9-" + n, "K9-" + (n % SKUS), 1 + n % 3));
                        if (answer.status() == 202 || answer.status() == 200) {
                            accepted.add(answer.text("hubOrderId"));
                        }
                    } catch (RuntimeException connectionLost) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 1500);
        long killedAt = System.nanoTime();
        hub.kill(); // SIGKILL: no shutdown hooks, no flush
        int acceptedBeforeKill = accepted.size();
        long storedAtKill = hub.single("SELECT COUNT(*) FROM orders");
        loading.set(false);
        for (Future<?> f : clients) {
            f.get(60, TimeUnit.SECONDS);
        }
        load.shutdown();

        hub.start();
        long healthyAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                hub.single("SELECT COUNT(*) FROM orders WHERE status = 'RECEIVED'") == 0
                        && hub.single("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL") == 0
                        && hub.single("SELECT COUNT(*) FROM orders") >= accepted.size());
        await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() - 1 >= hub.single("SELECT COUNT(*) FROM orders"));
        listening.set(false);

        Map<String, Long> stored = new HashMap<>();
        hub.query("SELECT hub_order_id, COUNT(*) FROM orders GROUP BY hub_order_id", rs -> stored.put(rs.getString(1), rs.getLong(2)));
        Set<String> missing = new HashSet<>(accepted);
        missing.removeAll(stored.keySet());
        long storedTwice = stored.values().stream().filter(n -> n > 1).count();
        long reservedUnits = hub.single("SELECT COALESCE(SUM(reserved), 0) FROM stock");
        long openLineUnits = hub.single("SELECT COALESCE(SUM(l.qty), 0) FROM order_lines l JOIN orders o "
                + "ON o.hub_order_id = l.hub_order_id WHERE o.status = 'RESERVED'");
        long reservationUnits = hub.single("SELECT COALESCE(SUM(qty), 0) FROM reservations");
        long negative = hub.single("SELECT COUNT(*) FROM stock WHERE on_hand - reserved < 0 OR reserved < 0");

        Map<String, Object> results = BenchResults.start("fault-kill9", "bench/faults");
        results.put("setup", "hub jar as its own process on PostgreSQL + embedded Artemis (persistent journal); 16 clients "
                + "posting orders; kill -9 after 1,500 accepted; restart on the same data");
        results.put("ordersAcceptedWith2xx", accepted.size());
        results.put("ordersAcceptedBeforeKill", acceptedBeforeKill);
        results.put("ordersStoredWhenKilled", storedAtKill);
        results.put("requestsFailedByTheKill", refused.get());
        results.put("ordersStored", stored.size());
        results.put("acceptedButMissing", missing.size());
        results.put("storedTwice", storedTwice);
        results.put("reservedUnits", reservedUnits);
        results.put("reservedOrderLineUnits", openLineUnits);
        results.put("reservationRowUnits", reservationUnits);
        results.put("negativeStockRows", negative);
        results.put("orderReceivedEventsSeen", seen.size() - 1);
        results.put("duplicateEventsSeen", duplicates.get());
        results.put("restartToSettledMs", healthyAfterMs);
        BenchResults.write("fault-kill9", results);

        assertThat(missing).as("orders answered 2xx but not stored").isEmpty();
        assertThat(storedTwice).isZero();
        assertThat(reservedUnits).isEqualTo(openLineUnits).isEqualTo(reservationUnits);
        assertThat(negative).isZero();
        assertThat(duplicates.get()).as("events delivered twice").isZero();
    }

    /** A durable subscriber on order.received that checks event ids, across the hub's restart. */
    private void subscribe(Map<String, Integer> seen, AtomicInteger duplicates, AtomicBoolean listening) {
        while (listening.get()) {
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + hub.brokerPort
                    + "?reconnectAttempts=0");
            try (JMSContext context = factory.createContext(HubProcess.ERP_USER, HubProcess.ERP_PASSWORD,
                    JMSContext.CLIENT_ACKNOWLEDGE)) {
                context.setClientID("fault-test-erp");
                JMSConsumer consumer = context.createDurableConsumer(context.createTopic("order.received"), "erp");
                seen.putIfAbsent("ready", 1);
                while (listening.get()) {
                    TextMessage message = (TextMessage) consumer.receive(200);
                    if (message == null) {
                        continue;
                    }
                    JsonNode envelope = JSON.readTree(message.getText());
                    if (seen.merge(envelope.get("id").asText(), 1, Integer::sum) > 1) {
                        duplicates.incrementAndGet();
                    }
                    message.acknowledge();
                }
            } catch (Exception brokerGone) {
                await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
            } finally {
                factory.close();
            }
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }
}

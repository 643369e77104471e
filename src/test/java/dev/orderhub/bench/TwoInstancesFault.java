package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.EventProbe;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scale-out on real engines: two hub processes share one PostgreSQL schema and one standalone
 * Artemis broker. 400 orders for one sku with 50 units, posted to both instances at once:
 * exactly 50 reserved, never oversold, no order imported twice. Also reports orders/s with
 * two instances against one (on 2 cores this shows contention, not scale).
 */
class TwoInstancesFault {

    private final List<HubProcess> hubs = new ArrayList<>();
    private StandaloneArtemis broker;

    @Test
    void twoInstancesNeverOversellAndImportEachOrderOnce() throws Exception {
        assumeTrue(StandaloneArtemis.available(),
                "needs the Artemis distribution under target/artemis (bench/faults fetches it from Maven Central)");
        broker = new StandaloneArtemis();
        broker.start();
        Map<String, String> credentials = Map.of("ORDERHUB_BROKER_USER", StandaloneArtemis.USER,
                "ORDERHUB_BROKER_PASSWORD", StandaloneArtemis.PASSWORD);
        HubProcess first = new HubProcess(broker.url());
        first.start(credentials);
        hubs.add(first);
        HubProcess second = new HubProcess(broker.url(), first.schema);
        second.start(credentials);
        hubs.add(second);

        // Correctness: one hot sku, 50 units, 400 orders over both instances and 4 channels,
        // watched by a subscriber on the broker that checks event ids and per-sku order.
        first.client().setStock("HOT", "main", 50);
        ActiveMQConnectionFactory subscriber = new ActiveMQConnectionFactory(broker.url(), StandaloneArtemis.USER,
                StandaloneArtemis.PASSWORD);
        EventProbe events = EventProbe.subscribe(subscriber, "order.received", "stock.changed");
        List<String> channels = List.of("webshop", "b2b", "pos", "manual");
        int answered = post(400, n -> hubs.get(n % 2).client(), n -> OrderJson.of("HOT-" + n, "HOT", 1),
                n -> channels.get(n % 4));
        assertThat(answered).isEqualTo(400);
        await().atMost(Duration.ofMinutes(2)).until(() -> first.single("SELECT COUNT(*) FROM orders WHERE status IN "
                + "('RESERVED', 'BACKORDERED')") == 400);
        await().atMost(Duration.ofMinutes(1)).until(() -> events.all().stream()
                .filter(e -> e.path("type").asText().equals("order.received")).count() >= 400);
        List<JsonNode> seen = events.all();
        long eventsTwice = seen.size() - seen.stream().map(e -> e.path("id").asText()).distinct().count();
        // One sku's stock events must arrive in the order they happened: only reservations were
        // made, so "reserved" may never go down along the stream.
        List<Long> hotReserved = seen.stream().filter(e -> e.path("type").asText().equals("stock.changed"))
                .filter(e -> e.path("payload").path("sku").asText().equals("HOT"))
                .map(e -> e.path("payload").path("reserved").asLong()).toList();
        long outOfOrder = 0;
        for (int i = 1; i < hotReserved.size(); i++) {
            outOfOrder += hotReserved.get(i) < hotReserved.get(i - 1) ? 1 : 0;
        }
        // Each poller has one holder in the cluster.
        Map<String, Long> holders = new java.util.TreeMap<>();
        first.query("SELECT name, COUNT(DISTINCT holder) FROM cluster_leases GROUP BY name",
                rs -> holders.put(rs.getString(1), rs.getLong(2)));
        String relayHolder = first.text("SELECT holder FROM cluster_leases WHERE name = 'outbox-relay'");
        long reserved = first.single("SELECT COUNT(*) FROM orders WHERE status = 'RESERVED'");
        long stockReserved = first.single("SELECT reserved FROM stock WHERE sku = 'HOT'");
        long negative = first.single("SELECT COUNT(*) FROM stock WHERE on_hand - reserved < 0");
        long duplicates = first.single("SELECT COUNT(*) - COUNT(DISTINCT (channel, channel_order_id)) FROM orders");
        long importedByEach = first.single("SELECT COUNT(*) FROM orders");

        // Failover: the instance relaying events dies; the other takes the lease over and publishes.
        HubProcess relaying = relayHolder.startsWith(first.pid() + "@") ? first : second;
        HubProcess survivor = relaying == first ? second : first;
        relaying.kill();
        long killedAt = System.nanoTime();
        assertThat(post(20, n -> survivor.client(), n -> OrderJson.of("AFTER-" + n, "HOT", 1), n -> "webshop")).isEqualTo(20);
        await().atMost(Duration.ofSeconds(60)).until(() -> events.all().stream()
                .filter(e -> e.path("type").asText().equals("order.received"))
                .filter(e -> e.path("payload").path("channelOrderId").asText().startsWith("AFTER-")).count() == 20);
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        String newHolder = survivor.text("SELECT holder FROM cluster_leases WHERE name = 'outbox-relay'");
        events.close();
        hubs.remove(relaying);
        hubs.add(0, survivor);
        HubProcess restarted = new HubProcess(broker.url(), survivor.schema);
        restarted.start(credentials);
        hubs.add(restarted);

        // Throughput: the same load once through one instance, once through both.
        for (int i = 0; i < 200; i++) {
            hubs.get(0).client().setStock("TP-" + i, "main", 1_000_000);
        }
        double one = throughput(List.of(hubs.get(0)), "ONE");
        double two = throughput(hubs, "TWO");

        Map<String, Object> results = BenchResults.start("scale-out-two-instances", "bench/faults");
        results.put("setup", "two hub processes sharing one PostgreSQL schema and one standalone Artemis 2.40.0; "
                + "400 orders of 1 unit for a sku with 50, over both instances and 4 channels");
        results.put("ordersImported", importedByEach);
        results.put("reservedOrders", reserved);
        results.put("unitsReserved", stockReserved);
        results.put("negativeStockRows", negative);
        results.put("ordersImportedTwice", duplicates);
        results.put("eventsReceivedTwice", eventsTwice);
        results.put("hotSkuStockEventsOutOfOrder", outOfOrder);
        results.put("leaseHoldersPerPoller", holders);
        results.put("relayFailoverAfterKillMs", failoverMs);
        results.put("settledOrdersPerSecondOneInstance", Math.round(one));
        results.put("settledOrdersPerSecondTwoInstances", Math.round(two));
        BenchResults.write("scale-out-two-instances", results);

        assertThat(reserved).isEqualTo(50);
        assertThat(stockReserved).isEqualTo(50);
        assertThat(negative).isZero();
        assertThat(duplicates).isZero();
        assertThat(eventsTwice).isZero();
        assertThat(hotReserved).isNotEmpty();
        assertThat(hotReserved.get(hotReserved.size() - 1)).isEqualTo(50);
        assertThat(outOfOrder).isZero();
        assertThat(holders).containsKey("outbox-relay").allSatisfy((name, count) -> assertThat(count).isEqualTo(1));
        assertThat(newHolder).startsWith(survivor.pid() + "@");
    }

    /** 2,000 two-line orders through these instances; settled orders per second. */
    private double throughput(List<HubProcess> through, String tag) throws Exception {
        HubProcess db = hubs.get(0);
        long before = db.single("SELECT COUNT(*) FROM orders");
        long started = System.nanoTime();
        post(2000, n -> through.get(n % through.size()).client(),
                n -> OrderJson.order(tag + "-" + n).line("TP-" + (n % 200), 1).line("TP-" + ((n * 7) % 200), 1).json(),
                n -> "webshop");
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() ->
                db.single("SELECT COUNT(*) FROM orders WHERE status <> 'RECEIVED'") >= before + 2000);
        return 2000 / ((System.nanoTime() - started) / 1e9);
    }

    private interface ByIndex<T> {
        T of(int n);
    }

    private int post(int count, ByIndex<HubClient> client, ByIndex<String> json, ByIndex<String> channel) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            int i = n;
            Callable<Integer> post = () -> {
                go.await();
                int status = client.of(i).post("/api/channels/" + channel.of(i) + "/orders", json.of(i)).status();
                return status == 202 || status == 200 ? 1 : 0;
            };
            answers.add(pool.submit(post));
        }
        go.countDown();
        int ok = 0;
        for (Future<Integer> answer : answers) {
            ok += answer.get(2, TimeUnit.MINUTES);
        }
        pool.shutdown();
        return ok;
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (HubProcess hub : hubs) {
            hub.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}

package dev.orderhub.connectors.webhook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.orderhub.bench.BenchResults;
import dev.orderhub.connectors.webhook.WebhookStockStub;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.inventory.StockLevel;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Stock change -> value accepted by all 5 channel stubs, at 100 sku changes per second across
 * 1,000 skus, with the stubs (and the hub) limited to 5 requests/s per channel and batches of
 * up to 100 values per request. PostgreSQL and embedded Artemis; production poll intervals.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "postgres"})
class StockSyncLatencyBenchmark {

    static final int CHANNELS = 5;
    static final int SKUS = 1000;
    static final int CHANGES_PER_SECOND = 100;
    static final int SECONDS = Integer.getInteger("bench.seconds", 30);
    static final WebhookStockStub STUB = BenchStubs.start();

    @DynamicPropertySource
    static void fiveRateLimitedChannels(DynamicPropertyRegistry registry) {
        BenchStubs.channels(registry, STUB, CHANNELS, List.of("main"));
        registry.add("orderhub.default-buffer.units", () -> "0");
    }

    @AfterAll
    static void stopStub() {
        STUB.close();
    }

    @Autowired
    StockLedger ledger;

    record Change(String sku, long atNanos, long available) {
    }

    @Test
    void changeToAcceptedByAllChannels() throws Exception {
        STUB.rateLimit(5);
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < SKUS; i++) {
            skus.add(String.format("BENCH-%04d", i));
        }
        for (String sku : skus) {
            ledger.setOnHand(sku, "main", 20, "seed", "bench");
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> skus.stream()
                .allMatch(s -> channels().stream().allMatch(c -> Long.valueOf(20).equals(STUB.shown(c, s)))));
        int seedRequests = STUB.requests();
        int seedItems = STUB.all().size();
        int seedThrottled = STUB.throttled();

        Random random = new Random(42);
        Map<String, Long> current = new ConcurrentHashMap<>();
        skus.forEach(s -> current.put(s, 20L));
        List<Change> changes = new CopyOnWriteArrayList<>();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        load.scheduleAtFixedRate(() -> {
            String sku = skus.get(random.nextInt(SKUS));
            long now = current.get(sku);
            double dice = random.nextDouble();
            StockLevel after;
            if (now == 0) {
                after = ledger.setOnHand(sku, "main", 5 + random.nextInt(16), "receipt", "bench");
            } else if (dice < 0.1) {
                after = ledger.setOnHand(sku, "main", 0, "sold out", "bench");
            } else {
                after = ledger.adjust(sku, "main", -Math.min(now, 1 + random.nextInt(3)), "sale", "bench");
            }
            current.put(sku, after.available());
            changes.add(new Change(sku, System.nanoTime(), after.available()));
        }, 0, 1_000_000 / CHANGES_PER_SECOND, TimeUnit.MICROSECONDS);
        TimeUnit.SECONDS.sleep(SECONDS); // the load runs for this long; this is not synchronisation
        load.shutdown();
        assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        long loadNanos = System.nanoTime() - started;

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> current.entrySet().stream()
                .allMatch(e -> channels().stream().allMatch(c -> e.getValue().equals(STUB.shown(c, e.getKey())))));

        // Per change: when had every channel accepted a value at least as new as it?
        Map<String, List<Change>> bySku = new HashMap<>();
        changes.forEach(c -> bySku.computeIfAbsent(c.sku(), k -> new ArrayList<>()).add(c));
        Map<String, List<WebhookStockStub.Received>> receipts = new HashMap<>();
        STUB.all().forEach(r -> receipts.computeIfAbsent(r.channel() + "|" + r.sku(), k -> new ArrayList<>()).add(r));
        List<Long> all = new ArrayList<>();
        List<Long> zero = new ArrayList<>();
        for (List<Change> sequence : bySku.values()) {
            for (int i = 0; i < sequence.size(); i++) {
                Change change = sequence.get(i);
                List<Long> laterValues = sequence.subList(i, sequence.size()).stream().map(Change::available).toList();
                long slowest = 0;
                for (String channel : channels()) {
                    long acceptedAt = receipts.getOrDefault(channel + "|" + change.sku(), List.of()).stream()
                            .filter(r -> r.atNanos() > change.atNanos() && laterValues.contains(r.quantity()))
                            .mapToLong(WebhookStockStub.Received::atNanos).min().orElse(Long.MAX_VALUE);
                    slowest = Math.max(slowest, acceptedAt - change.atNanos());
                }
                if (slowest == Long.MAX_VALUE - change.atNanos()) {
                    continue; // superseded by an equal earlier value the channel already showed
                }
                all.add(slowest / 1_000_000);
                if (change.available() == 0) {
                    zero.add(slowest / 1_000_000);
                }
            }
        }
        Collections.sort(all);
        Collections.sort(zero);

        // Stale: a channel got a lower version after a higher one for the same sku.
        long stale = 0;
        for (List<WebhookStockStub.Received> sequence : receipts.values()) {
            for (int i = 1; i < sequence.size(); i++) {
                if (sequence.get(i).version() <= sequence.get(i - 1).version()) {
                    stale++;
                }
            }
        }
        int loadItems = STUB.all().size() - seedItems;
        int loadRequests = STUB.requests() - seedRequests;

        Map<String, Object> results = BenchResults.start("stock-sync-latency",
                "mvn -B -Pbench test -Dtest=StockSyncLatencyBenchmark");
        results.put("setup", SKUS + " skus, " + CHANNELS + " webhook channel stubs at 5 requests/s each (hub at 90% of that, evenly spaced), "
                + "batches up to 100, PostgreSQL + embedded Artemis, outbox poll 100 ms, push poll 50 ms");
        results.put("changes", changes.size());
        results.put("changesPerSecond", Math.round(changes.size() / (loadNanos / 1e9)));
        results.put("latencyMs", Map.of("p50", BenchResults.percentile(all, 50), "p99", BenchResults.percentile(all, 99),
                "max", all.isEmpty() ? -1 : all.get(all.size() - 1), "measured", all.size()));
        results.put("latencyToZeroMs", Map.of("p50", BenchResults.percentile(zero, 50), "p99", BenchResults.percentile(zero, 99),
                "max", zero.isEmpty() ? -1 : zero.get(zero.size() - 1), "measured", zero.size(), "goalP99", 1000));
        results.put("valuesPushedPerChangePerChannel", Math.round(100.0 * loadItems / CHANNELS / changes.size()) / 100.0);
        results.put("requestsPerChannelPerSecond", Math.round(10.0 * loadRequests / CHANNELS / (loadNanos / 1e9)) / 10.0);
        results.put("throttledByStubs", STUB.throttled() - seedThrottled);
        results.put("staleValuesSent", stale);
        BenchResults.write("stock-sync-latency", results);

        assertThat(stale).isZero();
    }

    private static List<String> channels() {
        return BenchStubs.names(CHANNELS);
    }
}

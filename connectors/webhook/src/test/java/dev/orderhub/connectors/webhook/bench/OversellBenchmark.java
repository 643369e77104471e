package dev.orderhub.connectors.webhook.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.bench.BenchResults;
import dev.orderhub.connectors.webhook.WebhookStockStub;
import dev.orderhub.inventory.Bundles;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.stocksync.StockSync;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Oversell as sellers feel it: 5 channel stubs sell a listing only while the quantity last
 * pushed to them is above zero. 1,000 buyer visits per round meet 100 units
 * spread over 3 locations, 6 products and 2 bundles. An order a channel accepted that the hub
 * could not fill ends BACKORDERED: that is an oversell. Rounds run at a flash-sale pace
 * (a visit every 20 ms per channel, 250/s) and a busy-day pace (every 200 ms, 25/s). The
 * subclasses run it with the default buffers and with buffers at zero.
 */
abstract class OversellBenchmark {

    static final int CHANNELS = 5;
    static final int VISITS = 1000;
    static final List<String> LOCATIONS = List.of("main", "east", "tpl");
    /** Units per product at main, east, tpl: 100 in all. */
    static final Map<String, long[]> STOCK = new LinkedHashMap<>();

    static {
        STOCK.put("P1", new long[] {10, 5, 5});
        STOCK.put("P2", new long[] {8, 4, 3});
        STOCK.put("P3", new long[] {10, 6, 4});
        STOCK.put("P4", new long[] {6, 6, 3});
        STOCK.put("P5", new long[] {5, 5, 5});
        STOCK.put("P6", new long[] {5, 5, 5});
    }

    static void threeLocationsFiveChannels(DynamicPropertyRegistry registry, WebhookStockStub stub) {
        registry.add("orderhub.locations.east.name", () -> "East warehouse");
        registry.add("orderhub.locations.tpl.name", () -> "3PL West");
        registry.add("orderhub.locations.tpl.kind", () -> "THREE_PL");
        BenchStubs.channels(registry, stub, CHANNELS, LOCATIONS);
    }

    @LocalServerPort
    int port;

    @Autowired
    StockLedger ledger;

    @Autowired
    Bundles bundles;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StockSync stockSync;

    abstract WebhookStockStub stub();

    abstract String name();

    abstract String buffers();

    /** Rounds per pace; each round has its own skus. */
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    @Test
    void buyersOnFiveChannelsAgainstHundredUnits() throws Exception {
        Map<String, Object> results = BenchResults.start(name(), "mvn -B -Pbench test -Dtest='Oversell*Benchmark'");
        results.put("setup", VISITS + " buyer visits per round over " + CHANNELS + " channels, 100 units of 6 products "
                + "over 3 locations and 2 bundles per round; channels sell only while the last pushed quantity is above 0; "
                + "stubs at 5 requests/s per channel, hub at 90% of that");
        results.put("buffers", buffers());
        results.put("flashSale", rounds(20));
        results.put("busyDay", rounds(200));
        BenchResults.write(name(), results);
    }

    /** Rounds with a buyer visit every {@code paceMs} per channel; totals over the rounds. */
    private Map<String, Object> rounds(long paceMs) throws Exception {
        List<Map<String, Object>> rounds = new ArrayList<>();
        int placed = 0;
        int oversold = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, Object> one = round(paceMs);
            placed += (Integer) one.get("ordersPlaced");
            oversold += (Integer) one.get("ordersOversold");
            rounds.add(one);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("visitEveryMsPerChannel", paceMs);
        summary.put("rounds", rounds.size());
        summary.put("ordersPlaced", placed);
        summary.put("ordersOversold", oversold);
        summary.put("oversoldPerRound", Math.round(10.0 * oversold / rounds.size()) / 10.0);
        summary.put("oversoldShareOfPlaced", placed == 0 ? 0 : Math.round(1000.0 * oversold / placed) / 1000.0);
        summary.put("perRound", rounds);
        return summary;
    }

    private Map<String, Object> round(long paceMs) throws Exception {
        WebhookStockStub stub = stub();
        stub.rateLimit(5);
        HubClient hub = new HubClient(port);
        String run = Long.toString(System.nanoTime(), 36);
        Map<String, String> listings = new LinkedHashMap<>(); // listing -> hub sku (same here)
        STOCK.forEach((product, units) -> {
            String sku = product + "-" + run;
            for (int i = 0; i < LOCATIONS.size(); i++) {
                ledger.setOnHand(sku, LOCATIONS.get(i), units[i], "seed", "bench");
            }
            listings.put(sku, sku);
        });
        String kit1 = "K1-" + run;
        String kit2 = "K2-" + run;
        bundles.define(kit1, List.of(new Bundles.Component("P1-" + run, 1), new Bundles.Component("P2-" + run, 1)));
        bundles.define(kit2, List.of(new Bundles.Component("P3-" + run, 2)));
        listings.put(kit1, kit1);
        listings.put(kit2, kit2);
        stockSync.recompute(kit1);
        stockSync.recompute(kit2);
        List<String> channels = BenchStubs.names(CHANNELS);
        await().atMost(Duration.ofSeconds(60)).until(() -> listings.keySet().stream()
                .allMatch(sku -> channels.stream().allMatch(c -> stub.shown(c, sku) != null)));

        AtomicInteger visits = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Map<String, String> placed = new ConcurrentHashMap<>(); // hubOrderId -> channel
        ExecutorService buyers = Executors.newFixedThreadPool(CHANNELS);
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (String channel : channels) {
            running.add(buyers.submit(() -> {
                Random random = new Random(channel.hashCode());
                List<String> all = new ArrayList<>(listings.keySet());
                while (visits.incrementAndGet() <= VISITS) {
                    String sku = all.get(random.nextInt(all.size()));
                    Long shown = stub.shown(channel, sku);
                    if (shown == null || shown <= 0) {
                        refused.incrementAndGet(); // the channel shows it sold out: no order
                    } else {
                        HubClient.Response answer = hub.post("/api/channels/" + channel + "/orders",
                                OrderJson.of(channel + "-" + run + "-" + visits.get(), sku, 1));
                        if (answer.status() == 202 || answer.status() == 200) {
                            placed.put(answer.text("hubOrderId"), channel);
                        }
                    }
                    LockSupport.parkNanos(paceMs * 1_000_000L); // the buyers' pace, not synchronisation
                }
                return null;
            }));
        }
        for (Future<?> buyer : running) {
            buyer.get(5, TimeUnit.MINUTES);
        }
        buyers.shutdown();
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        await().atMost(Duration.ofMinutes(2)).until(() -> placed.keySet().stream()
                .noneMatch(id -> "RECEIVED".equals(status(id))));
        Map<String, Integer> backorderedByChannel = new LinkedHashMap<>();
        int reservedOrders = 0;
        int backordered = 0;
        for (Map.Entry<String, String> order : placed.entrySet()) {
            String status = status(order.getKey());
            if ("BACKORDERED".equals(status)) {
                backordered++;
                backorderedByChannel.merge(order.getValue(), 1, Integer::sum);
            } else if ("RESERVED".equals(status)) {
                reservedOrders++;
            }
        }
        long overReserved = jdbc.sql("SELECT COALESCE(MAX(reserved - on_hand), 0) FROM stock").query(Long.class).single();
        long unitsReserved = jdbc.sql("SELECT COALESCE(SUM(reserved), 0) FROM stock WHERE sku LIKE :run")
                .param("run", "%-" + run).query(Long.class).single();
        long unitsLeft = jdbc.sql("SELECT COALESCE(SUM(on_hand - reserved), 0) FROM stock WHERE sku LIKE :run")
                .param("run", "%-" + run).query(Long.class).single();

        Map<String, Object> results = new LinkedHashMap<>();
        results.put("seconds", seconds);
        results.put("visitsRefusedAsSoldOut", refused.get());
        results.put("ordersPlaced", placed.size());
        results.put("ordersFilled", reservedOrders);
        results.put("ordersOversold", backordered);
        results.put("oversoldByChannel", backorderedByChannel);
        results.put("unitsReserved", unitsReserved);
        results.put("unitsLeftUnsold", unitsLeft);
        results.put("maxReservedOverOnHand", overReserved);

        assertThat(overReserved).as("reservations never exceed stock").isLessThanOrEqualTo(0);
        assertThat(unitsReserved).isLessThanOrEqualTo(100);
        return results;
    }

    private String status(String hubOrderId) {
        return jdbc.sql("SELECT status FROM orders WHERE hub_order_id = :id").param("id", hubOrderId)
                .query(String.class).optional().orElse("RECEIVED");
    }
}

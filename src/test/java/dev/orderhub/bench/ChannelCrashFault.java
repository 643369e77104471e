package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.HubClient;
import dev.orderhub.connector.Sandbox;
import dev.orderhub.order.HubOrderIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the hub while it polls the channels and pushes stock to them: every connector's
 * sandbox (the same stubs as the demo) sells while the packaged hub (PostgreSQL, embedded Artemis)
 * reads their orders every 200 ms and pushes every reservation's new available-to-sell. The hub
 * is killed twice — once while orders stream in (polls and webhooks in flight), once right after a
 * stock change of every sku (pushes in flight) with shipments being confirmed — and restarted on
 * the same data. Afterwards every order placed on a channel is in the hub exactly once, every
 * channel shows the hub's available-to-sell, and no channel received a shipment's tracking twice.
 */
class ChannelCrashFault {

    private static final int SKUS = 8;
    private final Map<String, Sandbox> sandboxes = new LinkedHashMap<>();
    private HubProcess hub;

    @Test
    void nothingLostNothingTwiceWhenTheHubIsKilledDuringAPollAndAStockPush() throws Exception {
        hub = new HubProcess(null);
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < SKUS; i++) {
            skus.add("K9C-" + i);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Sandbox sandbox : ServiceLoader.load(Sandbox.class)) {
            if (sandbox.connector().equals("webhook")) {
                // A webhook shop posts its orders to the hub's API itself (HubCrashFault kills the hub under
                // that load), and the postgres profile takes no anonymous post from its sandbox.
                continue;
            }
            String channel = sandbox.connector() + "-k9";
            Map<String, String> connector = sandbox.start(channel, skus, URI.create("http://127.0.0.1:" + hub.httpPort));
            String prefix = "orderhub.channels." + channel + ".";
            properties.put(prefix + "name", channel);
            properties.put(prefix + "locations[0]", "main");
            properties.put(prefix + "buffer.units", "0");
            properties.put(prefix + "connector.name", sandbox.connector());
            connector.forEach((key, value) -> properties.put(prefix + "connector.properties." + key, value));
            sandboxes.put(channel, sandbox);
        }
        properties.put("orderhub.orders-in.poll-interval-ms", "200");
        properties.put("orderhub.shipment-confirm.interval-ms", "200");
        properties.put("orderhub.default-buffer.units", "0");
        // Amazon takes a large stock change as a feed, processed at its second look: followed every second here.
        properties.put("orderhub.connectors.amazon.feed-interval-ms", "1000");
        Map<String, String> environment = Map.of("SPRING_APPLICATION_JSON", new ObjectMapper().writeValueAsString(properties));
        hub.start(environment);
        HubClient client = hub.client();
        for (String sku : skus) {
            client.setStock(sku, "main", 500); // below bol's cap of 999 a listing may show
        }
        awaitShownEverywhere(skus, client, Duration.ofSeconds(60));

        Map<String, List<String>> placed = new ConcurrentHashMap<>();
        AtomicBoolean buying = new AtomicBoolean(true);
        List<String> buyerErrors = new CopyOnWriteArrayList<>();
        ExecutorService buyers = Executors.newFixedThreadPool(sandboxes.size());
        sandboxes.forEach((channel, sandbox) -> buyers.submit(() -> {
            while (buying.get()) {
                String sku = skus.get(ThreadLocalRandom.current().nextInt(SKUS));
                try {
                    placed.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(sandbox.placeOrder(sku, 1));
                } catch (RuntimeException e) {
                    buyerErrors.add(channel + ": " + e.getMessage());
                }
                sleep(250); // about 4 orders a second per channel: Amazon's searchOrders plan refills one call a minute
            }
        }));

        // Kill 1: orders streaming in from every channel, polls every 200 ms.
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.single("SELECT COUNT(*) FROM orders") >= 150);
        long storedAtFirstKill = hub.single("SELECT COUNT(*) FROM orders");
        hub.kill();
        sleep(1500); // buyers go on ordering on the channels while the hub is gone
        hub.start(environment);

        // Kill 2: every sku changed at once (a push to every channel in flight) and shipments being confirmed.
        List<String> shippedOrders = shipReserved(client, 40);
        for (String sku : skus) {
            client.setStock(sku, "main", 450);
        }
        sleep(150);
        hub.kill();
        buying.set(false);
        buyers.shutdown();
        buyers.awaitTermination(30, TimeUnit.SECONDS);
        hub.start(environment);

        int placedOrders = placed.values().stream().mapToInt(List::size).sum();
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(500)).until(() ->
                placed.entrySet().stream().allMatch(e -> e.getValue().stream().allMatch(id -> stored(e.getKey(), id) == 1))
                        && hub.single("SELECT COUNT(*) FROM orders WHERE status = 'RECEIVED'") == 0);
        Map<String, Long> duplicates = new HashMap<>();
        hub.query("SELECT channel, COUNT(*) - COUNT(DISTINCT channel_order_id) FROM orders GROUP BY channel",
                rs -> duplicates.put(rs.getString(1), rs.getLong(2)));
        long missing = placed.entrySet().stream().mapToLong(e -> e.getValue().stream().filter(id -> stored(e.getKey(), id) == 0)
                .count()).sum();
        Map<String, Duration> converged = new LinkedHashMap<>();
        String notConverged = null;
        try {
            converged = awaitShownEverywhere(skus, client, Duration.ofSeconds(90));
        } catch (AssertionError e) {
            notConverged = e.getMessage();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.single(
                "SELECT COUNT(*) FROM channel_confirmations WHERE status = 'PENDING'") == 0);
        Map<String, Integer> trackingTwice = new LinkedHashMap<>();
        Map<String, Integer> trackingReceived = new LinkedHashMap<>();
        sandboxes.forEach((channel, sandbox) -> {
            Map<String, List<String>> tracking = sandbox.tracking();
            trackingReceived.put(channel, tracking.values().stream().mapToInt(List::size).sum());
            trackingTwice.put(channel, (int) tracking.values().stream()
                    .filter(numbers -> numbers.size() != numbers.stream().distinct().count()).count());
        });
        long reservedUnits = hub.single("SELECT COALESCE(SUM(reserved), 0) FROM stock");
        long reservationUnits = hub.single("SELECT COALESCE(SUM(qty), 0) FROM reservations");

        Map<String, Object> results = BenchResults.start("fault-kill9-channels", "bench/faults");
        results.put("setup", "hub jar on PostgreSQL + embedded Artemis; " + sandboxes.size() + " channel sandboxes "
                + sandboxes.keySet() + " selling " + SKUS + " skus; polls every 200 ms; kill -9 while orders stream in, "
                + "restart; kill -9 right after a stock change of every sku with shipments being confirmed, restart");
        results.put("ordersStoredAtFirstKill", storedAtFirstKill);
        results.put("ordersPlacedOnChannels", placedOrders);
        results.put("ordersPlacedPerChannel", placed.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().size())));
        results.put("placedButMissing", missing);
        results.put("buyerErrors", buyerErrors.size());
        results.put("importedTwicePerChannel", duplicates);
        results.put("ordersShippedBeforeSecondKill", shippedOrders.size());
        results.put("trackingReceivedPerChannel", trackingReceived);
        results.put("ordersWithTrackingTwicePerChannel", trackingTwice);
        results.put("channelsShowingTheHubsAvailableAfterRestartMs", converged.entrySet().stream().collect(
                java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toMillis())));
        results.put("channelsNotShowingTheHubsAvailable", notConverged);
        results.put("reservedUnits", reservedUnits);
        results.put("reservationRowUnits", reservationUnits);
        BenchResults.write("fault-kill9-channels", results);

        assertThat(missing).as("orders placed on a channel but never imported").isZero();
        assertThat(duplicates.values()).as("orders imported twice").allMatch(n -> n == 0);
        assertThat(trackingTwice.values()).as("orders whose tracking a channel received twice").allMatch(n -> n == 0);
        assertThat(reservedUnits).isEqualTo(reservationUnits);
        assertThat(notConverged).as("every channel shows the hub's available-to-sell after the restarts").isNull();
    }

    /** Ships up to {@code max} reserved merchant orders of the sandbox channels. */
    private List<String> shipReserved(HubClient client, int max) throws Exception {
        List<String> ids = new ArrayList<>();
        hub.query("SELECT hub_order_id FROM orders WHERE status = 'RESERVED' AND fulfilment_mode = 'MERCHANT' LIMIT " + max,
                rs -> ids.add(rs.getString(1)));
        for (String id : ids) {
            client.post("/api/orders/" + id + "/shipments", "{\"carrier\": \"DHL\", \"trackingNumber\": \"K9" + id.hashCode() + "\"}");
        }
        return ids;
    }

    /** Until every sandbox shows the hub's available-to-sell of every sku; answers when each channel got there. */
    private Map<String, Duration> awaitShownEverywhere(List<String> skus, HubClient client, Duration atMost) {
        long start = System.nanoTime();
        Map<String, Duration> at = new ConcurrentHashMap<>();
        Map<String, String> lastMismatch = new ConcurrentHashMap<>();
        try {
            awaitShown(skus, client, atMost, start, at, lastMismatch);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("channels not showing the hub's available-to-sell after " + atMost + ": " + lastMismatch, e);
        }
        return at;
    }

    private void awaitShown(List<String> skus, HubClient client, Duration atMost, long start, Map<String, Duration> at,
                            Map<String, String> lastMismatch) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            Map<String, Long> available = new HashMap<>();
            for (String sku : skus) {
                available.put(sku, client.get("/api/stock/" + sku).json().path("available").asLong());
            }
            sandboxes.forEach((channel, sandbox) -> {
                Map<String, Long> shown = sandbox.shown();
                if (!at.containsKey(channel) && skus.stream().allMatch(sku -> available.get(sku).equals(shown.get(sku)))) {
                    at.put(channel, Duration.ofNanos(System.nanoTime() - start));
                    lastMismatch.remove(channel);
                } else if (!at.containsKey(channel)) {
                    lastMismatch.put(channel, "shows " + shown + ", the hub has " + available);
                }
            });
            return at.size() == sandboxes.size();
        });
    }

    private long stored(String channel, String channelOrderId) {
        try {
            return hub.single("SELECT COUNT(*) FROM orders WHERE hub_order_id = '" + HubOrderIds.of(channel, channelOrderId) + "'");
        } catch (Exception e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        sandboxes.values().forEach(Sandbox::close);
    }
}

package dev.orderhub.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.connector.Sandbox;
import dev.orderhub.order.HubOrderIds;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One unit, every channel: each installed connector's sandbox (Amazon, Shopify, bol.com, eBay
 * and the webhook shop in this repository) sells the same skus from one location at once. No
 * unit is reserved twice however the orders race in; every channel is shown the new
 * available-to-sell within a second of a change; each order's tracking goes back to its own
 * channel and no other. The sandboxes are the connectors' own stubs (found like the demo finds
 * them), so a deleted connector folder leaves the rest of this test standing.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
class EveryChannelOneStockTest {

    static final int PORT = freePort();
    static final String SKU = "ONE-UNIT";
    static final String SKU_B = "ONE-UNIT-B";
    /** The sandboxes and the channel each one serves. */
    static final Map<String, Sandbox> SANDBOXES = new LinkedHashMap<>();
    static final Map<String, Map<String, String>> PROPERTIES = new LinkedHashMap<>();

    static {
        for (Sandbox sandbox : ServiceLoader.load(Sandbox.class)) {
            String channel = sandbox.connector() + "-one";
            PROPERTIES.put(channel, sandbox.start(channel, List.of(SKU, SKU_B), URI.create("http://127.0.0.1:" + PORT)));
            SANDBOXES.put(channel, sandbox);
        }
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("orderhub.default-buffer.units", () -> "0");
        PROPERTIES.forEach((channel, properties) -> {
            String prefix = "orderhub.channels." + channel + ".";
            registry.add(prefix + "name", () -> channel);
            registry.add(prefix + "locations[0]", () -> "main");
            registry.add(prefix + "buffer.units", () -> "0");
            registry.add(prefix + "connector.name", () -> SANDBOXES.get(channel).connector());
            properties.forEach((key, value) -> registry.add(prefix + "connector.properties." + key, () -> value));
        });
        registry.add("orderhub.orders-in.poll-interval-ms", () -> "500");
        registry.add("orderhub.shipment-confirm.interval-ms", () -> "300");
        registry.add("orderhub.shipment-confirm.backoff-ms", () -> "100");
        registry.add("orderhub.listings.interval-ms", () -> "3600000");
        registry.add("orderhub.stock-sync.push-interval-ms", () -> "20");
    }

    @AfterAll
    static void stopSandboxes() {
        SANDBOXES.values().forEach(Sandbox::close);
    }

    HubClient hub;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(SANDBOXES.size() >= 2, "fewer than two connectors with a sandbox are installed ("
                + SANDBOXES.keySet() + "): nothing sells the same unit twice");
        hub = new HubClient(PORT);
    }

    @Test
    void noUnitIsReservedTwiceEveryChannelIsShownTheChangeWithinASecondAndTrackingGoesBackToItsOwnChannel() throws Exception {
        int units = 2 * SANDBOXES.size();
        hub.setStock(SKU, "main", units);
        Map<String, Duration> firstShown = awaitShown(SKU, units);

        // Every channel's buyers at once: three orders of one unit each per channel, for 2 units per channel in stock.
        int perChannel = 3;
        Map<String, List<String>> placed = new ConcurrentHashMap<>();
        ExecutorService buyers = Executors.newFixedThreadPool(SANDBOXES.size() * perChannel);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            SANDBOXES.forEach((channel, sandbox) -> {
                for (int i = 0; i < perChannel; i++) {
                    done.add(buyers.submit(() -> {
                        go.await();
                        String id = sandbox.placeOrder(SKU, 1);
                        placed.computeIfAbsent(channel, c -> java.util.Collections.synchronizedList(new ArrayList<>())).add(id);
                        return id;
                    }));
                }
            });
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            buyers.shutdownNow();
        }
        int orders = SANDBOXES.size() * perChannel;

        // Every order reaches the hub (polled or pushed) and is either reserved or waits for stock.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> placed.entrySet().stream()
                .allMatch(e -> e.getValue().stream().allMatch(id -> settled(e.getKey(), id))));
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        placed.forEach((channel, ids) -> ids.forEach(id -> byStatus.merge(order(channel, id).path("status").asText(), 1, Integer::sum)));
        JsonNode stock = hub.get("/api/stock/" + SKU).json();
        assertThat(stock.path("onHand").asLong()).isEqualTo(units);
        assertThat(stock.path("reserved").asLong()).as("reserved: never more than on hand").isEqualTo(units);
        assertThat(byStatus.getOrDefault("RESERVED", 0)).as("orders holding a unit " + byStatus).isEqualTo(units);
        assertThat(byStatus.values().stream().mapToInt(Integer::intValue).sum()).as("every order imported once").isEqualTo(orders);
        assertThat(stock.path("available").asLong()).isZero();
        awaitShown(SKU, 0);

        // A change of another sku reaches every channel within a second.
        hub.setStock(SKU_B, "main", 7);
        Map<String, Duration> changeShown = awaitShown(SKU_B, 7);
        assertThat(changeShown).allSatisfy((channel, took) -> assertThat(took).as(channel + " shown the change in")
                .isLessThan(Duration.ofSeconds(1)));

        // Ship every reserved order; its tracking reaches its own channel, and only that one.
        Map<String, String> trackingOf = new LinkedHashMap<>();
        placed.forEach((channel, ids) -> ids.forEach(id -> {
            JsonNode order = order(channel, id);
            if ("RESERVED".equals(order.path("status").asText())) {
                String tracking = "TRK" + Math.abs((channel + id).hashCode());
                HubClient.Response shipped = hub.post("/api/orders/" + order.path("hubOrderId").asText() + "/shipments",
                        "{\"carrier\": \"DHL\", \"trackingNumber\": \"" + tracking + "\"}");
                assertThat(shipped.status()).as(shipped.body()).isEqualTo(201);
                trackingOf.put(channel + "|" + id, tracking);
            }
        }));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                trackingOf.forEach((key, tracking) -> {
                    String channel = key.substring(0, key.indexOf('|'));
                    String id = key.substring(key.indexOf('|') + 1);
                    assertThat(SANDBOXES.get(channel).tracking().getOrDefault(id, List.of())).as(channel + " order " + id)
                            .contains(tracking);
                }));
        SANDBOXES.forEach((channel, sandbox) -> {
            List<String> elsewhere = trackingOf.entrySet().stream().filter(e -> !e.getKey().startsWith(channel + "|"))
                    .map(Map.Entry::getValue).toList();
            assertThat(sandbox.tracking().values().stream().flatMap(List::stream)).as(channel + " got no other channel's tracking")
                    .doesNotContainAnyElementsOf(elsewhere);
        });
        System.out.printf("every channel, one stock: %d channels %s; first shown %s; a change shown %s; orders %s%n",
                SANDBOXES.size(), SANDBOXES.keySet(), firstShown, changeShown, byStatus);
    }

    /** Waits until every sandbox shows the quantity; answers how long each took. */
    private Map<String, Duration> awaitShown(String sku, long quantity) {
        long start = System.nanoTime();
        Map<String, Duration> took = new ConcurrentHashMap<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> {
            SANDBOXES.forEach((channel, sandbox) -> {
                if (!took.containsKey(channel) && Long.valueOf(quantity).equals(sandbox.shown().get(sku))) {
                    took.put(channel, Duration.ofNanos(System.nanoTime() - start));
                }
            });
            return took.size() == SANDBOXES.size();
        });
        return new LinkedHashMap<>(took);
    }

    private JsonNode order(String channel, String channelOrderId) {
        HubClient.Response response = hub.get("/api/orders/" + HubOrderIds.of(channel, channelOrderId));
        return response.status() == 200 ? response.json() : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private boolean settled(String channel, String channelOrderId) {
        String status = order(channel, channelOrderId).path("status").asText("");
        return !status.isEmpty() && !"RECEIVED".equals(status);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

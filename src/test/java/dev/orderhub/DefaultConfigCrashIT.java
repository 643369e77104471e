package dev.orderhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the packaged hub on its zero-setup default (H2 file database and embedded
 * Artemis under one data directory, what {@code mvn spring-boot:run} runs), 1.5 s into a load
 * of 16 clients, twice, each time restarted on the same data: every order that was answered
 * 2xx is there afterwards, imported once, and the stock reserved is exactly what the reserved
 * orders hold. A 2xx means durable on this configuration too.
 */
class DefaultConfigCrashIT {

    private static final int SKUS = 40;
    private static final int CLIENTS = 16;

    private PackagedHub hub;

    @Test
    void everyOrderAnswered2xxSurvivesKillNineOnTheDefaultConfiguration() throws Exception {
        hub = new PackagedHub().start();
        HubClient client = hub.client();
        for (int i = 0; i < SKUS; i++) {
            client.setStock("CRASH-" + i, "main", 100_000);
        }
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicInteger sequence = new AtomicInteger();
        for (int round = 1; round <= 2; round++) {
            int before = accepted.size();
            loadThenKill(client, accepted, sequence);
            assertThat(accepted.size() - before).as("orders answered 2xx before the kill in round " + round)
                    .isGreaterThan(50);
            hub.start();
        }

        // Everything answered 2xx is imported; allow the restarted hub to drain its queue.
        Set<String> missing = ConcurrentHashMap.newKeySet();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                missing.clear();
                for (String id : accepted) {
                    HubClient.Response order = client.get("/api/orders/" + id);
                    if (order.status() != 200 || "RECEIVED".equals(order.text("status"))) {
                        missing.add(id);
                    }
                }
                return missing.isEmpty();
            });
        } catch (ConditionTimeoutException stillMissing) {
            // reported by the assertion below, with the count
        }
        assertThat(missing).as(missing.size() + " of " + accepted.size()
                + " orders answered 2xx are not imported after kill -9").isEmpty();
        assertThat(client.get("/api/exceptions?limit=500").json().get("items")).as("nothing parked").isEmpty();

        // Reserved stock equals what the RESERVED orders hold: nothing reserved twice, nothing lost.
        Map<String, Long> heldByOrders = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = client.get("/api/orders?status=RESERVED&limit=500" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            for (JsonNode order : page.get("items")) {
                for (JsonNode line : order.get("lines")) {
                    heldByOrders.merge(line.get("sku").asText(), line.get("qty").asLong(), Long::sum);
                }
            }
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        for (int i = 0; i < SKUS; i++) {
            String sku = "CRASH-" + i;
            assertThat(client.get("/api/stock/" + sku).json().get("reserved").asLong()).as("reserved units of " + sku)
                    .isEqualTo(heldByOrders.getOrDefault(sku, 0L));
        }
    }

    private void loadThenKill(HubClient client, Set<String> accepted, AtomicInteger sequence) throws Exception {
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(load.submit(() -> {
                while (loading.get()) {
                    int n = sequence.incrementAndGet();
                    try {
                        HubClient.Response answer = client.post("/api/channels/webshop/orders",
                                OrderJson.order("CRASH-" + n).line("CRASH-" + (n % SKUS), 1 + n % 3)
                                        .line("CRASH-" + ((n + 7) % SKUS), 1).json());
                        if (answer.status() == 202 || answer.status() == 200) {
                            accepted.add(answer.text("hubOrderId"));
                        }
                    } catch (RuntimeException connectionLost) {
                        // the kill: this request got no answer, so it promised nothing
                    }
                }
                return null;
            }));
        }
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        hub.kill();
        loading.set(false);
        for (Future<?> running : clients) {
            running.get(60, TimeUnit.SECONDS);
        }
        load.shutdown();
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }
}

package dev.orderhub.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;

/**
 * Clients posting one-unit orders for one sku until stopped, as a fault test's background
 * load: which orders were answered 2xx, and how every request was answered.
 */
final class OrderLoad {

    final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService pool;
    private final List<Future<?>> clients = new ArrayList<>();

    OrderLoad(HubClient hub, int clientCount, String sku) {
        pool = Executors.newFixedThreadPool(clientCount);
        AtomicInteger sequence = new AtomicInteger();
        for (int c = 0; c < clientCount; c++) {
            clients.add(pool.submit(() -> {
                while (running.get()) {
                    int n = sequence.incrementAndGet();
                    int status;
                    try {
                        HubClient.Response answer = hub.post("/api/channels/webshop/orders", OrderJson.of(sku + "-" + n, sku, 1));
                        status = answer.status();
                        if (status == 202 || status == 200) {
                            accepted.add(answer.text("hubOrderId"));
                        }
                    } catch (RuntimeException connectionLost) {
                        status = 0;
                    }
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            }));
        }
    }

    void stop() throws Exception {
        running.set(false);
        for (Future<?> client : clients) {
            client.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    /** How requests were answered: HTTP status (or "connection error") to count. */
    Map<String, Integer> answers() {
        Map<String, Integer> answers = new TreeMap<>();
        statuses.forEach((status, count) -> answers.put(status == 0 ? "connection error" : String.valueOf(status), count.get()));
        return answers;
    }
}

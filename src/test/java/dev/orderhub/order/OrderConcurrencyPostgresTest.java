package dev.orderhub.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import dev.orderhub.EventProbe;
import dev.orderhub.HubClient;
import dev.orderhub.HubPostgresTest;
import dev.orderhub.OrderJson;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Never oversell, never duplicate: many clients at once over HTTP, through the intake queue's
 * concurrent consumers, into PostgreSQL.
 */
@HubPostgresTest
class OrderConcurrencyPostgresTest {

    private static final List<String> CHANNELS = List.of("webshop", "b2b", "pos", "manual");
    /** The b2b channel's webhook secret in the test profile (orderhub-test.yaml). */
    private static final String B2B_WEBHOOK_SECRET = "test-only-webhook-secret-not-real";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CamelContext camel;

    @Autowired
    ConnectionFactory broker;

    @Autowired
    EmbeddedActiveMQ embeddedBroker;

    private static final String INTAKE_QUEUE = "orders.intake";

    /** Messages on the queue, delivered or not: zero once every copy has been imported and acknowledged. */
    private long queueDepth(String queue) {
        return embeddedBroker.getActiveMQServer().locateQueue(queue).getMessageCount();
    }

    HubClient hub;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        sku = "HOT-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void fourHundredOrdersForFiftyUnitsReserveExactlyFiftyAndAvailableNeverGoesNegative() throws Exception {
        hub.setStock(sku, "main", 50);
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong lowestAvailable = new AtomicLong(Long.MAX_VALUE);
        AtomicLong samples = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                long available = jdbc.sql("SELECT on_hand - reserved FROM stock WHERE sku = :sku AND location = 'main'")
                        .param("sku", sku).query(Long.class).single();
                lowestAvailable.accumulateAndGet(available, Math::min);
                samples.incrementAndGet();
                LockSupport.parkNanos(1_000_000); // a sampling interval, so the sampler does not starve the hub of CPU
            }
        }, "available-sampler");
        sampler.start();

        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(32);
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<Integer>> posts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String channel = CHANNELS.get(i % CHANNELS.size());
            String json = OrderJson.of(sku + "-" + i, sku, 1);
            posts.add(() -> {
                go.await();
                if (channel.equals("b2b")) {
                    // b2b has a webhook secret in the test profile: it takes its orders signed only.
                    long now = java.time.Instant.now().getEpochSecond();
                    return hub.send("POST", "/api/channels/b2b/webhooks/orders", "application/json",
                            json.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.util.Map.of(
                                    dev.orderhub.channel.WebhookSignature.TIMESTAMP_HEADER, Long.toString(now),
                                    dev.orderhub.channel.WebhookSignature.SIGNATURE_HEADER, dev.orderhub.channel.WebhookSignature
                                            .sign(B2B_WEBHOOK_SECRET, now, json.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                            .status();
                }
                return hub.post("/api/channels/" + channel + "/orders", json).status();
            });
        }
        List<Future<Integer>> answers = new ArrayList<>();
        posts.forEach(post -> answers.add(clients.submit(post)));
        go.countDown();
        for (Future<Integer> answer : answers) {
            assertThat(answer.get(60, TimeUnit.SECONDS)).isEqualTo(202);
        }
        long accepted = System.nanoTime();
        clients.shutdown();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> settled() == 400);
        long done = System.nanoTime();
        sampling.set(false);
        sampler.join();

        Map<String, Long> byStatus = jdbc.sql("SELECT o.status, COUNT(*) FROM orders o JOIN order_lines l "
                        + "ON l.hub_order_id = o.hub_order_id WHERE l.sku = :sku GROUP BY o.status")
                .param("sku", sku).query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(byStatus).containsOnly(Map.entry("RESERVED", 50L), Map.entry("BACKORDERED", 350L));
        var stock = hub.get("/api/stock/" + sku).json();
        assertThat(stock.get("reserved").asLong()).isEqualTo(50);
        assertThat(stock.get("available").asLong()).isZero();
        assertThat(jdbc.sql("SELECT SUM(qty) FROM reservations WHERE sku = :sku").param("sku", sku).query(Long.class).single())
                .isEqualTo(50);
        assertThat(lowestAvailable.get()).isGreaterThanOrEqualTo(0);
        assertThat(samples.get()).isGreaterThan(10);
        assertThat(CHANNELS).allSatisfy(channel -> assertThat(jdbc.sql(
                "SELECT COUNT(*) FROM orders WHERE channel = :channel AND channel_order_id LIKE :prefix")
                .param("channel", channel).param("prefix", sku + "-%").query(Long.class).single()).isEqualTo(100));
        System.out.printf("concurrency: 400 orders, 32 clients, 4 channels: all accepted in %d ms, all settled in %d ms "
                        + "(%.0f orders/s); %s; available sampled %d times, lowest %d%n",
                (accepted - started) / 1_000_000, (done - started) / 1_000_000, 400 / ((done - started) / 1e9), byStatus,
                samples.get(), lowestAvailable.get());
    }

    private long settled() {
        return jdbc.sql("SELECT COUNT(*) FROM orders o JOIN order_lines l ON l.hub_order_id = o.hub_order_id "
                + "WHERE l.sku = :sku AND o.status IN ('RESERVED', 'BACKORDERED')").param("sku", sku).query(Long.class).single();
    }

    @Test
    void sameOrderPostedTwentyTimesAtOnceIsImportedOnce() throws Exception {
        hub.setStock(sku, "main", 5);
        String json = OrderJson.of("DUP-" + sku, sku, 2);
        // Hold the importer while the 20 posts land, so all 20 copies reach the queue and the
        // concurrent consumers then race each other on the same order.
        camel.getRouteController().stopRoute("order-intake");
        try (EventProbe events = EventProbe.subscribe(broker, "order.received", "order.reserved")) {
            ExecutorService clients = Executors.newFixedThreadPool(20);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HubClient.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(clients.submit(() -> {
                    go.await();
                    return hub.post("/api/channels/webshop/orders", json);
                }));
            }
            go.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<HubClient.Response> answer : answers) {
                HubClient.Response response = answer.get(30, TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(202);
                ids.add(response.text("hubOrderId"));
            }
            clients.shutdown();
            assertThat(ids).hasSize(1);
            String id = ids.iterator().next();

            camel.getRouteController().startRoute("order-intake");
            await("20 copies through the importer").atMost(Duration.ofSeconds(30))
                    .until(() -> queueDepth(INTAKE_QUEUE) == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.events("order.reserved", "hubOrderId", id).size() == 1);

            assertThat(jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = 'webshop' AND channel_order_id = :c")
                    .param("c", "DUP-" + sku).query(Long.class).single()).isEqualTo(1);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM reservations WHERE hub_order_id = :id").param("id", id)
                    .query(Long.class).single()).isEqualTo(1);
            assertThat(hub.get("/api/stock/" + sku).json().get("reserved").asLong()).isEqualTo(2);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE type = 'order.received' AND group_key = :id")
                    .param("id", id).query(Long.class).single()).isEqualTo(1);
            assertThat(events.events("order.received", "hubOrderId", id)).hasSize(1);
            // (other tests of this shared context park their own inputs: none may be one of these copies)
            assertThat(hub.get("/api/exceptions?limit=500").body()).doesNotContain("DUP-" + sku);

            HubClient.Response repeat = hub.post("/api/channels/webshop/orders", json);
            assertThat(repeat.status()).isEqualTo(200);
            assertThat(repeat.text("status")).isEqualTo("RESERVED");
        } finally {
            if (!camel.getRouteController().getRouteStatus("order-intake").isStarted()) {
                camel.getRouteController().startRoute("order-intake");
            }
        }
    }
}

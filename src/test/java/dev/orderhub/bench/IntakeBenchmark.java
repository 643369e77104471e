package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.inventory.StockLedger;
import org.apache.camel.CamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Intake end to end on PostgreSQL + embedded Artemis: orders posted over HTTP by concurrent
 * clients on this machine, until each is RESERVED (or BACKORDERED) with its events published.
 * Reports the sustained rate and the hub's heap and RSS.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"orderhub.outbox.poll-interval-ms=100", "logging.level.root=WARN",
                "orderhub.intake.consumers=${bench.consumers:4}"})
@ActiveProfiles({"test", "postgres"})
class IntakeBenchmark {

    static final int CLIENTS = Integer.getInteger("bench.clients", 32);
    static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final int SKUS = 2000;

    @LocalServerPort
    int port;

    @Autowired
    StockLedger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CamelContext camel;

    @Autowired
    JmsTemplate jms;

    @Test
    void ordersPerSecondEndToEnd() throws Exception {
        for (int i = 0; i < SKUS; i++) {
            ledger.setOnHand("IN-" + i, "main", 1_000_000, "seed", "bench");
        }
        HubClient hub = new HubClient(port);
        AtomicInteger sequence = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Long> postMicros = Collections.synchronizedList(new ArrayList<>());
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> running = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(clients.submit(() -> {
                while (System.nanoTime() < deadline) {
                    int n = sequence.incrementAndGet();
                    String json = OrderJson.order("IN-" + n).line("IN-" + (n % SKUS), 1).line("IN-" + ((n * 7) % SKUS), 2).json();
                    long t0 = System.nanoTime();
                    int status = hub.post("/api/channels/webshop/orders", json).status();
                    postMicros.add((System.nanoTime() - t0) / 1000);
                    if (status == 202) {
                        accepted.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : running) {
            client.get(SECONDS + 60L, TimeUnit.SECONDS);
        }
        clients.shutdown();
        long acceptedNanos = System.nanoTime() - started;
        AtomicLong settledAt = new AtomicLong();
        AtomicLong importedAt = new AtomicLong();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long settled = jdbc.sql("SELECT COUNT(*) FROM orders WHERE status <> 'RECEIVED'").query(Long.class).single();
            if (settled >= accepted.get() && importedAt.get() == 0) {
                importedAt.set(System.nanoTime());
            }
            long unpublished = jdbc.sql("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").query(Long.class).single();
            settledAt.set(System.nanoTime());
            return settled >= accepted.get() && unpublished == 0;
        });
        long endToEndNanos = settledAt.get() - started;
        List<Long> sorted = new ArrayList<>(postMicros);
        Collections.sort(sorted);

        Map<String, Object> results = BenchResults.start("intake", "mvn -B -Pbench test -Dtest=IntakeBenchmark");
        results.put("setup", CLIENTS + " HTTP clients on this machine, 2-line orders over " + SKUS + " skus, "
                + "PostgreSQL + embedded Artemis, " + SECONDS + " s of load");
        results.put("ordersAccepted", accepted.get());
        results.put("ordersRefused", failed.get());
        results.put("acceptedPerSecond", Math.round(accepted.get() / (acceptedNanos / 1e9)));
        results.put("importedPerSecond", Math.round(accepted.get() / ((importedAt.get() - started) / 1e9)));
        results.put("settledPerSecond", Math.round(accepted.get() / (endToEndNanos / 1e9)));
        results.put("postLatencyMs", Map.of("p50", BenchResults.percentile(sorted, 50) / 1000.0,
                "p99", BenchResults.percentile(sorted, 99) / 1000.0));
        results.put("heapUsedMb", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024));
        results.put("rssMb", rssMb());
        BenchResults.write("intake", results);
        assertThat(failed.get()).isZero();
    }

    /**
     * The ERP path, without HTTP in the way: orders already on the intake queue (as an ERP or
     * a connector puts them there over the broker), imported until every one is RESERVED with
     * its events published. The importer is paused while the queue is filled, so the figure is
     * the import pipeline's own rate: batching consumer, database, outbox relay.
     */
    @Test
    void ordersPerSecondFromTheBroker() throws Exception {
        int orders = Integer.getInteger("bench.broker.orders", 20_000);
        for (int i = 0; i < SKUS; i++) {
            ledger.setOnHand("BR-" + i, "main", 1_000_000, "seed", "bench");
        }
        camel.getRouteController().stopRoute("order-intake");
        long before = jdbc.sql("SELECT COUNT(*) FROM orders").query(Long.class).single();
        jms.setSessionTransacted(true);
        for (int from = 0; from < orders; from += 500) {
            int first = from;
            jms.execute(session -> {
                jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue("orders.intake"));
                for (int n = first; n < Math.min(orders, first + 500); n++) {
                    String json = OrderJson.order("BR-" + n).line("BR-" + (n % SKUS), 1).line("BR-" + ((n * 7) % SKUS), 2).json();
                    producer.send(session.createTextMessage(json.replaceFirst("\\{", "{\"channel\":\"webshop\",")));
                }
                session.commit();
                return null;
            });
        }
        long started = System.nanoTime();
        AtomicLong importedAt = new AtomicLong();
        camel.getRouteController().startRoute("order-intake");
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            boolean imported = jdbc.sql("SELECT COUNT(*) FROM orders WHERE status <> 'RECEIVED'").query(Long.class).single()
                    - before >= orders;
            if (imported) {
                importedAt.compareAndSet(0, System.nanoTime());
            }
            return imported && jdbc.sql("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").query(Long.class).single() == 0;
        });
        double seconds = (System.nanoTime() - started) / 1e9;

        Map<String, Object> results = BenchResults.start("intake-broker", "mvn -B -Pbench test -Dtest=IntakeBenchmark#ordersPerSecondFromTheBroker");
        results.put("setup", orders + " two-line orders waiting on orders.intake (embedded Artemis), PostgreSQL, "
                + "importer started once all are queued");
        results.put("orders", orders);
        results.put("seconds", Math.round(seconds * 10) / 10.0);
        results.put("importedPerSecond", Math.round(orders / ((importedAt.get() - started) / 1e9)));
        results.put("importedAndPublishedPerSecond", Math.round(orders / seconds));
        results.put("heapUsedMb", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024));
        results.put("rssMb", rssMb());
        BenchResults.write("intake-broker", results);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel_order_id LIKE 'BR-%' AND status = 'RESERVED'")
                .query(Long.class).single()).isEqualTo(orders);
    }

    private static long rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}

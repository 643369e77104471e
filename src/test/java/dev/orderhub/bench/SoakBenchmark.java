package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Soak: the packaged hub at a steady rate for {@code bench.soak.minutes} (default 20). Every
 * 30 s it samples heap in use and heap after a full collection (jcmd GC.run), the intake backlog (orders still RECEIVED), the
 * outbox backlog, parked exceptions and failed requests. Growth in any of them over the run
 * is a leak. Runs only when asked: mvn -B -Pbench test -Dtest=SoakBenchmark.
 */
class SoakBenchmark {

    static final int MINUTES = Integer.getInteger("bench.soak.minutes", 20);
    static final int RATE = Integer.getInteger("bench.soak.rate", 100);

    private HubProcess hub;

    @Test
    void steadyLoadLeavesNoGrowth() throws Exception {
        hub = new HubProcess(null);
        hub.start();
        HubClient client = hub.client();
        for (int i = 0; i < 500; i++) {
            client.setStock("SOAK-" + i, "main", 100_000_000);
        }
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService posters = Executors.newFixedThreadPool(16);
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        pace.scheduleAtFixedRate(() -> posters.execute(() -> {
            int n = sent.incrementAndGet();
            try {
                int status = client.post("/api/channels/webshop/orders",
                        OrderJson.order("SOAK-" + n).line("SOAK-" + (n % 500), 1).line("SOAK-" + ((n * 7) % 500), 1).json())
                        .status();
                if (status != 202 && status != 200) {
                    failed.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failed.incrementAndGet();
            }
        }), 0, 1_000_000 / RATE, TimeUnit.MICROSECONDS);

        List<Map<String, Object>> samples = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofMinutes(MINUTES).toNanos();
        while (System.nanoTime() < end) {
            TimeUnit.SECONDS.sleep(30); // the sampling interval of a soak, not synchronisation
            Map<String, Object> sample = new LinkedHashMap<>();
            sample.put("minute", Math.round(10.0 * samples.size() * 30 / 60) / 10.0 + 0.5);
            sample.put("sent", sent.get());
            sample.put("failed", failed.get());
            sample.put("heapUsedMb", metric(client, "jvm.memory.used?tag=area:heap") / (1024 * 1024));
            // What is still reachable after a full collection: the figure that grows with a leak.
            fullGc(hub.pid());
            sample.put("heapAfterFullGcMb", metric(client, "jvm.memory.used?tag=area:heap") / (1024 * 1024));
            sample.put("oldGenAfterFullGcMb", metric(client, "jvm.memory.used?tag=id:G1%20Old%20Gen") / (1024 * 1024));
            sample.put("ordersReceivedNotImported", hub.single("SELECT COUNT(*) FROM orders WHERE status = 'RECEIVED'"));
            sample.put("outboxUnpublished", hub.single("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL"));
            sample.put("exceptions", hub.single("SELECT COUNT(*) FROM exceptions"));
            sample.put("stored", hub.single("SELECT COUNT(*) FROM orders"));
            samples.add(sample);
            System.out.println("soak " + sample);
        }
        pace.shutdownNow();
        posters.shutdown();
        posters.awaitTermination(60, TimeUnit.SECONDS);

        Map<String, Object> results = BenchResults.start("soak", "mvn -B -Pbench test -Dtest=SoakBenchmark");
        results.put("setup", "the packaged hub (-Xmx512m) on PostgreSQL + embedded Artemis, " + RATE
                + " two-line orders/s for " + MINUTES + " minutes from 16 client threads");
        results.put("samples", samples);
        BenchResults.write("soak", results);

        Map<String, Object> last = samples.get(samples.size() - 1);
        assertThat((Integer) last.get("failed")).isZero();
        assertThat((Long) last.get("exceptions")).isZero();
        assertThat((Long) last.get("ordersReceivedNotImported")).as("intake backlog at the end").isLessThan(RATE * 5L);
        assertThat((Long) last.get("outboxUnpublished")).as("events not yet published at the end").isLessThan(RATE * 5L);
        long earlyHeap = (Long) samples.get(Math.min(3, samples.size() - 1)).get("heapAfterFullGcMb");
        assertThat((Long) last.get("heapAfterFullGcMb")).as("live heap at the end vs minute 2").isLessThan(earlyHeap + 64);
    }

    /** Asks the hub's JVM for a full collection (jcmd GC.run), so the heap figure after it is what is live. */
    private static void fullGc(long pid) throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        jcmd.waitFor(30, TimeUnit.SECONDS);
    }

    private static long metric(HubClient client, String name) {
        JsonNode measurements = client.get("/actuator/metrics/" + name).json().path("measurements");
        return measurements.isEmpty() ? -1 : measurements.get(0).path("value").asLong();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (hub != null) {
            hub.close();
        }
    }
}

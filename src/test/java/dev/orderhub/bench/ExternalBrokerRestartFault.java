package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * External broker mode: the hub on a standalone Artemis (the apache-artemis 2.40.0 bin
 * distribution from Maven Central, made with `artemis create` on one free port: no AMQP,
 * MQTT, STOMP or HornetQ acceptors of its own, no web console). The broker is stopped under
 * load and started again: the hub answers 503 meanwhile, reconnects by itself, and every
 * order it answered 2xx for is stored.
 */
class ExternalBrokerRestartFault {

    static final Path ARTEMIS_HOME = Path.of("target", "artemis", "apache-artemis-2.40.0");

    private HubProcess hub;
    private Process broker;
    private Path instance;

    @Test
    void hubReconnectsToARestartedBrokerAndLosesNothing() throws Exception {
        assumeTrue(Files.isExecutable(ARTEMIS_HOME.resolve("bin/artemis")),
                "needs the Artemis distribution under target/artemis (bench/faults fetches it from Maven Central)");
        int port = HubProcess.freePort();
        instance = Files.createTempDirectory("artemis-instance").resolve("broker");
        Process create = new ProcessBuilder(ARTEMIS_HOME.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", "hub", "--password", "hub-secret", "--require-login", "--silent", "--no-web",
                "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor",
                "--host", "127.0.0.1", "--default-port", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(new File(instance.getParent().toFile(), "create.log")).start();
        assertThat(create.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(create.exitValue()).isZero();
        Files.copy(Path.of("config/artemis/broker.properties"), instance.resolve("etc/broker.properties"),
                StandardCopyOption.REPLACE_EXISTING);
        broker = startBroker(port);

        hub = new HubProcess("tcp://127.0.0.1:" + port);
        hub.start(Map.of("ORDERHUB_BROKER_USER", "hub", "ORDERHUB_BROKER_PASSWORD", "hub-secret"));
        HubClient client = hub.client();
        client.setStock("XB-0", "main", 1_000_000);

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicInteger sequence = new AtomicInteger();
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(8);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            clients.add(load.submit(() -> {
                while (loading.get()) {
                    int n = sequence.incrementAndGet();
                    try {
                        HubClient.Response answer = client.post("/api/channels/webshop/orders", OrderJson.of("XB-" + n, "XB-0", 1));
                        statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                        if (answer.status() == 202 || answer.status() == 200) {
                            accepted.add(answer.text("hubOrderId"));
                        }
                    } catch (RuntimeException e) {
                        statuses.computeIfAbsent(0, s -> new AtomicInteger()).incrementAndGet();
                    }
                }
                return null;
            }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 500);
        long stoppedAt = System.nanoTime();
        broker.destroy(); // SIGTERM: the broker stops as an operator would stop it
        assertThat(broker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true); // the outage
        broker = startBroker(port);
        int acceptedAtRestart = accepted.size();
        await().atMost(Duration.ofSeconds(90)).until(() -> accepted.size() >= acceptedAtRestart + 500);
        long recoveredMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        loading.set(false);
        for (Future<?> f : clients) {
            f.get(60, TimeUnit.SECONDS);
        }
        load.shutdown();

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                hub.single("SELECT COUNT(*) FROM orders") + hub.single("SELECT COUNT(*) FROM exceptions") >= accepted.size()
                        && hub.single("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL") == 0);
        Set<String> stored = new HashSet<>();
        hub.query("SELECT hub_order_id FROM orders", rs -> stored.add(rs.getString(1)));
        long parked = hub.single("SELECT COUNT(*) FROM exceptions");
        Set<String> missing = new HashSet<>(accepted);
        missing.removeAll(stored);

        Map<String, Object> results = BenchResults.start("fault-broker-restart", "bench/faults");
        results.put("setup", "hub jar as its own process on a standalone Artemis 2.40.0 (one acceptor on a free port); "
                + "8 clients posting orders; broker stopped after 500 accepted, started again 3 s later");
        results.put("acceptingAgainAfterMs", recoveredMs);
        results.put("ordersAcceptedWith2xx", accepted.size());
        Map<String, Integer> answers = new TreeMap<>();
        statuses.forEach((status, count) -> answers.put(status == 0 ? "connection error" : String.valueOf(status), count.get()));
        results.put("answers", answers);
        results.put("ordersStored", stored.size());
        results.put("parkedInExceptionStore", parked);
        results.put("acceptedButMissing", missing.size());
        BenchResults.write("fault-broker-restart", results);

        assertThat(missing.size()).as("2xx orders neither stored nor parked").isLessThanOrEqualTo((int) parked);
        hub.awaitHealthy(Duration.ofSeconds(30));
    }

    private Process startBroker(int port) throws Exception {
        Process started = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.resolve("run.log").toFile())).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return true;
            }
        });
        return started;
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (broker != null) {
            broker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}

package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.orderhub.HubClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarted under load: the hub answers 503 while the database is away, reconnects
 * by itself, and every order it answered 2xx for is stored (or, if it outlived the broker's
 * redelivery budget, parked in the exception store). Restarts this machine's PostgreSQL
 * cluster, so it runs only from bench/faults, never in the test suite.
 */
class DatabaseRestartFault {

    private HubProcess hub;

    @Test
    void hubRidesOutADatabaseRestartAndLosesNothing() throws Exception {
        Path clusters = Path.of("/etc/postgresql");
        assumeTrue(Files.isDirectory(clusters) && Files.exists(Path.of("/usr/bin/pg_ctlcluster")),
                "needs a local Debian PostgreSQL cluster it may restart (pg_ctlcluster)");
        String version;
        try (var versions = Files.list(clusters)) {
            version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow();
        }
        hub = new HubProcess(null);
        hub.start();
        HubClient client = hub.client();
        client.setStock("DB-0", "main", 1_000_000);

        OrderLoad load = new OrderLoad(client, 8, "DB-0");
        Set<String> accepted = load.accepted;
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 500);
        long restartAt = System.nanoTime();
        Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
                .inheritIO().start();
        assertThat(restart.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long restartMs = (System.nanoTime() - restartAt) / 1_000_000;
        int acceptedAtRestart = accepted.size();
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= acceptedAtRestart + 500);
        long recoveredMs = (System.nanoTime() - restartAt) / 1_000_000;
        load.stop();

        hub.awaitHealthy(Duration.ofSeconds(30));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                hub.single("SELECT COUNT(*) FROM orders WHERE status = 'RECEIVED'") == 0
                        && hub.single("SELECT COUNT(*) FROM orders") + hub.single("SELECT COUNT(*) FROM exceptions")
                        >= accepted.size());
        Set<String> stored = new HashSet<>();
        hub.query("SELECT hub_order_id FROM orders", rs -> stored.add(rs.getString(1)));
        long parked = hub.single("SELECT COUNT(*) FROM exceptions");
        Set<String> missing = new HashSet<>(accepted);
        missing.removeAll(stored);

        Map<String, Object> results = BenchResults.start("fault-db-restart", "bench/faults");
        results.put("setup", "hub jar as its own process; 8 clients posting orders; PostgreSQL cluster restarted after 500 accepted");
        results.put("databaseRestartMs", restartMs);
        results.put("acceptingAgainAfterMs", recoveredMs);
        results.put("ordersAcceptedWith2xx", accepted.size());
        results.put("answers", load.answers());
        results.put("ordersStored", stored.size());
        results.put("parkedInExceptionStore", parked);
        results.put("acceptedButMissing", missing.size());
        BenchResults.write("fault-db-restart", results);

        assertThat(missing.size()).as("2xx orders neither stored nor parked").isLessThanOrEqualTo((int) parked);
        assertThat(hub.client().get("/actuator/health").text("status")).isEqualTo("UP");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (hub != null) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                hub.close();
                return true;
            });
        }
    }
}

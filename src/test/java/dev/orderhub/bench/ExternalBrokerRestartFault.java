package dev.orderhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import dev.orderhub.HubClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * External broker mode: the hub on a {@link StandaloneArtemis}. The broker is stopped under
 * load and started again: the hub answers 503 meanwhile, reconnects by itself, and every
 * order it answered 2xx for is stored.
 */
class ExternalBrokerRestartFault {

    private HubProcess hub;
    private StandaloneArtemis broker;

    @Test
    void hubReconnectsToARestartedBrokerAndLosesNothing() throws Exception {
        assumeTrue(StandaloneArtemis.available(),
                "needs the Artemis distribution under target/artemis (bench/faults fetches it from Maven Central)");
        broker = new StandaloneArtemis();
        broker.start();

        hub = new HubProcess(broker.url());
        hub.start(Map.of("ORDERHUB_BROKER_USER", StandaloneArtemis.USER, "ORDERHUB_BROKER_PASSWORD", StandaloneArtemis.PASSWORD));
        HubClient client = hub.client();
        client.setStock("XB-0", "main", 1_000_000);

        OrderLoad load = new OrderLoad(client, 8, "XB-0");
        Set<String> accepted = load.accepted;
        await().atMost(Duration.ofSeconds(60)).until(() -> accepted.size() >= 500);
        long stoppedAt = System.nanoTime();
        broker.stop();
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true); // the outage
        broker.start();
        int acceptedAtRestart = accepted.size();
        await().atMost(Duration.ofSeconds(90)).until(() -> accepted.size() >= acceptedAtRestart + 500);
        long recoveredMs = (System.nanoTime() - stoppedAt) / 1_000_000;
        load.stop();

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
        results.put("answers", load.answers());
        results.put("ordersStored", stored.size());
        results.put("parkedInExceptionStore", parked);
        results.put("acceptedButMissing", missing.size());
        BenchResults.write("fault-broker-restart", results);

        assertThat(missing.size()).as("2xx orders neither stored nor parked").isLessThanOrEqualTo((int) parked);
        hub.awaitHealthy(Duration.ofSeconds(30));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}

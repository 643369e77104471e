package dev.orderhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged hub, started as {@code java -jar} from the project root with its defaults (H2,
 * embedded Artemis), as the README runs it: it comes up healthy with every route loaded from
 * routes/ and connectors/, and an order goes from the API through the queue to RESERVED. Runs
 * after {@code package} (failsafe), so what only the jar does is tested too.
 */
class PackagedHubIT {

    private Process hub;

    @Test
    void theJarStartsWithEveryRouteAndImportsAnOrder() throws Exception {
        Path data = Files.createTempDirectory("orderhub-it");
        int port = freePort();
        Path log = data.resolve("hub.log");
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx512m", "-jar", System.getProperty("orderhub.jar"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("ORDERHUB_DATA_DIR", data.toString());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("ORDERHUB_BROKER_PORT", Integer.toString(freePort()));
        hub = builder.start();
        // No key: a person on this machine, as the README's walk-through runs on a fresh clone.
        HubClient client = HubClient.anonymous(port);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> "UP".equals(client.get("/actuator/health").text("status")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("Started OrderhubApplication"));
        String started = Files.readString(log);
        // dev.orderhub.StartupLog names every route started in one line.
        String routes = started.lines().filter(line -> line.contains("routes: ") && line.contains(" started: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no \"routes: N started: ...\" line in the log:\n" + started));
        assertThat(routes.substring(routes.indexOf(" started: ") + 10).split(", "))
                .contains("order-intake", "order-ingress", "orders-in-poll", "shipment-confirm", "outbox-relay", "dead-letters", "stock-push",
                        "personal-data-retention");

        client.setStock("IT-SKU", "main", 3);
        String id = client.post("/api/channels/webshop/orders", OrderJson.of("IT-1", "IT-SKU", 2)).text("hubOrderId");
        await().atMost(Duration.ofSeconds(20)).until(() -> "RESERVED".equals(client.get("/api/orders/" + id).text("status")));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.destroy();
            if (!hub.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                hub.destroyForcibly();
            }
        }
    }
}

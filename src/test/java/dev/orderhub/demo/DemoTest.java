package dev.orderhub.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import dev.orderhub.HubClient;
import dev.orderhub.channel.ChannelRegistry;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The demo (orderhub.demo.enabled=true, as the README's run command starts the hub): within the
 * first minute orders arrive on every sandbox channel, stock drops and is shown everywhere, and
 * shipments are confirmed back to each channel. Timings are shortened; the flows are the real ones.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT, properties = {
        "orderhub.demo.enabled=true", "orderhub.demo.order-every-ms=300", "orderhub.demo.ship-after-ms=500",
        "orderhub.demo.poll-interval-ms=500",
        // its own data directory, as the demo has (under target/, not the demo's ./data-demo)
        "orderhub.demo.data-dir=./target/test-data/demo-${random.uuid}"})
@ActiveProfiles("test")
class DemoTest {

    static final int PORT = freePort();

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    @Autowired
    DemoSandboxes sandboxes;
    @Autowired
    DemoBuyers buyers;
    @Autowired
    ChannelRegistry channels;
    @Autowired
    JdbcClient jdbc;

    @Test
    void withinAMinuteEverySandboxChannelHasOrdersShownStockAndConfirmedShipments() {
        Assumptions.assumeTrue(!sandboxes.running().isEmpty(), "no installed connector has a sandbox");
        List<String> demoChannels = sandboxes.running().stream().map(DemoSandboxes.Running::channel).toList();
        assertThat(demoChannels).allSatisfy(channel -> assertThat(channels.channel(channel)).isPresent());
        long started = System.nanoTime();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (String channel : demoChannels) {
                assertThat(count("SELECT COUNT(*) FROM orders WHERE channel = :c", channel)).as(channel + " orders").isPositive();
                assertThat(count("SELECT COUNT(*) FROM channel_confirmations WHERE channel = :c AND status = 'CONFIRMED'", channel))
                        .as(channel + " shipments confirmed back").isPositive();
            }
        });
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        HubClient hub = new HubClient(PORT);
        for (String sku : sandboxes.skus()) {
            long available = hub.get("/api/stock/" + sku).json().path("available").asLong();
            for (DemoSandboxes.Running running : sandboxes.running()) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(running.sandbox().shown().get(sku))
                        .as(running.channel() + " shows " + sku).isNotNull());
            }
            assertThat(available).isNotNegative();
        }
        assertThat(buyers.placed()).isPositive();
        assertThat(buyers.shipped()).isPositive();
        System.out.printf("demo: %d channels %s had orders and confirmed shipments after %d ms (%d placed, %d shipped)%n",
                demoChannels.size(), demoChannels, took.toMillis(), buyers.placed(), buyers.shipped());
    }

    private long count(String sql, String channel) {
        return jdbc.sql(sql).param("c", channel).query(Long.class).single();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

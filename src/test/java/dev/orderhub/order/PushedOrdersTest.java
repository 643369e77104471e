package dev.orderhub.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.orderhub.HubClient;
import dev.orderhub.OrderJson;
import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.retention.Retention;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The core's side of pushed orders (capability orders-pushed), with a test-only connector
 * ({@link SigningOrdersPushed}): the endpoint refuses what the connector does not verify and
 * stores nothing, takes a delivery once per id however many arrive at once, answers before the
 * work, and the work survives a failure (redelivered) and parks what cannot be read.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "orderhub.connectors-dir=src/test/resources/test-connectors",
        "camel.main.routes-include-pattern=file:routes/*.camel.yaml"})
@ActiveProfiles("test")
class PushedOrdersTest {

    static final String SECRET = "push-test-secret-0123456789";
    static final String CHANNEL = "pushshop";

    @TestConfiguration
    static class SigningConnector {

        @Bean
        SigningOrdersPushed signingOrdersPushed(ChannelSettings settings) {
            return new SigningOrdersPushed(settings);
        }
    }

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        registry.add("orderhub.channels." + CHANNEL + ".name", () -> "Push shop");
        registry.add("orderhub.channels." + CHANNEL + ".locations[0]", () -> "main");
        registry.add("orderhub.channels." + CHANNEL + ".connector.name", () -> "signing");
        registry.add("orderhub.channels." + CHANNEL + ".connector.properties.secret", () -> SECRET);
    }

    @LocalServerPort
    int port;
    @Autowired
    SigningOrdersPushed connector;
    @Autowired
    Retention retention;
    @Autowired
    JdbcClient jdbc;

    HubClient hub;
    String sku;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        connector.hold = new CountDownLatch(0);
        connector.failNext.set(0);
        sku = "PUSH-" + UUID.randomUUID().toString().substring(0, 8);
        hub.setStock(sku, "main", 1000);
    }

    @Test
    void aSignedDeliveryIsTakenOnceAndItsOrderImported() {
        String id = "P-" + UUID.randomUUID();
        byte[] body = OrderJson.of(id, sku, 2).getBytes(StandardCharsets.UTF_8);

        HubClient.Response first = push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body));
        HubClient.Response again = push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.text("status")).isEqualTo("ACCEPTED");
        assertThat(first.text("delivery")).isEqualTo("d-" + id);
        assertThat(again.text("status")).isEqualTo("REPEAT");
        awaitStatus(id, "RESERVED");
        assertThat(stored(id)).isEqualTo(1);
    }

    @Test
    void forgedTamperedOrUnsignedDeliveriesAre401AndNothingIsStored() {
        String id = "P-" + UUID.randomUUID();
        byte[] body = OrderJson.of(id, sku, 1).getBytes(StandardCharsets.UTF_8);
        byte[] tampered = OrderJson.of(id, sku, 9).getBytes(StandardCharsets.UTF_8);
        int reads = connector.reads.get();

        List<HubClient.Response> refused = List.of(
                push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign("another-secret", body)),
                push(CHANNEL, tampered, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body)),
                push(CHANNEL, body, "d-" + id, "created", null));

        assertThat(refused).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.text("error")).isEqualTo("invalid_signature");
            assertThat(r.body()).doesNotContain(SECRET);
        });
        assertThat(deliveries("d-" + id)).isZero();
        assertThat(connector.reads.get()).as("nothing read").isEqualTo(reads);
        assertThat(stored(id)).isZero();
        // The delivery id was not used up by the forgeries.
        assertThat(push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body)).text("status"))
                .isEqualTo("ACCEPTED");
        awaitStatus(id, "RESERVED");
    }

    @Test
    void unknownChannelsAndChannelsOfAnotherConnectorAre404() {
        byte[] body = OrderJson.of("X-1", sku, 1).getBytes(StandardCharsets.UTF_8);
        HubClient.Response unknown = push("nowhere", body, "d-1", "created", SigningOrdersPushed.sign(SECRET, body));
        HubClient.Response hubNative = HubClient.anonymous(port).send("POST", "/api/channels/webshop/webhooks/signing",
                "application/json", body, Map.of());
        HubClient.Response otherConnector = HubClient.anonymous(port).send("POST", "/api/channels/" + CHANNEL + "/webhooks/shopify",
                "application/json", body, Map.of());

        assertThat(List.of(unknown, hubNative, otherConnector)).allSatisfy(r -> {
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            assertThat(r.text("error")).isNotBlank();
        });
    }

    @Test
    void theAnswerComesBeforeTheWork() throws Exception {
        String id = "P-" + UUID.randomUUID();
        byte[] body = OrderJson.of(id, sku, 1).getBytes(StandardCharsets.UTF_8);
        connector.hold = new CountDownLatch(1);
        try {
            long started = System.nanoTime();
            HubClient.Response answer = push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(took).as("answered while the delivery's work is held").isLessThan(Duration.ofSeconds(2));
            // Not imported while the work is held, however long one watches.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> stored(id) == 0);
        } finally {
            connector.hold.countDown();
        }
        awaitStatus(id, "RESERVED");
    }

    @Test
    void theSameDeliveryArrivingManyTimesAtOnceIsTakenOnce() throws Exception {
        String id = "P-" + UUID.randomUUID();
        byte[] body = OrderJson.of(id, sku, 1).getBytes(StandardCharsets.UTF_8);
        String signature = SigningOrdersPushed.sign(SECRET, body);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HubClient.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return push(CHANNEL, body, "d-" + id, "created", signature);
                }));
            }
            go.countDown();
            List<String> statuses = new ArrayList<>();
            for (Future<HubClient.Response> answer : answers) {
                HubClient.Response response = answer.get();
                assertThat(response.status()).as(response.body()).isEqualTo(200);
                statuses.add(response.text("status"));
            }
            assertThat(statuses).filteredOn("ACCEPTED"::equals).hasSize(1);
            assertThat(statuses).filteredOn("REPEAT"::equals).hasSize(31);
        } finally {
            pool.shutdownNow();
        }
        awaitStatus(id, "RESERVED");
        assertThat(stored(id)).isEqualTo(1);
        assertThat(deliveries("d-" + id)).isEqualTo(1);
    }

    @Test
    void manyDeliveriesInParallelAreEachImportedOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HubClient.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "P-" + UUID.randomUUID();
                ids.add(id);
                byte[] body = OrderJson.of(id, sku, 1).getBytes(StandardCharsets.UTF_8);
                answers.add(pool.submit(() -> push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body))));
            }
            for (Future<HubClient.Response> answer : answers) {
                assertThat(answer.get().text("status")).isEqualTo("ACCEPTED");
            }
        } finally {
            pool.shutdownNow();
        }
        ids.forEach(id -> awaitStatus(id, "RESERVED"));
        assertThat(ids).allSatisfy(id -> assertThat(stored(id)).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/stock/" + sku).json().path("reserved").asLong() == 40);
    }

    @Test
    void aFailedReadIsRedeliveredAndAnUnreadableDeliveryParked() {
        String id = "P-" + UUID.randomUUID();
        byte[] body = OrderJson.of(id, sku, 1).getBytes(StandardCharsets.UTF_8);
        connector.failNext.set(1);

        assertThat(push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body)).status()).isEqualTo(200);
        awaitStatus(id, "RESERVED");
        assertThat(connector.failNext.get()).as("the first read failed").isZero();

        byte[] garbage = "not json at all".getBytes(StandardCharsets.UTF_8);
        String delivery = "d-garbage-" + UUID.randomUUID();
        assertThat(push(CHANNEL, garbage, delivery, "created", SigningOrdersPushed.sign(SECRET, garbage)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/exceptions?limit=500").body().contains(delivery));
    }

    @Test
    void aPushedCancellationCancelsTheOrderAndReleasesItsStock() {
        String id = "P-" + UUID.randomUUID();
        byte[] body = OrderJson.of(id, sku, 3).getBytes(StandardCharsets.UTF_8);
        push(CHANNEL, body, "d-" + id, "created", SigningOrdersPushed.sign(SECRET, body));
        awaitStatus(id, "RESERVED");

        byte[] cancel = ("{\"channelOrderId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(push(CHANNEL, cancel, "c-" + id, "cancelled", SigningOrdersPushed.sign(SECRET, cancel)).status()).isEqualTo(200);

        awaitStatus(id, "CANCELLED");
    }

    @Test
    void aTooLongDeliveryIdIs400AndOldIdsAreDeletedByRetention() {
        byte[] body = OrderJson.of("P-long", sku, 1).getBytes(StandardCharsets.UTF_8);
        HubClient.Response tooLong = push(CHANNEL, body, "d".repeat(200), "created", SigningOrdersPushed.sign(SECRET, body));
        assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(400);
        assertThat(tooLong.text("detail")).contains("delivery id");

        jdbc.sql("INSERT INTO webhook_deliveries (channel, delivery_id, topic, received_at) VALUES (:c, :d, 'created', :at)")
                .param("c", CHANNEL).param("d", "d-ancient").param("at", java.time.OffsetDateTime.ofInstant(
                        Instant.now().minus(Duration.ofDays(30)), java.time.ZoneOffset.UTC)).update();
        assertThat(retention.run().webhookDeliveries()).isGreaterThanOrEqualTo(1);
        assertThat(deliveries("d-ancient")).isZero();
    }

    private HubClient.Response push(String channel, byte[] body, String delivery, String topic, String signature) {
        Map<String, String> headers = new java.util.HashMap<>(Map.of("X-Test-Delivery", delivery, "X-Test-Topic", topic));
        if (signature != null) {
            headers.put("X-Test-Signature", signature);
        }
        return HubClient.anonymous(port).send("POST", "/api/channels/" + channel + "/webhooks/signing", "application/json",
                body, headers);
    }

    private void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            HubClient.Response order = hub.get("/api/orders/" + HubOrderIds.of(CHANNEL, id));
            return order.status() == 200 && status.equals(order.text("status"));
        });
    }

    private long stored(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM orders WHERE channel = :c AND channel_order_id = :id").param("c", CHANNEL)
                .param("id", id).query(Long.class).single();
    }

    private long deliveries(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_deliveries WHERE channel = :c AND delivery_id = :id").param("c", CHANNEL)
                .param("id", id).query(Long.class).single();
    }
}

package dev.orderhub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.orderhub.HubClient;
import dev.orderhub.HubTest;
import dev.orderhub.OrderJson;
import dev.orderhub.channel.WebhookSignature;
import dev.orderhub.order.HubOrderIds;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Orders pushed by a channel as signed webhooks: only a request signed with the channel's
 * secret over its timestamp and exact body is queued. Forged, tampered, replayed or unsigned
 * ones get 401 with the reason, are counted, and leave nothing behind.
 */
@HubTest
class SignedWebhookTest {

    /** The b2b channel's secret in the test profile (src/test/resources/orderhub-test.yaml). */
    private static final String SECRET = "test-only-webhook-secret-not-real";
    private static final String PATH = "/api/channels/b2b/webhooks/orders";

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    HubClient hub;
    String orderId;
    byte[] body;

    @BeforeEach
    void setUp() {
        hub = new HubClient(port);
        orderId = "WH-" + UUID.randomUUID();
        body = OrderJson.of(orderId, "SKU-" + orderId, 1).getBytes(StandardCharsets.UTF_8);
    }

    private HubClient.Response post(byte[] payload, Map<String, String> headers) {
        return hub.send("POST", PATH, "application/json", payload, headers);
    }

    private static Map<String, String> signed(String secret, long timestamp, byte[] payload) {
        return Map.of(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp),
                WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret, timestamp, payload));
    }

    private void assertNotQueued() {
        String hubOrderId = HubOrderIds.of("b2b", orderId);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> hub.get("/api/orders/" + hubOrderId).status() == 404);
        assertThat(hub.get("/api/exceptions?limit=500").body()).doesNotContain(orderId);
    }

    private double refused(String reason) {
        var counter = meters.find("orderhub.webhooks.refused").tag("channel", "b2b").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The finding: a channel with a secret took the same order unsigned on its plain order endpoint. */
    @Test
    void aChannelWithASecretTakesNoUnsignedOrderEvenFromAnAdmin() {
        HubClient.Response unsigned = hub.post("/api/channels/b2b/orders", new String(body, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(unsigned.status()).isEqualTo(403);
        assertThat(unsigned.text("error")).isEqualTo("signed_only");
        assertThat(unsigned.text("detail")).contains("/api/channels/b2b/webhooks/orders");
        assertNotQueued();
    }

    @Test
    void aCorrectlySignedWebhookIsQueuedAndARepeatAnswers200() {
        long now = Instant.now().getEpochSecond();
        HubClient.Response accepted = post(body, signed(SECRET, now, body));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String hubOrderId = accepted.text("hubOrderId");
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.get("/api/orders/" + hubOrderId).status() == 200);

        HubClient.Response repeat = post(body, signed(SECRET, now + 1, body));
        assertThat(repeat.status()).isEqualTo(200);
        assertThat(repeat.text("hubOrderId")).isEqualTo(hubOrderId);
    }

    @Test
    void aWebhookSignedWithAnotherSecretIsRefused() {
        double before = refused("signature");
        HubClient.Response forged = post(body, signed("an-attacker-guessing-the-secret", Instant.now().getEpochSecond(), body));

        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.text("error")).isEqualTo("invalid_signature");
        assertThat(forged.text("detail")).contains("X-Orderhub-Signature").doesNotContain(SECRET);
        assertThat(refused("signature")).isEqualTo(before + 1);
        assertNotQueued();
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        long now = Instant.now().getEpochSecond();
        Map<String, String> headers = signed(SECRET, now, body);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("\"qty\":1", "\"qty\":100").getBytes(StandardCharsets.UTF_8);
        assertThat(tampered).isNotEqualTo(body);

        HubClient.Response response = post(tampered, headers);
        assertThat(response.status()).isEqualTo(401);
        assertNotQueued();
    }

    @Test
    void aCapturedWebhookReplayedOutsideTheToleranceIsRefused() {
        long tenMinutesAgo = Instant.now().getEpochSecond() - 600;
        HubClient.Response replayed = post(body, signed(SECRET, tenMinutesAgo, body));

        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.text("detail")).contains("X-Orderhub-Timestamp", "outside the 300 s tolerance");
        assertNotQueued();
    }

    @Test
    void missingOrMalformedSignatureHeadersAreRefused() {
        assertThat(post(body, Map.of()).text("detail")).contains("are required");
        assertThat(post(body, Map.of(WebhookSignature.TIMESTAMP_HEADER, "yesterday", WebhookSignature.SIGNATURE_HEADER, "sha256=00"))
                .text("detail")).contains("Unix seconds");
        HubClient.Response garbage = post(body, Map.of(WebhookSignature.TIMESTAMP_HEADER,
                Long.toString(Instant.now().getEpochSecond()), WebhookSignature.SIGNATURE_HEADER, "sha256=not-hex"));
        assertThat(garbage.status()).isEqualTo(401);
        assertNotQueued();
    }

    @Test
    void aChannelWithoutASecretTakesNoWebhooks() {
        HubClient.Response response = hub.send("POST", "/api/channels/pos/webhooks/orders", "application/json", body,
                signed(SECRET, Instant.now().getEpochSecond(), body));
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text("detail")).contains("no webhook.secret");
    }
}

package dev.orderhub.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.orderhub.EventProbe;
import dev.orderhub.HubTest;
import dev.orderhub.channel.ChannelHealth;
import dev.orderhub.channel.WebhookSignature;
import jakarta.jms.ConnectionFactory;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The alert routes running as in production (evaluated and sent on their timers, here every
 * 200 ms): a channel down is raised once, published as alert.raised, POSTed signed to the
 * webhook (which refuses the first attempt: the same delivery comes again) and e-mailed over
 * SMTP to a local test server (GreenMail); back up, it is cleared the same three ways.
 */
@HubTest
class AlertNotificationTest {

    static final String SECRET = "test-only-alert-webhook-secret-not-real";
    static final HttpServer HOOK;
    static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    static final AtomicInteger REFUSE_NEXT = new AtomicInteger(1);
    static final GreenMail MAIL;

    record Received(Map<String, String> headers, byte[] body, int answered) {
    }

    static {
        try {
            HOOK = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        HOOK.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = REFUSE_NEXT.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 204;
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
            RECEIVED.add(new Received(headers, body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        HOOK.start();
        MAIL = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        MAIL.start();
    }

    @DynamicPropertySource
    static void alerts(DynamicPropertyRegistry registry) {
        registry.add("orderhub.alerts.evaluate-every-ms", () -> "200");
        registry.add("orderhub.alerts.first-evaluation-delay-ms", () -> "0");
        registry.add("orderhub.alerts.notify-interval-ms", () -> "200");
        registry.add("orderhub.alerts.retry.first", () -> "300ms");
        registry.add("orderhub.alerts.retry.max", () -> "1s");
        registry.add("orderhub.alerts.webhook.url", () -> "http://127.0.0.1:" + HOOK.getAddress().getPort() + "/hook");
        registry.add("orderhub.alerts.webhook.secret", () -> SECRET);
        registry.add("orderhub.alerts.mail.to", () -> "ops@example.test,lead@example.test");
        registry.add("orderhub.alerts.mail.from", () -> "orderhub@example.test");
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> MAIL.getSmtp().getPort());
    }

    @AfterAll
    static void stop() {
        HOOK.stop(0);
        MAIL.stop();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Autowired
    ChannelHealth health;
    @Autowired
    ConnectionFactory broker;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ObjectMapper json;

    List<JsonNode> delivered(String event) {
        return RECEIVED.stream().filter(r -> r.answered() == 204).map(r -> read(r.body()))
                .filter(m -> event.equals(m.path("event").asText()) && "connector.down".equals(m.path("alert").path("kind").asText()))
                .toList();
    }

    JsonNode read(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The mails sent whose subject has this in it: one per message sent (GreenMail keeps a copy per recipient). */
    List<MimeMessage> mails(String subjectPart) throws Exception {
        Map<String, MimeMessage> found = new java.util.LinkedHashMap<>();
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            if (m.getSubject().contains(subjectPart)) {
                found.putIfAbsent(m.getMessageID(), m);
            }
        }
        return List.copyOf(found.values());
    }

    @Test
    void aChannelDownIsRaisedPublishedPostedSignedAndMailedOnceThenClearedTheSameWays() throws Exception {
        try (EventProbe events = EventProbe.subscribe(broker, "alert.raised", "alert.cleared")) {
            health.down("manual", "stock-push", "test: the connector says the credentials are revoked");

            await().atMost(Duration.ofSeconds(20)).until(() -> delivered("alert.raised").size() == 1);
            JsonNode raised = delivered("alert.raised").get(0);
            assertThat(raised.path("alert").path("channel").asText()).isEqualTo("manual");
            assertThat(raised.path("alert").path("severity").asText()).isEqualTo("alert");
            assertThat(raised.path("alert").path("title").asText()).contains("manual", "stock-push", "revoked");
            long alertId = raised.path("alert").path("id").asLong();

            // The first attempt was refused (500); the retry is the same delivery, signed again.
            List<Received> attempts = RECEIVED.stream()
                    .filter(r -> read(r.body()).path("alert").path("id").asLong() == alertId
                            && "alert.raised".equals(read(r.body()).path("event").asText()))
                    .toList();
            assertThat(attempts).extracting(Received::answered).containsExactly(500, 204);
            assertThat(attempts).extracting(r -> r.headers().get(AlertNotifier.DELIVERY_HEADER)).doesNotContainNull()
                    .containsOnly(attempts.get(0).headers().get(AlertNotifier.DELIVERY_HEADER));
            for (Received attempt : attempts) {
                long timestamp = Long.parseLong(attempt.headers().get(WebhookSignature.TIMESTAMP_HEADER));
                assertThat(attempt.headers().get(WebhookSignature.SIGNATURE_HEADER))
                        .isEqualTo(WebhookSignature.sign(SECRET, timestamp, attempt.body()))
                        .isNotEqualTo(WebhookSignature.sign("another-secret-of-enough-length", timestamp, attempt.body()));
                assertThat(attempt.headers().get(AlertNotifier.EVENT_HEADER)).isEqualTo("alert.raised");
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> mails("ALERT: Channel manual is down").size() == 1);
            MimeMessage mail = mails("ALERT: Channel manual is down").get(0);
            assertThat(mail.getAllRecipients()).extracting(Object::toString)
                    .containsExactlyInAnyOrder("ops@example.test", "lead@example.test");
            assertThat(mail.getFrom()[0].toString()).isEqualTo("orderhub@example.test");
            assertThat(new String(mail.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("connector.down", "manual");

            await().atMost(Duration.ofSeconds(10)).until(() -> events.events("alert.raised", "kind", "connector.down").size() == 1);

            // Still down over many evaluations (every 200 ms): raised once only, the whole second through.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                    delivered("alert.raised").size() == 1 && events.events("alert.raised", "kind", "connector.down").size() == 1
                            && mails("ALERT: Channel manual is down").size() == 1);

            health.up("manual");
            await().atMost(Duration.ofSeconds(20)).until(() -> delivered("alert.cleared").size() == 1);
            assertThat(delivered("alert.cleared").get(0).path("alert").path("id").asLong()).isEqualTo(alertId);
            assertThat(delivered("alert.cleared").get(0).path("alert").path("clearedAt").asText()).isNotBlank();
            await().atMost(Duration.ofSeconds(20)).until(() -> mails("Cleared: Channel manual is down").size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.events("alert.cleared", "kind", "connector.down").size() == 1);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM alert_notifications WHERE alert_id = :id AND sent_at IS NOT NULL")
                    .param("id", alertId).query(Long.class).single()).isEqualTo(4);
        }
    }
}

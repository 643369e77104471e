package dev.orderhub.alert;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.WebhookSignature;
import dev.orderhub.messaging.EventTypes;
import dev.orderhub.privacy.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;

/**
 * Tells the configured receivers of each alert raised, escalated and cleared
 * (routes/alerts.camel.yaml runs {@link #sendDue()}, on the one instance holding the lease):
 * <ul>
 * <li>webhook: {@code POST orderhub.alerts.webhook.url} with {@code {"event", "deliveryId",
 * "alert"}}, signed like the hub's order webhooks ({@code X-Orderhub-Timestamp},
 * {@code X-Orderhub-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">}) under
 * {@code orderhub.alerts.webhook.secret}; {@code X-Orderhub-Delivery} names the delivery, the
 * same on every retry, so a receiver can drop one it already has. Any 2xx is taken.</li>
 * <li>e-mail to {@code orderhub.alerts.mail.to} over spring.mail.* (SMTP).</li>
 * </ul>
 * A failed delivery is tried again after {@code retry.first}, doubling up to {@code retry.max},
 * {@code retry.attempts} times, then marked failed (and logged). Notifications are rows written
 * with the alert, so none is lost to a restart; one may be sent twice if the hub stops between
 * sending it and recording that.
 */
@Component("alertNotifier")
public class AlertNotifier {

    public static final String WEBHOOK = "webhook";
    public static final String EMAIL = "email";
    public static final String DELIVERY_HEADER = "X-Orderhub-Delivery";
    public static final String EVENT_HEADER = "X-Orderhub-Event";
    private static final Logger LOG = LoggerFactory.getLogger(AlertNotifier.class);
    private static final int BATCH = 20;

    private final JdbcClient jdbc;
    private final Alerts alerts;
    private final AlertSettings settings;
    private final ObjectMapper json;
    private final ObjectProvider<JavaMailSender> mail;
    private final Clock clock;
    private final HttpClient http;

    public AlertNotifier(JdbcClient jdbc, Alerts alerts, AlertSettings settings, ObjectMapper json,
                         ObjectProvider<JavaMailSender> mail, Clock clock) {
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.settings = settings;
        this.json = json;
        this.mail = mail;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private Duration timeout() {
        return settings.webhook().timeout() == null ? Duration.ofSeconds(10) : settings.webhook().timeout();
    }

    private record Due(long id, long alertId, String event, String target, int attempts) {
    }

    /** What one round sent: delivered, to be tried again, given up. */
    public record Round(int sent, int retrying, int failed) {
    }

    /** Sends the notifications that are due, a batch at a time. */
    public Round sendDue() {
        Instant now = clock.instant();
        List<Due> due = jdbc.sql("SELECT id, alert_id, event, target, attempts FROM alert_notifications "
                        + "WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= :now ORDER BY id FETCH FIRST :n ROWS ONLY")
                .param("now", now.atOffset(ZoneOffset.UTC)).param("n", BATCH)
                .query((ResultSet rs, int row) -> new Due(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5)))
                .list();
        int sent = 0;
        int retrying = 0;
        int failed = 0;
        for (Due d : due) {
            Optional<Alert> alert = alerts.find(d.alertId());
            String error = alert.isEmpty() ? null : deliver(d, alert.get());
            if (error == null) {
                jdbc.sql("UPDATE alert_notifications SET sent_at = :now, attempts = attempts + 1, last_error = NULL WHERE id = :id")
                        .param("now", clock.instant().atOffset(ZoneOffset.UTC)).param("id", d.id()).update();
                sent++;
            } else if (d.attempts() + 1 >= settings.retry().attempts()) {
                jdbc.sql("UPDATE alert_notifications SET failed_at = :now, attempts = attempts + 1, last_error = :error WHERE id = :id")
                        .param("now", clock.instant().atOffset(ZoneOffset.UTC)).param("error", Alerts.bounded(error, 300))
                        .param("id", d.id()).update();
                LOG.warn("alert {}: {} of {} not delivered after {} attempts, given up: {}", d.alertId(), d.target(), d.event(),
                        d.attempts() + 1, error);
                failed++;
            } else {
                Duration wait = backoff(d.attempts());
                jdbc.sql("UPDATE alert_notifications SET next_attempt_at = :next, attempts = attempts + 1, last_error = :error "
                                + "WHERE id = :id")
                        .param("next", clock.instant().plus(wait).atOffset(ZoneOffset.UTC)).param("error", Alerts.bounded(error, 300))
                        .param("id", d.id()).update();
                LOG.info("alert {}: {} of {} not delivered ({}); trying again in {} s", d.alertId(), d.target(), d.event(), error,
                        wait.toSeconds());
                retrying++;
            }
        }
        return new Round(sent, retrying, failed);
    }

    Duration backoff(int attemptsBefore) {
        Duration wait = settings.retry().first();
        for (int i = 0; i < attemptsBefore && wait.compareTo(settings.retry().max()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(settings.retry().max()) > 0 ? settings.retry().max() : wait;
    }

    /** Null when delivered, else why not. */
    private String deliver(Due d, Alert alert) {
        try {
            return switch (d.target()) {
                case WEBHOOK -> webhook(d, alert);
                case EMAIL -> email(d, alert);
                default -> "unknown target " + d.target();
            };
        } catch (RuntimeException e) {
            return Redaction.describe(e);
        }
    }

    /** The webhook's body: the event, the delivery id and the alert. */
    public record Message(String event, String deliveryId, Alerts.AlertEvent alert) {
    }

    private String webhook(Due d, Alert alert) {
        AlertSettings.Webhook hook = settings.webhook();
        if (!hook.configured()) {
            return "no webhook is configured any more (orderhub.alerts.webhook.url)";
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(new Message(d.event(), String.valueOf(d.id()), Alerts.AlertEvent.of(alert)));
        } catch (JsonProcessingException e) {
            return "could not write the message: " + e.getOriginalMessage();
        }
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(hook.url()).timeout(timeout())
                .header("Content-Type", "application/json")
                .header(EVENT_HEADER, d.event())
                .header(DELIVERY_HEADER, String.valueOf(d.id()))
                .header(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(timestamp))
                .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(hook.secret(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "the webhook answered " + response.statusCode();
        } catch (IOException e) {
            return "the webhook could not be reached: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private String email(Due d, Alert alert) {
        JavaMailSender sender = mail.getIfAvailable();
        if (sender == null || !settings.mail().configured()) {
            return "no SMTP server or recipients are configured (spring.mail.host, orderhub.alerts.mail.to)";
        }
        SimpleMailMessage message = new SimpleMailMessage();
        message.setTo(settings.mail().to().toArray(String[]::new));
        if (settings.mail().from() != null && !settings.mail().from().isBlank()) {
            message.setFrom(settings.mail().from());
        }
        String what = switch (d.event()) {
            case EventTypes.ALERT_CLEARED -> "Cleared";
            case Alerts.ESCALATED -> "Now ALERT";
            default -> alert.severity().equals(Alert.ALERT) ? "ALERT" : "Warning";
        };
        message.setSubject("[orderhub] " + what + ": " + alert.title());
        StringBuilder text = new StringBuilder();
        text.append(alert.title()).append("\n\n");
        for (Map.Entry<String, Object> line : lines(alert).entrySet()) {
            if (line.getValue() != null) {
                text.append(line.getKey()).append(": ").append(line.getValue()).append('\n');
            }
        }
        text.append("\nDelivery ").append(d.id()).append(" of alert ").append(alert.id()).append(".\n");
        message.setText(text.toString());
        sender.send(message);
        return null;
    }

    private static Map<String, Object> lines(Alert a) {
        Map<String, Object> lines = new java.util.LinkedHashMap<>();
        lines.put("Kind", a.kind());
        lines.put("Channel", a.channel());
        lines.put("Subject", a.subject());
        lines.put("Severity", a.severity());
        lines.put("Value", a.valueText());
        lines.put("Raised", a.raisedAt());
        lines.put("Cleared", a.clearedAt());
        return lines;
    }
}

package dev.orderhub.alert;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the alerts watch and whom they tell ({@code orderhub.alerts} in config/application.yaml,
 * docs/kpis-and-alerts.md). The KPI thresholds themselves are {@code orderhub.kpi-thresholds}.
 *
 * @param kpiMinOrders a KPI raises only once its window counts at least this many orders (one
 *                     late order out of two is not yet a rate)
 * @param shipLateLead orders not shipped this long before their ship-by (or after it) are at risk
 * @param stockSyncLag how long the oldest stock value may wait to be pushed to a channel
 * @param exceptions   how many messages parked within {@code window} raise
 * @param connectorDownAfter how long a channel must have been down before it raises
 */
@ConfigurationProperties("orderhub.alerts")
public record AlertSettings(int kpiMinOrders, Duration shipLateLead, Lag stockSyncLag, Growth exceptions,
                            Duration connectorDownAfter, Webhook webhook, Mail mail, Retry retry) {

    public record Lag(Duration warn, Duration alert) {
    }

    public record Growth(Duration window, int warn, int alert) {
    }

    /** A receiver of every raise and clear, signed with {@code secret} (HMAC-SHA256), or none when {@code url} is unset. */
    public record Webhook(URI url, String secret, Duration timeout) {

        public boolean configured() {
            return url != null && !url.toString().isBlank();
        }
    }

    /** E-mail of every raise and clear to {@code to} (the SMTP server is spring.mail.*), or none when {@code to} is empty. */
    public record Mail(List<String> to, String from) {

        public boolean configured() {
            return to != null && !to.isEmpty();
        }
    }

    /** How a notification that could not be delivered is tried again: first after {@code first}, doubling up to {@code max}. */
    public record Retry(Duration first, Duration max, int attempts) {
    }

    public AlertSettings {
        kpiMinOrders = Math.max(kpiMinOrders, 1);
        shipLateLead = shipLateLead == null ? Duration.ofHours(4) : shipLateLead;
        stockSyncLag = stockSyncLag == null ? new Lag(Duration.ofMinutes(1), Duration.ofMinutes(5)) : stockSyncLag;
        exceptions = exceptions == null ? new Growth(Duration.ofMinutes(15), 10, 50) : exceptions;
        connectorDownAfter = connectorDownAfter == null ? Duration.ZERO : connectorDownAfter;
        webhook = webhook == null ? new Webhook(null, null, null) : webhook;
        mail = mail == null ? new Mail(List.of(), null)
                : new Mail(mail.to() == null ? List.of() : mail.to().stream().map(String::strip).filter(t -> !t.isEmpty()).toList(), mail.from());
        retry = retry == null ? new Retry(Duration.ofSeconds(10), Duration.ofHours(1), 30) : retry;
        if (webhook.configured()) {
            String scheme = webhook.url().getScheme();
            if (!"https".equals(scheme) && !"http".equals(scheme)) {
                throw new IllegalArgumentException("orderhub.alerts.webhook.url: must be an http(s) URL, was " + webhook.url());
            }
            if (webhook.secret() == null || webhook.secret().length() < 16) {
                throw new IllegalArgumentException("orderhub.alerts.webhook.secret (ORDERHUB_ALERTS_WEBHOOK_SECRET): "
                        + "a webhook receiver is set, so its signing secret must be too, at least 16 characters");
            }
        }
        if (stockSyncLag.warn() == null || stockSyncLag.alert() == null || stockSyncLag.alert().compareTo(stockSyncLag.warn()) < 0) {
            throw new IllegalArgumentException("orderhub.alerts.stock-sync-lag: warn and alert are both needed, alert not before warn");
        }
        if (exceptions.window() == null || exceptions.warn() < 1 || exceptions.alert() < exceptions.warn()) {
            throw new IllegalArgumentException("orderhub.alerts.exceptions: a window, warn at least 1, alert not below warn");
        }
    }
}

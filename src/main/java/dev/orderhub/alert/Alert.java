package dev.orderhub.alert;

import java.time.Instant;

/**
 * A condition the hub raised for a person to look at. {@code kind} names the condition
 * (kpi.lsr, orders.ship_late_risk, stock_sync.lag, exceptions.growing, connector.down),
 * {@code channel} the channel it is about (null for the hub as a whole), {@code subject} what
 * within it (null when the channel is enough). {@code severity} is warn or alert; {@code value}
 * the measured figure, {@code threshold} the one it crossed. Open while {@code clearedAt} is
 * null; acknowledging does not close it (the condition does).
 */
public record Alert(long id, String kind, String channel, String subject, String severity, String title, Double value,
                    String valueText, Double threshold, Instant raisedAt, Instant updatedAt, Instant clearedAt,
                    Instant acknowledgedAt, String acknowledgedBy, String acknowledgeNote) {

    public static final String WARN = "warn";
    public static final String ALERT = "alert";

    public boolean open() {
        return clearedAt == null;
    }

    /** What an alert is about, whatever its value: one open alert per key. */
    static String key(String kind, String channel, String subject) {
        return kind + "|" + (channel == null ? "" : channel) + "|" + (subject == null ? "" : subject);
    }
}

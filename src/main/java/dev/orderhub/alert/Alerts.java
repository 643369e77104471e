package dev.orderhub.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.orderhub.messaging.EventTypes;
import dev.orderhub.messaging.Outbox;
import dev.orderhub.messaging.StoredPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hub's alerts: {@link #evaluate()} (routes/alerts.camel.yaml, on the one instance holding
 * the alerts lease) compares the conditions that hold now with the open alerts, raises each new
 * one once ({@code alert.raised}), updates one whose value or severity moved, and clears one
 * whose condition ended ({@code alert.cleared}). Each change is one transaction with its event
 * and its notifications ({@link AlertNotifier}); the unique open key keeps a condition to one
 * open alert even if two instances evaluated at once.
 */
@Service("alerts")
@EnableConfigurationProperties(AlertSettings.class)
public class Alerts {

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private static final String COLUMNS = "id, kind, channel, subject, severity, title, val, value_text, threshold, raised_at, "
            + "updated_at, cleared_at, acknowledged_at, acknowledged_by, ack_note";

    private final JdbcClient jdbc;
    private final Outbox outbox;
    private final AlertConditions conditions;
    private final AlertSettings settings;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean mailSender;

    public Alerts(JdbcClient jdbc, Outbox outbox, AlertConditions conditions, AlertSettings settings, Clock clock,
                  PlatformTransactionManager transactions,
                  org.springframework.beans.factory.ObjectProvider<org.springframework.mail.javamail.JavaMailSender> mail) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.conditions = conditions;
        this.settings = settings;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        this.mailSender = mail.getIfAvailable() != null;
        if (settings.mail().configured() && !mailSender) {
            LOG.warn("alerts: orderhub.alerts.mail.to is set but no SMTP server is (spring.mail.host): no alert e-mail is sent");
        }
    }

    /** What one evaluation changed. */
    public record Evaluation(int raised, int updated, int cleared, long open) {
    }

    /** The payload of alert.raised and alert.cleared (and of the webhook's and e-mail's message). */
    public record AlertEvent(long id, String kind, String channel, String subject, String severity, String title,
                             Double value, String valueText, Double threshold, Instant raisedAt, Instant clearedAt) {

        static AlertEvent of(Alert a) {
            return new AlertEvent(a.id(), a.kind(), a.channel(), a.subject(), a.severity(), a.title(), a.value(),
                    a.valueText(), a.threshold(), a.raisedAt(), a.clearedAt());
        }
    }

    public Evaluation evaluate() {
        AlertConditions.Reading reading = conditions.read();
        Map<String, Alert> open = new LinkedHashMap<>();
        open().forEach(a -> open.put(Alert.key(a.kind(), a.channel(), a.subject()), a));
        int openBefore = open.size();
        int raised = 0;
        int updated = 0;
        int cleared = 0;
        for (AlertConditions.Condition condition : reading.conditions()) {
            Alert known = open.remove(condition.key());
            if (known == null) {
                if (raise(condition)) {
                    raised++;
                }
            } else if (changed(known, condition)) {
                update(known, condition);
                updated++;
            }
        }
        for (Alert ended : open.values()) {
            if (reading.read(ended.kind()) && clear(ended)) {
                cleared++;
            }
        }
        // Open now: what was open and still holds (or was not read), plus what was raised.
        Evaluation evaluation = new Evaluation(raised, updated, cleared, openBefore - cleared + raised);
        if (raised + cleared > 0) {
            LOG.info("alerts: {} raised, {} cleared, {} updated, {} open", raised, cleared, updated, evaluation.open());
        }
        return evaluation;
    }

    private boolean raise(AlertConditions.Condition c) {
        Instant now = clock.instant();
        try {
            Alert alert = tx.execute(status -> {
                KeyHolder keys = new GeneratedKeyHolder();
                jdbc.sql("INSERT INTO alerts (kind, channel, subject, severity, title, val, value_text, threshold, raised_at, "
                                + "updated_at, open_key) VALUES (:kind, :channel, :subject, :severity, :title, :val, :text, "
                                + ":threshold, :now, :now, :key)")
                        .param("kind", c.kind()).param("channel", c.channel() == null ? "" : c.channel())
                        .param("subject", c.subject() == null ? "" : c.subject()).param("severity", c.severity())
                        .param("title", bounded(c.title(), 300)).param("val", c.value()).param("text", bounded(c.valueText(), 300))
                        .param("threshold", c.threshold()).param("now", utc(now)).param("key", c.key())
                        .update(keys, "id");
                Alert made = find(keys.getKey().longValue()).orElseThrow();
                outbox.append(EventTypes.ALERT_RAISED, groupKey(made), AlertEvent.of(made));
                notify(made, EventTypes.ALERT_RAISED, now);
                return made;
            });
            LOG.warn("alert raised: {} {} ({})", alert.severity(), alert.kind(), alert.channel() == null ? "hub" : alert.channel());
            return true;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    private static boolean changed(Alert known, AlertConditions.Condition c) {
        return !known.severity().equals(c.severity()) || !Objects.equals(known.value(), c.value())
                || !Objects.equals(known.valueText(), bounded(c.valueText(), 300)) || !known.title().equals(bounded(c.title(), 300))
                || !Objects.equals(known.threshold(), c.threshold());
    }

    private void update(Alert known, AlertConditions.Condition c) {
        Instant now = clock.instant();
        boolean escalated = Alert.WARN.equals(known.severity()) && Alert.ALERT.equals(c.severity());
        tx.executeWithoutResult(status -> {
            jdbc.sql("UPDATE alerts SET severity = :severity, title = :title, val = :val, value_text = :text, threshold = :threshold, "
                            + "updated_at = :now WHERE id = :id AND cleared_at IS NULL")
                    .param("severity", c.severity()).param("title", bounded(c.title(), 300)).param("val", c.value())
                    .param("text", bounded(c.valueText(), 300)).param("threshold", c.threshold()).param("now", utc(now))
                    .param("id", known.id()).update();
            if (escalated) {
                notify(find(known.id()).orElseThrow(), ESCALATED, now);
            }
        });
    }

    /** The notification event of an alert whose severity rose from warn to alert (webhook and e-mail only). */
    public static final String ESCALATED = "alert.escalated";

    private boolean clear(Alert ended) {
        Instant now = clock.instant();
        Boolean done = tx.execute(status -> {
            int changed = jdbc.sql("UPDATE alerts SET cleared_at = :now, updated_at = :now, open_key = NULL "
                            + "WHERE id = :id AND cleared_at IS NULL")
                    .param("now", utc(now)).param("id", ended.id()).update();
            if (changed == 0) {
                return false;
            }
            Alert closed = find(ended.id()).orElseThrow();
            outbox.append(EventTypes.ALERT_CLEARED, groupKey(closed), AlertEvent.of(closed));
            notify(closed, EventTypes.ALERT_CLEARED, now);
            return true;
        });
        if (Boolean.TRUE.equals(done)) {
            LOG.info("alert cleared: {} ({})", ended.kind(), ended.channel() == null ? "hub" : ended.channel());
        }
        return Boolean.TRUE.equals(done);
    }

    private void notify(Alert alert, String event, Instant now) {
        List<String> targets = new ArrayList<>();
        if (settings.webhook().configured()) {
            targets.add(AlertNotifier.WEBHOOK);
        }
        if (settings.mail().configured() && mailSender) {
            targets.add(AlertNotifier.EMAIL);
        }
        for (String target : targets) {
            jdbc.sql("INSERT INTO alert_notifications (alert_id, event, target, attempts, next_attempt_at) "
                            + "VALUES (:id, :event, :target, 0, :now)")
                    .param("id", alert.id()).param("event", event).param("target", target).param("now", utc(now)).update();
        }
    }

    private static String groupKey(Alert a) {
        return "alert:" + a.kind() + ":" + (a.channel() == null ? "" : a.channel());
    }

    // --- Reading -------------------------------------------------------------------------------

    /** The open alerts, the most severe first (alert sorts before warn), then the newest. */
    @Transactional(readOnly = true)
    public List<Alert> open() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alerts WHERE cleared_at IS NULL ORDER BY severity, raised_at DESC, id DESC")
                .query(Alerts::alert).list();
    }

    /** Open alerts per severity (warn, alert), for the metrics. */
    @Transactional(readOnly = true)
    public Map<String, Long> openBySeverity() {
        Map<String, Long> counts = new LinkedHashMap<>(Map.of(Alert.WARN, 0L, Alert.ALERT, 0L));
        jdbc.sql("SELECT severity, COUNT(*) FROM alerts WHERE cleared_at IS NULL GROUP BY severity")
                .query((ResultSet rs) -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /** The alerts cleared most recently. */
    @Transactional(readOnly = true)
    public List<Alert> recentlyCleared(int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alerts WHERE cleared_at IS NOT NULL ORDER BY cleared_at DESC, id DESC "
                        + "FETCH FIRST :limit ROWS ONLY")
                .param("limit", limit).query(Alerts::alert).list();
    }

    /**
     * A page of alerts, newest first: those with an id below {@code beforeId} (0: from the
     * newest), {@code state} open, cleared or all, of one channel and kind when given.
     */
    @Transactional(readOnly = true)
    public List<Alert> list(String state, String channel, String kind, long beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alerts WHERE 1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if ("open".equals(state)) {
            sql.append(" AND cleared_at IS NULL");
        } else if ("cleared".equals(state)) {
            sql.append(" AND cleared_at IS NOT NULL");
        }
        if (channel != null) {
            sql.append(" AND channel = :channel");
            params.put("channel", channel);
        }
        if (kind != null) {
            sql.append(" AND kind = :kind");
            params.put("kind", kind);
        }
        if (beforeId > 0) {
            sql.append(" AND id < :before");
            params.put("before", beforeId);
        }
        sql.append(" ORDER BY id DESC FETCH FIRST :limit ROWS ONLY");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(Alerts::alert).list();
    }

    @Transactional(readOnly = true)
    public Optional<Alert> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM alerts WHERE id = :id").param("id", id).query(Alerts::alert).optional();
    }

    /** Marks the alert seen by {@code by}, with an optional note; it stays open until its condition ends. */
    @Transactional
    public Optional<Alert> acknowledge(long id, String by, String note) {
        int changed = jdbc.sql("UPDATE alerts SET acknowledged_at = :now, acknowledged_by = :by, ack_note = :note WHERE id = :id")
                .param("now", utc(clock.instant())).param("by", bounded(by, 128)).param("note", note).param("id", id).update();
        return changed == 0 ? Optional.empty() : find(id);
    }

    private static Alert alert(ResultSet rs, int row) throws SQLException {
        return new Alert(rs.getLong(1), rs.getString(2), emptyToNull(rs.getString(3)), emptyToNull(rs.getString(4)),
                rs.getString(5), rs.getString(6), number(rs, 7), rs.getString(8), number(rs, 9), instant(rs, 10),
                instant(rs, 11), instant(rs, 12), instant(rs, 13), rs.getString(14), rs.getString(15));
    }

    private static Double number(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static String bounded(String s, int max) {
        return s == null ? null : StoredPayload.storable(s, max);
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}

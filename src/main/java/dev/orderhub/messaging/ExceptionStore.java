package dev.orderhub.messaging;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import dev.orderhub.privacy.Redaction;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The hub's exception store. Messages that fail validation in a route, and messages the
 * broker dead-letters after its redelivery budget, are parked here with source, reason and
 * the original payload, so nothing is lost and a person can replay or discard them.
 */
@Service("exceptionStore")
public class ExceptionStore {

    private static final Logger LOG = LoggerFactory.getLogger(ExceptionStore.class);
    private static final String QUEUE_PREFIX = "queue:";
    private static final String COLUMNS = "id, source, reason, payload, status, note, created_at, resolved_at, "
            + "payload_size, payload_truncated, payload_encoding";
    /** The columns' widths (V1): what is longer is cut, never refused. */
    private static final int MAX_SOURCE = 200;
    private static final int MAX_REASON = 2000;

    private final JdbcClient jdbc;
    private final JmsTemplate jms;
    private final Clock clock;
    private final int maxPayloadChars;
    /** Set while the store is unreachable for dead letters: one WARN per outage, not one per redelivery. */
    private final AtomicBoolean deadLettersWaiting = new AtomicBoolean();

    private final org.springframework.beans.factory.ObjectProvider<ReplayCheck> checks;

    public ExceptionStore(JdbcClient jdbc, JmsTemplate jms, Clock clock,
                          @Value("${orderhub.exceptions.max-payload-chars:262144}") int maxPayloadChars,
                          org.springframework.beans.factory.ObjectProvider<ReplayCheck> checks) {
        this.checks = checks;
        this.jdbc = jdbc;
        this.jms = jms;
        this.clock = clock;
        // The payload column holds 1,000,000 characters.
        this.maxPayloadChars = Math.max(1, Math.min(maxPayloadChars, 1_000_000));
    }

    /** The most characters of a payload the store keeps. */
    public int maxPayloadChars() {
        return maxPayloadChars;
    }

    /** Parks the message a route failed on, with the exception that made it fail. Used by the routes' error policy. */
    public long parkFailed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "failed without an exception" : cause.getMessage();
        return park(sourceOf(exchange), reason == null ? cause.getClass().getName() : reason,
                exchange.getMessage().getBody(String.class));
    }

    /**
     * Parks a message the broker dead-lettered: it failed every delivery attempt. The route
     * hands over the JMS message itself (mapJmsMessage=false): its body is read here as text
     * or bytes, bounded, and an ObjectMessage is parked by its type, never deserialised.
     * While the database is away this fails, the broker redelivers (the dead-letter queue
     * never drops) and the outage is logged once.
     */
    public long parkDeadLetter(Exchange exchange) throws JMSException {
        Message message = exchange.getMessage() instanceof JmsMessage jmsMessage ? jmsMessage.getJmsMessage()
                : exchange.getMessage().getBody(Message.class);
        if (message == null) {
            throw new IllegalStateException("dead-letters: the exchange holds no JMS message");
        }
        String origin = message.propertyExists("_AMQ_ORIG_ADDRESS") ? message.getStringProperty("_AMQ_ORIG_ADDRESS") : null;
        String source = origin == null ? sourceOf(message, exchange) : QUEUE_PREFIX + origin;
        boolean readable = message instanceof jakarta.jms.TextMessage || message instanceof BytesMessage;
        String reason = readable
                ? "dead-lettered by the broker after every delivery attempt failed; the hub log has each failure"
                : "dead-lettered: " + JmsBodies.unreadKind(message);
        StoredPayload payload = JmsBodies.forParking(message, maxPayloadChars);
        try {
            long id = park(source, reason, payload);
            if (deadLettersWaiting.compareAndSet(true, false)) {
                LOG.info("dead letters: the exception store is reachable again; parking resumed");
            }
            return id;
        } catch (DataAccessException | org.springframework.transaction.TransactionException e) {
            if (deadLettersWaiting.compareAndSet(false, true)) {
                LOG.warn("dead letters: the exception store (database) is unreachable ({}); the broker keeps them "
                        + "and redelivers until it is back. Logged once per outage.", e.getMostSpecificCause().getMessage());
            }
            throw new StoreUnavailableException(e);
        }
    }

    /** Parks a text payload (kept bounded and storable, see {@link StoredPayload}). */
    @Transactional
    public long park(String source, String reason, String payload) {
        return park(source, reason, StoredPayload.text(payload, maxPayloadChars));
    }

    /**
     * Parks a payload with its reason. Never fails for the data's sake: source and reason are
     * cut to their columns and the payload is already bounded, so only an unreachable database
     * makes this fail.
     */
    @Transactional
    public long park(String source, String reason, StoredPayload payload) {
        String storedReason = StoredPayload.storable(reason == null ? "(no reason given)" : reason, MAX_REASON);
        String storedSource = StoredPayload.storable(source, MAX_SOURCE);
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO exceptions (source, reason, payload, status, created_at, payload_size, payload_truncated, "
                        + "payload_encoding) VALUES (:source, :reason, :payload, :status, :now, :size, :truncated, :encoding)")
                .param("source", storedSource)
                .param("reason", storedReason)
                .param("payload", payload.value())
                .param("status", ParkedException.OPEN)
                .param("now", now())
                .param("size", payload.size())
                .param("truncated", payload.truncated())
                .param("encoding", payload.encoding())
                .update(keys, "id");
        long id = keys.getKey().longValue();
        // The reason may quote the input (a buyer's name, an address): the log names its fields only,
        // the entry (GET /api/exceptions/{id}) has it whole.
        LOG.warn("parked exception {} from {}: {}", id, storedSource, Redaction.fieldsOf(reason));
        return id;
    }

    @Transactional(readOnly = true)
    public List<ParkedException> list(String source, String status, long afterId, int limit) {
        StringBuilder where = new StringBuilder(" WHERE id > :after");
        if (source != null) {
            where.append(" AND source = :source");
        }
        if (status != null) {
            where.append(" AND status = :status");
        }
        JdbcClient.StatementSpec query = jdbc.sql("SELECT " + COLUMNS + " FROM exceptions" + where + " ORDER BY id LIMIT :limit").param("after", afterId).param("limit", limit);
        if (source != null) {
            query = query.param("source", source);
        }
        if (status != null) {
            query = query.param("status", status);
        }
        return query.query(ExceptionStore::map).list();
    }

    @Transactional(readOnly = true)
    public Optional<ParkedException> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM exceptions WHERE id = :id")
                .param("id", id).query(ExceptionStore::map).optional();
    }

    /**
     * Sends the original payload back to the queue it came from; the entry becomes REPLAYED.
     * Only a payload kept whole can be replayed: a truncated or escaped one is not the
     * original. A base64 payload goes back as the original bytes (a BytesMessage).
     */
    @Transactional
    public ParkedException replay(long id) {
        ParkedException parked = open(id);
        if (!parked.source().startsWith(QUEUE_PREFIX)) {
            throw new ExceptionStateException("exception " + id + ": source " + parked.source() + " cannot be replayed");
        }
        if (parked.payload() == null) {
            throw new ExceptionStateException("exception " + id + " has no payload to replay (the hub kept none: "
                    + "the message had no text or bytes body); discard it with a note and have the sender send it again");
        }
        if (parked.payloadTruncated()) {
            throw new ExceptionStateException("exception " + id + ": its payload was truncated (the original had "
                    + parked.payloadSize() + " bytes) and only its start is kept, so it cannot be replayed; "
                    + "discard it with a note and have the sender send it again");
        }
        if (StoredPayload.TEXT_ESCAPED.equals(parked.payloadEncoding())) {
            throw new ExceptionStateException("exception " + id + ": its payload held characters the database cannot "
                    + "store (NUL), kept escaped, so it is not the original and cannot be replayed; "
                    + "discard it with a note and have the sender send it again");
        }
        resolve(id, ParkedException.REPLAYED, null);
        String queue = parked.source().substring(QUEUE_PREFIX.length());
        if (StoredPayload.BASE64.equals(parked.payloadEncoding())) {
            byte[] original = new StoredPayload(parked.payload(), parked.payloadEncoding(), parked.payloadSize(), false)
                    .originalBytes();
            jms.send(queue, session -> {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(original);
                return message;
            });
        } else {
            jms.convertAndSend(queue, parked.payload());
        }
        return find(id).orElseThrow();
    }

    /**
     * Replays a payload a person fixed instead of the original: checked first with the rules of
     * the queue's consumer (400 naming the problem when it would be refused, and nothing is sent
     * or changed), then sent as text; the entry becomes REPLAYED with a note that it was edited
     * (the original payload stays in the entry). Any entry from a queue can be fixed this way,
     * also one whose original was truncated or not text.
     */
    @Transactional
    public ParkedException replayFixed(long id, String fixedPayload, String note) {
        ParkedException parked = open(id);
        if (!parked.source().startsWith(QUEUE_PREFIX)) {
            throw new ExceptionStateException("exception " + id + ": source " + parked.source() + " cannot be replayed");
        }
        String queue = parked.source().substring(QUEUE_PREFIX.length());
        checks.orderedStream().filter(c -> c.queue().equals(queue)).forEach(c -> c.check(fixedPayload));
        resolve(id, ParkedException.REPLAYED, note == null ? "replayed with an edited payload" : "replayed with an edited payload: " + note);
        jms.convertAndSend(queue, fixedPayload);
        return find(id).orElseThrow();
    }

    /** Open entries, newest first, for the console's exceptions page (with the optional source). */
    @Transactional(readOnly = true)
    public List<ParkedException> newestOpen(String source, long beforeId, int limit) {
        JdbcClient.StatementSpec query = jdbc.sql("SELECT " + COLUMNS + " FROM exceptions WHERE status = 'OPEN'"
                + (beforeId > 0 ? " AND id < :before" : "") + (source != null ? " AND source = :source" : "")
                + " ORDER BY id DESC LIMIT :limit").param("limit", limit);
        if (beforeId > 0) {
            query = query.param("before", beforeId);
        }
        if (source != null) {
            query = query.param("source", source);
        }
        return query.query(ExceptionStore::map).list();
    }

    /** Open entries per source. */
    @Transactional(readOnly = true)
    public java.util.Map<String, Long> openBySource() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT source, COUNT(*) FROM exceptions WHERE status = 'OPEN' GROUP BY source")
                .query((ResultSet rs) -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /** How many entries parked at or after {@code since} are still open (the alerts watch the queue grow). */
    @Transactional(readOnly = true)
    public long openParkedSince(Instant since) {
        return jdbc.sql("SELECT COUNT(*) FROM exceptions WHERE status = 'OPEN' AND created_at >= :since")
                .param("since", since.atOffset(java.time.ZoneOffset.UTC)).query(Long.class).single();
    }

    /** Closes the entry without processing it, with a note saying why. */
    @Transactional
    public ParkedException discard(long id, String note) {
        open(id);
        resolve(id, ParkedException.DISCARDED, note);
        return find(id).orElseThrow();
    }

    /** What an erased payload becomes: the entry stays (its source, dates, status) without the input. */
    public static final String ERASED_PAYLOAD = "{\"erased\":\"personal data erased; the original payload is gone\"}";

    /**
     * Erases the payload of every entry whose payload holds one of these values (compared
     * without case, e.g. a buyer's email): the payload becomes {@link #ERASED_PAYLOAD}, the
     * reason keeps only the fields it names, and an OPEN entry is closed as DISCARDED with the
     * note, as there is nothing left to replay. Returns how many entries were erased.
     */
    @Transactional
    public int eraseContaining(java.util.Collection<String> values, String note) {
        int erased = 0;
        for (String value : values) {
            List<Map.Entry<Long, String>> hits = jdbc.sql("SELECT id, reason FROM exceptions WHERE payload <> :erased "
                            + "AND POSITION(:value IN LOWER(payload)) > 0 ORDER BY id FOR UPDATE")
                    .param("erased", ERASED_PAYLOAD).param("value", value.toLowerCase(java.util.Locale.ROOT))
                    .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2))).list();
            for (Map.Entry<Long, String> hit : hits) {
                erase(hit.getKey(), hit.getValue(), note);
            }
            erased += hits.size();
        }
        return erased;
    }

    /** Erases the payloads of entries closed (replayed or discarded) before {@code before}; returns how many. */
    @Transactional
    public int eraseClosedBefore(Instant before, String note) {
        List<Map.Entry<Long, String>> due = jdbc.sql("SELECT id, reason FROM exceptions WHERE status <> :open "
                        + "AND resolved_at < :before AND payload <> :erased ORDER BY id LIMIT 500 FOR UPDATE")
                .param("open", ParkedException.OPEN).param("before", before.atOffset(ZoneOffset.UTC)).param("erased", ERASED_PAYLOAD)
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getString(2))).list();
        for (Map.Entry<Long, String> entry : due) {
            erase(entry.getKey(), entry.getValue(), note);
        }
        return due.size();
    }

    private void erase(long id, String reason, String note) {
        jdbc.sql("UPDATE exceptions SET payload = :erased, reason = :reason, "
                        + "note = CASE WHEN status = :open THEN :note ELSE note END, "
                        + "resolved_at = CASE WHEN status = :open THEN :now ELSE resolved_at END, "
                        + "status = CASE WHEN status = :open THEN :discarded ELSE status END WHERE id = :id")
                .param("erased", ERASED_PAYLOAD).param("reason", "personal data erased; the reason named " + Redaction.fieldsOf(reason))
                .param("open", ParkedException.OPEN).param("note", note).param("now", now())
                .param("discarded", ParkedException.DISCARDED).param("id", id)
                .update();
    }

    private ParkedException open(long id) {
        ParkedException parked = jdbc.sql("SELECT " + COLUMNS + " FROM exceptions WHERE id = :id FOR UPDATE")
                .param("id", id).query(ExceptionStore::map).optional()
                .orElseThrow(() -> new ExceptionNotFoundException(id));
        if (!ParkedException.OPEN.equals(parked.status())) {
            throw new ExceptionStateException("exception " + id + " is " + parked.status() + ", not OPEN");
        }
        return parked;
    }

    private void resolve(long id, String status, String note) {
        jdbc.sql("UPDATE exceptions SET status = :status, note = :note, resolved_at = :now WHERE id = :id")
                .param("status", status).param("note", note).param("now", now()).param("id", id)
                .update();
    }

    /**
     * Retention: deletes resolved entries (REPLAYED, DISCARDED) resolved before {@code before},
     * in batches; OPEN entries are never deleted (they wait for a person). Returns how many.
     */
    public int deleteResolvedBefore(Instant before) {
        int deleted = 0;
        int batch;
        do {
            batch = jdbc.sql("DELETE FROM exceptions WHERE id IN (SELECT id FROM exceptions WHERE status <> :open "
                            + "AND resolved_at < :before ORDER BY resolved_at LIMIT 1000)")
                    .param("open", ParkedException.OPEN).param("before", before.atOffset(ZoneOffset.UTC))
                    .update();
            deleted += batch;
        } while (batch == 1000);
        return deleted;
    }

    private static String sourceOf(Exchange exchange) {
        return sourceOf(exchange.getMessage().getHeader("JMSDestination", Destination.class), exchange);
    }

    private static String sourceOf(Message message, Exchange exchange) throws JMSException {
        return sourceOf(message.getJMSDestination(), exchange);
    }

    private static String sourceOf(Destination destination, Exchange exchange) {
        if (destination instanceof Queue queue) {
            try {
                return QUEUE_PREFIX + queue.getQueueName();
            } catch (JMSException e) {
                LOG.debug("queue name unreadable", e);
            }
        }
        return "route:" + exchange.getFromRouteId();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static ParkedException map(ResultSet rs, int row) throws SQLException {
        long size = rs.getLong(9);
        Long payloadSize = rs.wasNull() ? null : size;
        return new ParkedException(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), instant(rs.getObject(7, OffsetDateTime.class)), instant(rs.getObject(8, OffsetDateTime.class)),
                payloadSize, rs.getBoolean(10), rs.getString(11));
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** No exception with that id. */
    public static class ExceptionNotFoundException extends RuntimeException {
        public ExceptionNotFoundException(long id) {
            super("exception " + id + " does not exist");
        }
    }

    /** The exception store (its database) could not be reached; the message is redelivered. */
    public static class StoreUnavailableException extends RuntimeException {
        public StoreUnavailableException(Throwable cause) {
            super("the exception store is unreachable: " + cause.getMessage(), cause);
        }
    }

    /** The entry is not in a state that allows the action. */
    public static class ExceptionStateException extends RuntimeException {
        public ExceptionStateException(String message) {
            super(message);
        }
    }
}

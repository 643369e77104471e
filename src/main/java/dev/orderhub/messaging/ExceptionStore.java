package dev.orderhub.messaging;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private final JdbcClient jdbc;
    private final JmsTemplate jms;
    private final Clock clock;

    public ExceptionStore(JdbcClient jdbc, JmsTemplate jms, Clock clock) {
        this.jdbc = jdbc;
        this.jms = jms;
        this.clock = clock;
    }

    /** Parks the message a route failed on, with the exception that made it fail. Used by the routes' error policy. */
    public long parkFailed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "failed without an exception" : cause.getMessage();
        return park(sourceOf(exchange), reason == null ? cause.getClass().getName() : reason,
                exchange.getMessage().getBody(String.class));
    }

    /** Parks a message the broker dead-lettered: it failed every delivery attempt. */
    public long parkDeadLetter(Exchange exchange) {
        String origin = exchange.getMessage().getHeader("_AMQ_ORIG_ADDRESS", String.class);
        String source = origin == null ? sourceOf(exchange) : QUEUE_PREFIX + origin;
        return park(source, "dead-lettered by the broker after every delivery attempt failed; the hub log has each failure",
                exchange.getMessage().getBody(String.class));
    }

    @Transactional
    public long park(String source, String reason, String payload) {
        KeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO exceptions (source, reason, payload, status, created_at) "
                        + "VALUES (:source, :reason, :payload, :status, :now)")
                .param("source", source)
                .param("reason", reason.length() <= 2000 ? reason : reason.substring(0, 2000))
                .param("payload", payload)
                .param("status", ParkedException.OPEN)
                .param("now", now())
                .update(keys, "id");
        long id = keys.getKey().longValue();
        LOG.warn("parked exception {} from {}: {}", id, source, reason);
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
        JdbcClient.StatementSpec query = jdbc.sql("SELECT id, source, reason, payload, status, note, created_at, resolved_at "
                + "FROM exceptions" + where + " ORDER BY id LIMIT :limit").param("after", afterId).param("limit", limit);
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
        return jdbc.sql("SELECT id, source, reason, payload, status, note, created_at, resolved_at FROM exceptions WHERE id = :id")
                .param("id", id).query(ExceptionStore::map).optional();
    }

    /** Sends the original payload back to the queue it came from; the entry becomes REPLAYED. */
    @Transactional
    public ParkedException replay(long id) {
        ParkedException parked = open(id);
        if (!parked.source().startsWith(QUEUE_PREFIX)) {
            throw new ExceptionStateException("exception " + id + ": source " + parked.source() + " cannot be replayed");
        }
        resolve(id, ParkedException.REPLAYED, null);
        jms.convertAndSend(parked.source().substring(QUEUE_PREFIX.length()), parked.payload());
        return find(id).orElseThrow();
    }

    /** Closes the entry without processing it, with a note saying why. */
    @Transactional
    public ParkedException discard(long id, String note) {
        open(id);
        resolve(id, ParkedException.DISCARDED, note);
        return find(id).orElseThrow();
    }

    private ParkedException open(long id) {
        ParkedException parked = jdbc.sql("SELECT id, source, reason, payload, status, note, created_at, resolved_at "
                        + "FROM exceptions WHERE id = :id FOR UPDATE")
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
        Destination destination = exchange.getMessage().getHeader("JMSDestination", Destination.class);
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
        return new ParkedException(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), instant(rs.getObject(7, OffsetDateTime.class)), instant(rs.getObject(8, OffsetDateTime.class)));
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

    /** The entry is not in a state that allows the action. */
    public static class ExceptionStateException extends RuntimeException {
        public ExceptionStateException(String message) {
            super(message);
        }
    }
}

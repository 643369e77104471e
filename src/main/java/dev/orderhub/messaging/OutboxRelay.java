package dev.orderhub.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes committed outbox events to their Artemis topics (routes/outbox-relay.camel.yaml
 * calls it on a timer). Each batch goes out in one JMS transaction and is then marked
 * published. If the hub dies between the two, the batch is sent again with the same
 * {@code _AMQ_DUPL_ID}, which the broker's duplicate detection drops. Rows are claimed with
 * SKIP LOCKED as a second guard; in a cluster only the holder of the {@value #LEASE} lease
 * publishes: the timer route is {@code master:outbox-relay:timer:...}, and a nudge asks the lease.
 */
@Component("outboxRelay")
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    /** Artemis duplicate detection property. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    static final String LEASE = "outbox-relay";

    private final JdbcClient jdbc;
    private final ClusterLeases leases;
    private final ConnectionFactory connectionFactory;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final int batchSize;
    private final Duration keepPublished;
    private volatile Instant nextPurge = Instant.MIN;
    private final AtomicBoolean relaying = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final ExecutorService nudged = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "outbox-nudge");
        thread.setDaemon(true);
        return thread;
    });

    public OutboxRelay(JdbcClient jdbc, ClusterLeases leases, ConnectionFactory connectionFactory, PlatformTransactionManager transactions,
                       Clock clock, @Value("${orderhub.outbox.batch-size:500}") int batchSize,
                       @Value("${orderhub.outbox.keep-published-hours:24}") long keepPublishedHours) {
        this.jdbc = jdbc;
        this.leases = leases;
        this.connectionFactory = connectionFactory;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.batchSize = batchSize;
        this.keepPublished = Duration.ofHours(keepPublishedHours);
    }

    /**
     * Asks for a relay soon, without waiting for the timer: called after a transaction that
     * wrote events commits, so events leave within milliseconds. The timer stays as the backstop.
     * A nudge does not come through the master route, so it asks the lease itself (the same
     * holder and trust as the route's {@link LeaseClusterService} view): on the other instances it
     * publishes nothing.
     */
    public void nudge() {
        again.set(true);
        if (stopping) {
            return; // the next start relays what is left
        }
        if (relaying.compareAndSet(false, true)) {
            try {
                nudged.execute(() -> {
                try {
                    while (again.getAndSet(false) && leases.holds(LEASE)) {
                        relay();
                    }
                } catch (RuntimeException e) {
                    LOG.debug("nudged relay failed; the timer will retry", e);
                } finally {
                    relaying.set(false);
                }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // The stop shut the nudge thread between the check above and here: the timer or the next start relays.
                relaying.set(false);
            }
        }
    }

    /** Set when the application context starts closing, before Camel, the broker or the pool stop. */
    private volatile boolean stopping;

    @org.springframework.context.event.EventListener(org.springframework.context.event.ContextClosedEvent.class)
    @org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
    void closing() {
        stopping = true;
    }

    @PreDestroy
    void stop() {
        nudged.shutdownNow();
        try {
            leases.release(LEASE);
        } catch (RuntimeException e) {
            LOG.debug("relay lease not released; it expires by itself", e);
        }
    }

    /**
     * Publishes everything committed so far; returns how many events went out. One relay at a
     * time per cluster: only the instance holding the {@value #LEASE} lease calls it (its
     * master route, or a nudge that asked the lease), and within it the timer and the nudge
     * take turns, so events leave in the order they were written and a sku's stock events
     * cannot overtake each other.
     */
    public synchronized int relay() {
        if (stopping) {
            return 0; // the hub is shutting down: the broker may already be gone; the next start relays
        }
        int total = 0;
        int published;
        try {
            do {
                published = transaction.execute(status -> publishBatch());
                total += published;
            } while (published == batchSize);
            purgeOld();
        } catch (RuntimeException e) {
            if (stopping) {
                // The hub began to stop during this relay (its pools refuse work): the batch rolled back
                // and is relayed at the next start; not an error of a clean stop.
                LOG.debug("relay interrupted by the stop: {}", e.toString());
                return total;
            }
            throw e;
        }
        return total;
    }

    private int publishBatch() {
        long t0 = System.nanoTime();
        List<Row> rows = jdbc.sql("SELECT id, event_id, type, group_key, payload, created_at FROM outbox "
                        // Ordered as the (published_at, id) index is, so the scan starts at the first
                        // unpublished row; ORDER BY id alone walks the primary key through every
                        // published row still kept (tens of ms per batch after a busy hour).
                        + "WHERE published_at IS NULL ORDER BY published_at, id LIMIT :limit FOR UPDATE SKIP LOCKED")
                .param("limit", batchSize)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class)))
                .list();
        if (rows.isEmpty()) {
            return 0;
        }
        long t1 = System.nanoTime();
        send(rows);
        long t2 = System.nanoTime();
        jdbc.sql("UPDATE outbox SET published_at = :now WHERE id IN (:ids)")
                .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .param("ids", rows.stream().map(Row::id).toList())
                .update();
        if (LOG.isDebugEnabled()) {
            LOG.debug("relayed {} events: claim {} ms, send {} ms, mark {} ms", rows.size(), (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        }
        return rows.size();
    }

    private void send(List<Row> rows) {
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
             MessageProducer producer = session.createProducer(null)) {
            for (Row row : rows) {
                TextMessage message = session.createTextMessage(row.envelope());
                message.setJMSType(row.type());
                message.setStringProperty(DUPLICATE_ID, row.eventId());
                message.setStringProperty("eventId", row.eventId());
                if (row.groupKey() != null) {
                    message.setStringProperty("JMSXGroupID", row.groupKey());
                }
                producer.send(session.createTopic(row.type()), message);
            }
            session.commit();
        } catch (JMSException e) {
            throw new IllegalStateException("outbox: publishing " + rows.size() + " events failed, will retry", e);
        }
    }

    private void purgeOld() {
        Instant now = clock.instant();
        if (now.isBefore(nextPurge)) {
            return;
        }
        nextPurge = now.plus(Duration.ofMinutes(1));
        jdbc.sql("DELETE FROM outbox WHERE published_at < :before")
                .param("before", now.minus(keepPublished).atOffset(ZoneOffset.UTC))
                .update();
    }

    private record Row(long id, String eventId, String type, String groupKey, String payload, OffsetDateTime createdAt) {

        /** The event envelope {id, type, time, payload}; the payload is already JSON. */
        String envelope() {
            return "{\"id\":\"" + eventId + "\",\"type\":\"" + type + "\",\"time\":\"" + createdAt.toInstant()
                    + "\",\"payload\":" + payload + "}";
        }
    }
}

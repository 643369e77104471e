package dev.orderhub.messaging;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactional outbox: an event is written in the same database transaction as the
 * change that causes it, and {@link OutboxRelay} publishes it to its Artemis topic later.
 */
@Service
public class Outbox {

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final ObjectProvider<OutboxRelay> relay;

    public Outbox(JdbcClient jdbc, ObjectMapper json, Clock clock, ObjectProvider<OutboxRelay> relay) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.relay = relay;
    }

    /**
     * Records an event to publish once the surrounding transaction commits. Events of one
     * transaction are written together, in one statement, just before it commits; the relay
     * is nudged right after the commit.
     *
     * @param type     the event type, which is also the topic name (order.received, stock.changed, ...)
     * @param groupKey what orders the event among its kind (the sku for stock events); becomes JMSXGroupID
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String append(String type, String groupKey, Object payload) {
        String eventId = UUID.randomUUID().toString();
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + type + ": payload cannot be written as JSON", e);
        }
        pending().add(new Event(eventId, type, groupKey, body));
        return eventId;
    }

    /** Events written but not yet published (the relay's backlog); counted on the (published_at, id) index. */
    public long unpublished() {
        Long count = jdbc.sql("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL").query(Long.class).single();
        return count == null ? 0 : count;
    }

    /** An event the hub sent about something (the topic it went to, when it was written and published). */
    public record Sent(String eventId, String type, java.time.Instant createdAt, java.time.Instant publishedAt) {
    }

    /**
     * The events written for a group key (an order's id, a sku), oldest first: those still kept
     * (published events are deleted after {@code orderhub.outbox.keep-published-hours}).
     */
    @org.springframework.transaction.annotation.Transactional(readOnly = true)
    public java.util.List<Sent> sentFor(String groupKey, int limit) {
        return jdbc.sql("SELECT event_id, type, created_at, published_at FROM outbox WHERE group_key = :key ORDER BY id LIMIT :limit")
                .param("key", groupKey).param("limit", limit)
                .query((rs, n) -> new Sent(rs.getString(1), rs.getString(2), at(rs.getObject(3, java.time.OffsetDateTime.class)),
                        at(rs.getObject(4, java.time.OffsetDateTime.class))))
                .list();
    }

    private static java.time.Instant at(java.time.OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    private record Event(String eventId, String type, String groupKey, String payload) {
    }

    /** This transaction's events, flushed before it commits; created with the synchronization that flushes them. */
    @SuppressWarnings("unchecked")
    private List<Event> pending() {
        List<Event> events = (List<Event>) TransactionSynchronizationManager.getResource(PENDING_KEY);
        if (events != null) {
            return events;
        }
        List<Event> created = new ArrayList<>();
        TransactionSynchronizationManager.bindResource(PENDING_KEY, created);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void beforeCommit(boolean readOnly) {
                write(created);
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(PENDING_KEY);
                if (status == STATUS_COMMITTED && !created.isEmpty()) {
                    relay.ifAvailable(OutboxRelay::nudge);
                }
            }
        });
        return created;
    }

    private void write(List<Event> events) {
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        for (int from = 0; from < events.size(); from += ROWS_PER_INSERT) {
            List<Event> chunk = events.subList(from, Math.min(events.size(), from + ROWS_PER_INSERT));
            StringBuilder values = new StringBuilder();
            for (int i = 0; i < chunk.size(); i++) {
                values.append(i == 0 ? "" : ", ")
                        .append("(:id").append(i).append(", :type").append(i).append(", :group").append(i)
                        .append(", :payload").append(i).append(", :now)");
            }
            JdbcClient.StatementSpec insert = jdbc.sql("INSERT INTO outbox (event_id, type, group_key, payload, created_at) "
                    + "VALUES " + values).param("now", now);
            for (int i = 0; i < chunk.size(); i++) {
                Event event = chunk.get(i);
                insert = insert.param("id" + i, event.eventId()).param("type" + i, event.type())
                        .param("group" + i, event.groupKey()).param("payload" + i, event.payload());
            }
            insert.update();
        }
    }

    private static final int ROWS_PER_INSERT = 200;
    private static final Object PENDING_KEY = new Object();
}

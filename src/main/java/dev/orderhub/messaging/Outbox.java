package dev.orderhub.messaging;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
     * Records an event to publish once the surrounding transaction commits.
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
        jdbc.sql("INSERT INTO outbox (event_id, type, group_key, payload, created_at) "
                        + "VALUES (:eventId, :type, :groupKey, :payload, :now)")
                .param("eventId", eventId)
                .param("type", type)
                .param("groupKey", groupKey)
                .param("payload", body)
                .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .update();
        nudgeAfterCommit();
        return eventId;
    }

    /** Once per transaction: when it commits, the relay goes at once instead of at its next tick. */
    private void nudgeAfterCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()
                || TransactionSynchronizationManager.hasResource(NUDGE_KEY)) {
            return;
        }
        TransactionSynchronizationManager.bindResource(NUDGE_KEY, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(NUDGE_KEY);
                if (status == STATUS_COMMITTED) {
                    relay.ifAvailable(OutboxRelay::nudge);
                }
            }
        });
    }

    private static final Object NUDGE_KEY = new Object();
}

package dev.orderhub.order;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.CancelOut;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.http.Backoff;
import dev.orderhub.messaging.ExceptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Cancellations back to the channels (capability cancel-out, route cancel-out): an order the
 * seller cancelled in the hub, on a channel whose connector can cancel there, is owed a
 * cancellation (a row in channel_cancellations, written in the cancelling transaction). Each
 * due one is handed to the connector: accepted, it is done and never sent again; refused, it is
 * marked REFUSED and raised as an exception with the channel's reason (the buyer may still be
 * waiting for the order there); {@link RetryLater} or a failure, it is tried again with backoff.
 * A cancellation that came from the channel is not sent back.
 */
@Component("channelCancellations")
public class ChannelCancellations {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelCancellations.class);

    private final Connectors connectors;
    private final OrderStore store;
    private final ExceptionStore exceptions;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final long backoffMs;

    public ChannelCancellations(Connectors connectors, OrderStore store, ExceptionStore exceptions, JdbcClient jdbc, Clock clock,
                                @Value("${orderhub.cancel-out.backoff-ms:5000}") long backoffMs) {
        this.connectors = connectors;
        this.store = store;
        this.exceptions = exceptions;
        this.jdbc = jdbc;
        this.clock = clock;
        this.backoffMs = backoffMs;
    }

    /** Where telling the channel about a hub cancellation stands. */
    public record Pending(String hubOrderId, String channel, String status, int attempts, String lastError, java.time.Instant doneAt) {
    }

    /** The order's cancellation owed to its channel, if there is one. */
    public java.util.Optional<Pending> of(String hubOrderId) {
        return jdbc.sql("SELECT hub_order_id, channel, status, attempts, last_error, done_at FROM channel_cancellations "
                        + "WHERE hub_order_id = :id")
                .param("id", hubOrderId)
                .query((rs, n) -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                        rs.getObject(6, java.time.OffsetDateTime.class) == null ? null
                                : rs.getObject(6, java.time.OffsetDateTime.class).toInstant()))
                .optional();
    }

    /** What one round did. */
    public record Round(int done, int retrying, int refused) {
    }

    /** In the cancelling transaction: owe the channel a cancellation where its connector can cancel. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onOrderCancelled(OrderCancelled cancelled) {
        if (cancelled.byChannel()) {
            return;
        }
        store.find(cancelled.hubOrderId()).filter(order -> connectors.cancelOut(order.channel()).isPresent()).ifPresent(order ->
                jdbc.sql("INSERT INTO channel_cancellations (hub_order_id, channel, channel_order_id, reason, status, attempts, "
                                + "next_attempt_at) VALUES (:id, :channel, :channelOrderId, :reason, 'PENDING', 0, :now)")
                        .param("id", order.hubOrderId()).param("channel", order.channel())
                        .param("channelOrderId", order.channelOrderId()).param("reason", truncate(cancelled.reason(), 500))
                        .param("now", now()).update());
    }

    /** Sends every cancellation that is due. */
    public Round sendDue() {
        int done = 0;
        int retrying = 0;
        int refused = 0;
        List<Map<String, Object>> due = jdbc.sql("SELECT hub_order_id, channel, channel_order_id, reason, attempts "
                        + "FROM channel_cancellations WHERE status = 'PENDING' AND next_attempt_at <= :now "
                        + "ORDER BY next_attempt_at LIMIT 50")
                .param("now", now()).query().listOfRows();
        for (Map<String, Object> row : due) {
            switch (send((String) row.get("hub_order_id"), (String) row.get("channel"), (String) row.get("channel_order_id"),
                    (String) row.get("reason"), ((Number) row.get("attempts")).intValue())) {
                case "DONE" -> done++;
                case "REFUSED" -> refused++;
                default -> retrying++;
            }
        }
        return new Round(done, retrying, refused);
    }

    private String send(String hubOrderId, String channel, String channelOrderId, String reason, int attempts) {
        Optional<CancelOut> connector = connectors.cancelOut(channel);
        if (connector.isEmpty()) {
            retryLater(hubOrderId, attempts, "no installed connector cancels orders of channel " + channel, 0);
            return "RETRYING";
        }
        try {
            String refusal = connector.get().cancel(channel, channelOrderId, reason == null ? "cancelled by the seller" : reason);
            if (refusal == null) {
                mark(hubOrderId, "DONE", attempts + 1, null);
                return "DONE";
            }
            mark(hubOrderId, "REFUSED", attempts + 1, refusal);
            exceptions.park(connector.get().connector() + ":" + channel + ":cancel-out", "order " + channelOrderId
                    + " (" + hubOrderId + ") is cancelled in the hub, but " + channel + " refused to cancel it: " + refusal
                    + " — cancel it on the channel by hand", hubOrderId);
            return "REFUSED";
        } catch (RetryLater e) {
            retryLater(hubOrderId, attempts, e.getMessage(), e.after().toMillis());
        } catch (RuntimeException e) {
            retryLater(hubOrderId, attempts, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 0);
        }
        return "RETRYING";
    }

    private void retryLater(String hubOrderId, int attempts, String error, long atLeastMs) {
        long wait = Math.max(atLeastMs, Backoff.millis(backoffMs, attempts, 600_000));
        LOG.info("cancellation of {} on its channel not accepted ({}); next try in {} ms", hubOrderId, error, wait);
        jdbc.sql("UPDATE channel_cancellations SET attempts = :attempts, last_error = :error, next_attempt_at = :next "
                        + "WHERE hub_order_id = :id")
                .param("attempts", attempts + 1).param("error", truncate(error, 2000))
                .param("next", clock.instant().plusMillis(wait).atOffset(ZoneOffset.UTC)).param("id", hubOrderId).update();
    }

    private void mark(String hubOrderId, String status, int attempts, String error) {
        jdbc.sql("UPDATE channel_cancellations SET status = :status, attempts = :attempts, last_error = :error, done_at = :at "
                        + "WHERE hub_order_id = :id")
                .param("status", status).param("attempts", attempts).param("error", truncate(error, 2000))
                .param("at", now()).param("id", hubOrderId).update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}

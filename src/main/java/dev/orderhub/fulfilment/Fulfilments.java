package dev.orderhub.fulfilment;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.order.IllegalTransitionException;
import dev.orderhub.order.OrderCancelled;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.order.OrderService;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sending orders to fulfilment targets: {@code POST /api/orders/{id}/fulfilment {"target"}}
 * routes a RESERVED order there (its reservations move to the target's location, the order is
 * ROUTED); the target's connector then sends it (SENT, the order SENT_TO_FULFILMENT), follows
 * it and records its shipments, and cancels it when the order is cancelled in the hub.
 */
@Service
public class Fulfilments {

    public static final String PENDING = "PENDING";
    public static final String SENT = "SENT";
    public static final String SHIPPED = "SHIPPED";
    public static final String FAILED = "FAILED";
    public static final String CANCEL_REQUESTED = "CANCEL_REQUESTED";
    public static final String CANCELLED = "CANCELLED";

    /** One order's fulfilment as the API shows it. */
    public record Fulfilment(String hubOrderId, String target, String status, int attempts, String lastError,
                             Instant createdAt, Instant updatedAt) {
    }

    /** The order cannot go to that target (unknown target, not enough stock there, wrong status). */
    public static class FulfilmentRefusedException extends RuntimeException {
        public FulfilmentRefusedException(String message) {
            super(message);
        }
    }

    private final Connectors connectors;
    private final OrderService orders;
    private final JdbcClient jdbc;
    private final Clock clock;

    public Fulfilments(Connectors connectors, OrderService orders, JdbcClient jdbc, Clock clock) {
        this.connectors = connectors;
        this.orders = orders;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Routes the order to the target; the same target again changes nothing (answers the current state). */
    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Fulfilment route(String hubOrderId, String targetId) {
        List<FulfilmentService> targets = connectors.fulfilmentTargets();
        FulfilmentService target = targets.stream().filter(t -> t.target().equals(targetId)).findFirst()
                .orElseThrow(() -> new FulfilmentRefusedException("target: \"" + targetId + "\" is not a fulfilment target here"
                        + (targets.isEmpty() ? " (none is configured)" : "; known: "
                        + String.join(", ", targets.stream().map(FulfilmentService::target).toList()))));
        Optional<Fulfilment> existing = find(hubOrderId);
        if (existing.isPresent() && FAILED.equals(existing.get().status()) && "ROUTE_REFUSED".equals(existing.get().lastError())) {
            jdbc.sql("DELETE FROM fulfilments WHERE hub_order_id = :order").param("order", hubOrderId).update();
            existing = Optional.empty(); // an automatic routing that was refused: a person tries again
        }
        if (existing.isPresent()) {
            if (existing.get().target().equals(targetId)) {
                return existing.get();
            }
            throw new FulfilmentRefusedException("order " + hubOrderId + " is already routed to " + existing.get().target());
        }
        String shortSku = orders.routeTo(hubOrderId, target.location(), "routed to " + targetId);
        if (shortSku != null) {
            throw new FulfilmentRefusedException("order " + hubOrderId + ": not enough stock for sku " + shortSku + " at "
                    + target.location() + ", where " + targetId + " ships from");
        }
        OffsetDateTime now = now();
        jdbc.sql("INSERT INTO fulfilments (hub_order_id, target, status, attempts, next_attempt_at, created_at, updated_at) "
                        + "VALUES (:order, :target, 'PENDING', 0, :now, :now, :now)")
                .param("order", hubOrderId).param("target", targetId).param("now", now).update();
        return find(hubOrderId).orElseThrow();
    }

    /** Forgets a failed fulfilment, so the order can be routed again, to another target (routing by rules). */
    @Transactional
    public void forgetFailed(String hubOrderId) {
        jdbc.sql("DELETE FROM fulfilments WHERE hub_order_id = :order AND status = 'FAILED'").param("order", hubOrderId).update();
    }

    /** RESERVED orders of these channels that were never routed: (hub order id, channel), oldest first. */
    public List<Map.Entry<String, String>> unrouted(List<String> channels, int limit) {
        return jdbc.sql("SELECT o.hub_order_id, o.channel FROM orders o WHERE o.status = 'RESERVED' "
                        + "AND o.channel IN (:channels) AND NOT EXISTS (SELECT 1 FROM fulfilments f WHERE f.hub_order_id = o.hub_order_id) "
                        + "ORDER BY o.seq LIMIT :limit")
                .param("channels", channels).param("limit", limit)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list();
    }

    /** Remembers that automatic routing of this order was refused, so it is not tried again by itself. */
    @Transactional
    public void markRefused(String hubOrderId, String target) {
        OffsetDateTime now = now();
        jdbc.sql("INSERT INTO fulfilments (hub_order_id, target, status, attempts, next_attempt_at, last_error, created_at, "
                        + "updated_at) VALUES (:order, :target, 'FAILED', 0, :now, 'ROUTE_REFUSED', :now, :now) ON CONFLICT DO NOTHING")
                .param("order", hubOrderId).param("target", target).param("now", now).update();
    }

    public Optional<Fulfilment> find(String hubOrderId) {
        return jdbc.sql("SELECT hub_order_id, target, status, attempts, last_error, created_at, updated_at FROM fulfilments "
                        + "WHERE hub_order_id = :order")
                .param("order", hubOrderId)
                .query((rs, n) -> new Fulfilment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(),
                        rs.getObject(7, OffsetDateTime.class).toInstant()))
                .optional();
    }

    /** The target's fulfilments in this status whose next attempt is due. */
    public List<String> due(String targetId, String status, int limit) {
        return jdbc.sql("SELECT hub_order_id FROM fulfilments WHERE target = :target AND status = :status "
                        + "AND next_attempt_at <= :now ORDER BY next_attempt_at LIMIT :limit")
                .param("target", targetId).param("status", status).param("now", now()).param("limit", limit)
                .query(String.class).list();
    }

    /** The target took the order. */
    @Transactional
    public void sent(String hubOrderId) {
        set(hubOrderId, SENT, null);
        orders.sentToFulfilment(hubOrderId);
    }

    /** Sets the status (and the error, if any), counting the attempt. */
    @Transactional
    public void set(String hubOrderId, String status, String error) {
        jdbc.sql("UPDATE fulfilments SET status = :status, last_error = :error, attempts = attempts + 1, updated_at = :now "
                        + "WHERE hub_order_id = :order")
                .param("status", status).param("error", truncate(error)).param("now", now()).param("order", hubOrderId).update();
    }

    /** Not done this time: tried again after {@code waitMillis}. */
    @Transactional
    public void later(String hubOrderId, String error, long waitMillis) {
        jdbc.sql("UPDATE fulfilments SET last_error = :error, attempts = attempts + 1, next_attempt_at = :next, "
                        + "updated_at = :now WHERE hub_order_id = :order")
                .param("error", truncate(error)).param("next", clock.instant().plusMillis(waitMillis).atOffset(ZoneOffset.UTC))
                .param("now", now()).param("order", hubOrderId).update();
    }

    /** An order cancelled in the hub is cancelled at its target too (or never sent, if it was not yet). */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onOrderCancelled(OrderCancelled cancelled) {
        // PENDING and never tried: the target has nothing. Tried before (an answer lost, a timeout), it may have
        // the order: the cancel is asked of it, which answers null for an order it never got.
        jdbc.sql("UPDATE fulfilments SET status = CASE WHEN status = 'PENDING' AND attempts = 0 THEN 'CANCELLED' "
                        + "ELSE 'CANCEL_REQUESTED' END, "
                        + "next_attempt_at = :now, updated_at = :now WHERE hub_order_id = :order AND status IN ('PENDING', 'SENT')")
                .param("now", now()).param("order", cancelled.hubOrderId()).update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }
}

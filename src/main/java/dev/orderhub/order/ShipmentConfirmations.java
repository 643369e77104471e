package dev.orderhub.order;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.connector.http.Backoff;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.connector.ShipmentConfirmation;
import dev.orderhub.messaging.ExceptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tracking back to the channels (route shipment-confirm): every shipment recorded for a
 * channel whose connector confirms shipments is owed a confirmation (a row in
 * channel_confirmations). Each due one is handed to the connector: confirmed, it is never
 * sent again; refused, it is marked REJECTED and raised as an exception with the channel's
 * reason; {@link RetryLater} or a failure, it is tried again with backoff for as long as it
 * takes.
 */
@Component("shipmentConfirmations")
public class ShipmentConfirmations {

    private static final Logger LOG = LoggerFactory.getLogger(ShipmentConfirmations.class);

    private final Connectors connectors;
    private final Shipments shipments;
    private final OrderService orders;
    private final ExceptionStore exceptions;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final long backoffMs;

    public ShipmentConfirmations(Connectors connectors, Shipments shipments, OrderService orders, ExceptionStore exceptions,
                                 JdbcClient jdbc, Clock clock,
                                 @Value("${orderhub.shipment-confirm.backoff-ms:5000}") long backoffMs) {
        this.connectors = connectors;
        this.shipments = shipments;
        this.orders = orders;
        this.exceptions = exceptions;
        this.jdbc = jdbc;
        this.clock = clock;
        this.backoffMs = backoffMs;
    }

    /** Where a shipment's confirmation to its channel stands. */
    public record Confirmation(String shipmentId, String channel, String status, int attempts, Instant nextAttemptAt,
                               String lastError, Instant confirmedAt) {
    }

    /** The confirmations owed for an order's shipments, in the order they were recorded. */
    public List<Confirmation> of(String hubOrderId) {
        return jdbc.sql("SELECT c.shipment_id, c.channel, c.status, c.attempts, c.next_attempt_at, c.last_error, c.confirmed_at "
                        + "FROM channel_confirmations c JOIN shipments s ON s.shipment_id = c.shipment_id "
                        + "WHERE s.hub_order_id = :order ORDER BY s.seq")
                .param("order", hubOrderId)
                .query((rs, n) -> new Confirmation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        at(rs.getObject(5, OffsetDateTime.class)), rs.getString(6), at(rs.getObject(7, OffsetDateTime.class))))
                .list();
    }

    /** Confirmations per channel and status (PENDING, CONFIRMED, REJECTED). */
    public Map<String, Map<String, Long>> countsByChannel() {
        Map<String, Map<String, Long>> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT channel, status, COUNT(*) FROM channel_confirmations GROUP BY channel, status")
                .query((java.sql.ResultSet rs) -> {
                    counts.computeIfAbsent(rs.getString(1), k -> new java.util.TreeMap<>()).put(rs.getString(2), rs.getLong(3));
                });
        return counts;
    }

    /**
     * A person asks for a shipment's confirmation to be sent again now: a REJECTED one (the
     * channel refused it; the person fixed the cause) goes back to PENDING, a PENDING one waiting
     * out its backoff is due at once. 409 for one already CONFIRMED, 404 for a shipment the order
     * does not have or that owes no confirmation.
     */
    @org.springframework.transaction.annotation.Transactional
    public Confirmation retry(String hubOrderId, String shipmentId) {
        Confirmation current = of(hubOrderId).stream().filter(c -> c.shipmentId().equals(shipmentId)).findFirst()
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId, "order " + hubOrderId + " has no shipment "
                        + shipmentId + " owing a confirmation to its channel"));
        if ("CONFIRMED".equals(current.status())) {
            throw new InvalidShipmentException("shipment " + shipmentId + " was already confirmed to " + current.channel()
                    + " at " + current.confirmedAt() + "; it is not sent again");
        }
        jdbc.sql("UPDATE channel_confirmations SET status = 'PENDING', next_attempt_at = :now WHERE shipment_id = :id "
                        + "AND status <> 'CONFIRMED'")
                .param("now", clock.instant().atOffset(ZoneOffset.UTC)).param("id", shipmentId).update();
        LOG.info("shipment confirmation {} to be sent again now (was {})", shipmentId, current.status());
        return of(hubOrderId).stream().filter(c -> c.shipmentId().equals(shipmentId)).findFirst().orElseThrow();
    }

    private static Instant at(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** What one round did. */
    public record Round(int confirmed, int retrying, int rejected) {
    }

    /** Sends every confirmation that is due. */
    public Round confirmDue() {
        int confirmed = 0;
        int retrying = 0;
        int rejected = 0;
        List<Map<String, Object>> due = jdbc.sql("SELECT shipment_id, channel, attempts FROM channel_confirmations "
                        + "WHERE status = 'PENDING' AND next_attempt_at <= :now ORDER BY next_attempt_at LIMIT 50")
                .param("now", OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .query().listOfRows();
        for (Map<String, Object> row : due) {
            String outcome = confirm((String) row.get("shipment_id"), (String) row.get("channel"),
                    ((Number) row.get("attempts")).intValue());
            switch (outcome) {
                case "CONFIRMED" -> confirmed++;
                case "REJECTED" -> rejected++;
                default -> retrying++;
            }
        }
        return new Round(confirmed, retrying, rejected);
    }

    private String confirm(String shipmentId, String channel, int attempts) {
        Optional<ShipmentConfirmation> connector = connectors.shipmentConfirmation(channel);
        if (connector.isEmpty()) {
            retryLater(shipmentId, attempts, "no installed connector confirms shipments of channel " + channel, 0);
            return "RETRYING";
        }
        Shipments.Shipment shipment = shipments.find(shipmentId).orElseThrow();
        Order order = orders.find(shipment.hubOrderId()).orElseThrow();
        ShipmentConfirmation.Shipment notice = new ShipmentConfirmation.Shipment(shipmentId, order.hubOrderId(),
                order.channelOrderId(), parcel(shipment), shipment.carrier(), shipment.service(), shipment.trackingNumber(),
                shipment.shippedAt(), shipment.lines().stream().map(l -> new ShipmentConfirmation.Line(l.lineId(), l.qty())).toList());
        try {
            ShipmentConfirmation.Result result = connector.get().confirm(channel, notice);
            if (result.confirmed()) {
                mark(shipmentId, "CONFIRMED", attempts + 1, null, clock.instant());
                return "CONFIRMED";
            }
            mark(shipmentId, "REJECTED", attempts + 1, result.reason(), null);
            exceptions.park(connector.get().connector() + ":" + channel + ":shipment-confirm", result.reason(),
                    result.request() == null ? shipmentId : result.request());
            return "REJECTED";
        } catch (RetryLater e) {
            retryLater(shipmentId, attempts, e.getMessage(), e.after().toMillis());
        } catch (RuntimeException e) {
            retryLater(shipmentId, attempts, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 0);
        }
        return "RETRYING";
    }

    /** The shipment's number within its order: 1 for the first parcel recorded, 2 for the next, … */
    private int parcel(Shipments.Shipment shipment) {
        return jdbc.sql("SELECT COUNT(*) FROM shipments WHERE hub_order_id = :order AND seq <= "
                        + "(SELECT seq FROM shipments WHERE shipment_id = :id)")
                .param("order", shipment.hubOrderId()).param("id", shipment.shipmentId()).query(Long.class).single().intValue();
    }

    private void retryLater(String shipmentId, int attempts, String error, long atLeastMs) {
        long wait = Math.max(atLeastMs, Backoff.millis(backoffMs, attempts, 600_000));
        LOG.info("shipment confirmation {} not accepted ({}); next try in {} ms", shipmentId, error, wait);
        jdbc.sql("UPDATE channel_confirmations SET attempts = :attempts, last_error = :error, next_attempt_at = :next "
                        + "WHERE shipment_id = :id")
                .param("attempts", attempts + 1).param("error", truncate(error))
                .param("next", clock.instant().plusMillis(wait).atOffset(ZoneOffset.UTC)).param("id", shipmentId).update();
    }

    private void mark(String shipmentId, String status, int attempts, String error, Instant confirmedAt) {
        jdbc.sql("UPDATE channel_confirmations SET status = :status, attempts = :attempts, last_error = :error, "
                        + "confirmed_at = :at WHERE shipment_id = :id")
                .param("status", status).param("attempts", attempts).param("error", truncate(error))
                .param("at", confirmedAt == null ? null : confirmedAt.atOffset(ZoneOffset.UTC)).param("id", shipmentId)
                .update();
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }
}

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

package dev.orderhub.carrier;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.connector.CarrierLabels;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.Shipments;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A carrier's tracking updates for parcels whose label the hub bought: each event (parcel,
 * status, time) is taken once and kept in carrier_tracking_events (the order's timeline shows
 * them as history notes); DELIVERED records the parcel's delivery through
 * {@link Shipments#delivered} (the order DELIVERED once every parcel is; the On-Time Delivery
 * KPI counts it); RETURNED and FAILURE are raised for a person on the order.
 */
@Service
public class TrackingUpdates {

    /** RECORDED: new and applied; REPEAT: taken before, nothing changed; IGNORED: not an event about a parcel the hub knows. */
    public enum Outcome { RECORDED, REPEAT, IGNORED }

    public record Applied(Outcome status, String hubOrderId, String shipmentId, CarrierLabels.TrackingStatus tracking) {
    }

    private final JdbcClient jdbc;
    private final Shipments shipments;
    private final OrderService orders;
    private final Clock clock;

    TrackingUpdates(JdbcClient jdbc, Shipments shipments, OrderService orders, Clock clock) {
        this.jdbc = jdbc;
        this.shipments = shipments;
        this.orders = orders;
        this.clock = clock;
    }

    @Transactional
    public Applied apply(String connector, CarrierLabels.TrackingUpdate update) {
        Optional<Map<String, Object>> parcel = parcel(connector, update);
        if (parcel.isEmpty()) {
            return new Applied(Outcome.IGNORED, null, null, update.status());
        }
        String hubOrderId = (String) parcel.get().get("hub_order_id");
        String shipmentId = (String) parcel.get().get("shipment_id");
        orders.lockForUpdate(hubOrderId); // one delivery of an event at a time per order
        long seen = jdbc.sql("SELECT COUNT(*) FROM carrier_tracking_events WHERE shipment_id = :id AND status = :status AND status_at = :at")
                .param("id", shipmentId).param("status", update.status().name()).param("at", Labels.utc(update.at()))
                .query(Long.class).single();
        if (seen > 0) {
            return new Applied(Outcome.REPEAT, hubOrderId, shipmentId, update.status());
        }
        try {
            jdbc.sql("INSERT INTO carrier_tracking_events (shipment_id, status, status_at, detail, received_at) "
                            + "VALUES (:id, :status, :at, :detail, :now)")
                    .param("id", shipmentId).param("status", update.status().name()).param("at", Labels.utc(update.at()))
                    .param("detail", Labels.bounded(update.detail(), 300)).param("now", Labels.utc(clock.instant())).update();
        } catch (DuplicateKeyException e) {
            return new Applied(Outcome.REPEAT, hubOrderId, shipmentId, update.status());
        }
        String parcelName = "parcel " + parcel.get().get("carrier") + " " + parcel.get().get("tracking_number");
        switch (update.status()) {
            case DELIVERED -> shipments.delivered(hubOrderId, shipmentId, update.at());
            case RETURNED, FAILURE -> orders.flag(hubOrderId, "CARRIER_" + update.status().name(), "carrier." + update.status()
                    .name().toLowerCase(), parcelName + ": the carrier reports " + update.status() + " at " + update.at()
                    + "; a person must decide what happens to the order");
            default -> orders.note(hubOrderId, "TRACKING", parcelName + ": " + update.status() + " at " + update.at());
        }
        return new Applied(Outcome.RECORDED, hubOrderId, shipmentId, update.status());
    }

    /** The shipment of the label this update is about: by the carrier's transaction id, else by tracking number. */
    private Optional<Map<String, Object>> parcel(String connector, CarrierLabels.TrackingUpdate update) {
        String select = "SELECT l.hub_order_id, l.shipment_id, l.carrier, l.tracking_number FROM carrier_labels l "
                + "WHERE l.connector = :connector AND l.status = 'BOUGHT' AND l.shipment_id IS NOT NULL AND ";
        List<Map<String, Object>> rows = List.of();
        if (update.transactionId() != null) {
            rows = jdbc.sql(select + "l.transaction_id = :tx").param("connector", connector).param("tx", update.transactionId())
                    .query().listOfRows();
        }
        if (rows.isEmpty() && update.trackingNumber() != null) {
            rows = jdbc.sql(select + "l.tracking_number = :tracking").param("connector", connector)
                    .param("tracking", update.trackingNumber()).query().listOfRows();
        }
        return rows.size() == 1 ? Optional.of(lowerKeys(rows.get(0))) : Optional.empty();
    }

    private static Map<String, Object> lowerKeys(Map<String, Object> row) {
        Map<String, Object> lower = new java.util.HashMap<>();
        row.forEach((k, v) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return lower;
    }
}

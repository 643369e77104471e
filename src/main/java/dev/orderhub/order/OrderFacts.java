package dev.orderhub.order;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Counts of what happened to orders and parcels, per channel and UTC day, for the marketplace
 * KPIs ({@code dev.orderhub.kpi}): one aggregate query per measure over indexed columns, never a
 * walk over the orders in Java. Only seller-fulfilled (MERCHANT) orders count: the channel ships
 * FBA/FBB orders and they are not the seller's to be late with.
 */
@Service
public class OrderFacts {

    /** A day's counts on one channel (and carrier, where the measure is per carrier). */
    public record Tally(String channel, String carrier, LocalDate day, long total, long counted, long other, long more) {
    }

    private final JdbcClient jdbc;

    OrderFacts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Late shipments by the day of their ship-by, for orders whose ship-by lies in [from, to) and
     * before {@code now}: {@code total} orders due, {@code counted} late — a parcel confirmed to
     * the channel after ship-by (confirmation = when the channel accepted it; a confirmation still
     * owed counts as not yet confirmed; a channel the hub confirms nothing to: when the hub
     * recorded the parcel), or units still unshipped after ship-by. Orders cancelled before any
     * parcel are not due. {@code other}: MERCHANT orders placed that day without a ship-by.
     */
    @Transactional(readOnly = true)
    public List<Tally> lateShipments(Instant from, Instant to, Instant now) {
        return jdbc.sql("SELECT o.channel, CAST(o.ship_by AT TIME ZONE 'UTC' AS DATE) AS d, COUNT(*), "
                        + "SUM(CASE WHEN o.status IN (:open) OR EXISTS (SELECT 1 FROM shipments s "
                        + "LEFT JOIN channel_confirmations c ON c.shipment_id = s.shipment_id WHERE s.hub_order_id = o.hub_order_id "
                        + "AND COALESCE(c.confirmed_at, CASE WHEN c.shipment_id IS NULL THEN s.recorded_at ELSE :now END) > o.ship_by) "
                        + "THEN 1 ELSE 0 END), 0, 0 "
                        + "FROM orders o WHERE o.fulfilment_mode = 'MERCHANT' AND o.ship_by >= :from AND o.ship_by < :to "
                        + "AND o.ship_by < :now AND (o.status <> 'CANCELLED' OR EXISTS (SELECT 1 FROM shipments s2 "
                        + "WHERE s2.hub_order_id = o.hub_order_id)) "
                        + "GROUP BY o.channel, CAST(o.ship_by AT TIME ZONE 'UTC' AS DATE)")
                .param("open", OrderQuery.NOT_YET_SHIPPED.stream().map(Enum::name).toList())
                .param("from", utc(from)).param("to", utc(to)).param("now", utc(now))
                .query(OrderFacts::tally).list();
    }

    /** MERCHANT orders placed in [from, to) without a ship-by (not in the Late Shipment Rate), per channel and day. */
    @Transactional(readOnly = true)
    public List<Tally> withoutShipBy(Instant from, Instant to) {
        return jdbc.sql("SELECT channel, CAST(placed_at AT TIME ZONE 'UTC' AS DATE), COUNT(*), 0, 0, 0 FROM orders "
                        + "WHERE fulfilment_mode = 'MERCHANT' AND ship_by IS NULL AND placed_at >= :from AND placed_at < :to "
                        + "GROUP BY channel, CAST(placed_at AT TIME ZONE 'UTC' AS DATE)")
                .param("from", utc(from)).param("to", utc(to)).query(OrderFacts::tally).list();
    }

    /**
     * Cancellations by the day the order was placed, [from, to): {@code total} MERCHANT orders,
     * {@code counted} cancelled by the seller before any parcel shipped, {@code other} cancelled at
     * the buyer's request, {@code more} cancelled by the channel.
     */
    @Transactional(readOnly = true)
    public List<Tally> cancellations(Instant from, Instant to) {
        String unshipped = " AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.hub_order_id = o.hub_order_id)";
        return jdbc.sql("SELECT o.channel, CAST(o.placed_at AT TIME ZONE 'UTC' AS DATE), COUNT(*), "
                        + "SUM(CASE WHEN o.cancelled_by = 'SELLER'" + unshipped + " THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN o.cancelled_by = 'BUYER' THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN o.cancelled_by = 'CHANNEL' THEN 1 ELSE 0 END) "
                        + "FROM orders o WHERE o.fulfilment_mode = 'MERCHANT' AND o.placed_at >= :from AND o.placed_at < :to "
                        + "GROUP BY o.channel, CAST(o.placed_at AT TIME ZONE 'UTC' AS DATE)")
                .param("from", utc(from)).param("to", utc(to)).query(OrderFacts::tally).list();
    }

    /**
     * Parcels of MERCHANT orders by the day they shipped, [from, to): {@code total} parcels,
     * {@code counted} with a tracking number valid for its carrier ({@link TrackingNumbers}).
     */
    @Transactional(readOnly = true)
    public List<Tally> validTracking(Instant from, Instant to) {
        return jdbc.sql("SELECT o.channel, CAST(s.shipped_at AT TIME ZONE 'UTC' AS DATE), COUNT(*), "
                        + "SUM(CASE WHEN s.tracking_valid THEN 1 ELSE 0 END), 0, 0 "
                        + "FROM shipments s JOIN orders o ON o.hub_order_id = s.hub_order_id "
                        + "WHERE o.fulfilment_mode = 'MERCHANT' AND s.shipped_at >= :from AND s.shipped_at < :to "
                        + "GROUP BY o.channel, CAST(s.shipped_at AT TIME ZONE 'UTC' AS DATE)")
                .param("from", utc(from)).param("to", utc(to)).query(OrderFacts::tally).list();
    }

    /**
     * Delivered parcels of MERCHANT orders by the day of delivery, [from, to), per channel and
     * carrier (as given): {@code total} delivered, {@code counted} delivered by the order's
     * deliver-by, {@code other} of an order without a deliver-by (not measurable).
     */
    @Transactional(readOnly = true)
    public List<Tally> deliveries(Instant from, Instant to) {
        return jdbc.sql("SELECT o.channel, s.carrier, CAST(s.delivered_at AT TIME ZONE 'UTC' AS DATE), COUNT(*), "
                        + "SUM(CASE WHEN o.deliver_by IS NOT NULL AND s.delivered_at <= o.deliver_by THEN 1 ELSE 0 END), "
                        + "SUM(CASE WHEN o.deliver_by IS NULL THEN 1 ELSE 0 END) "
                        + "FROM shipments s JOIN orders o ON o.hub_order_id = s.hub_order_id "
                        + "WHERE o.fulfilment_mode = 'MERCHANT' AND s.delivered_at >= :from AND s.delivered_at < :to "
                        + "GROUP BY o.channel, s.carrier, CAST(s.delivered_at AT TIME ZONE 'UTC' AS DATE)")
                .param("from", utc(from)).param("to", utc(to))
                .query((rs, n) -> new Tally(rs.getString(1), rs.getString(2), rs.getObject(3, LocalDate.class), rs.getLong(4),
                        rs.getLong(5), rs.getLong(6), 0))
                .list();
    }

    /**
     * Decides tracking validity for parcels recorded before the hub did so itself (tracking_valid
     * unset), a batch at a time; answers how many it decided.
     */
    @Transactional
    public int decideTrackingValidity(int batch) {
        List<String[]> rows = jdbc.sql("SELECT shipment_id, carrier, tracking_number FROM shipments WHERE tracking_valid IS NULL "
                        + "LIMIT :batch").param("batch", batch)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list();
        for (String[] row : rows) {
            jdbc.sql("UPDATE shipments SET tracking_valid = :valid WHERE shipment_id = :id")
                    .param("valid", TrackingNumbers.valid(row[1], row[2])).param("id", row[0]).update();
        }
        return rows.size();
    }

    private static Tally tally(ResultSet rs, int n) throws SQLException {
        return new Tally(rs.getString(1), null, rs.getObject(2, LocalDate.class), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6));
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

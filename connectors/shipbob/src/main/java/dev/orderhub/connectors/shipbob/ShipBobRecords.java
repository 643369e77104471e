package dev.orderhub.connectors.shipbob;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import dev.orderhub.connector.FulfilmentService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The connector's own tables (db/V1__shipbob_orders_shipments.sql); every write runs in the caller's transaction. */
@Component
public class ShipBobRecords {

    static final String SENDING = "SENDING";
    static final String SENT = "SENT";
    static final String CANCELLED = "CANCELLED";

    /** An order as sent: ShipBob's id once known, its status here and ShipBob's as last seen. */
    record SentOrder(String hubOrderId, Long shipbobOrderId, String status, String remoteStatus, String remoteDetail) {
    }

    record OrderLine(int lineNo, String lineId, String sku, int qty) {
    }

    /** A shipment as last seen; a parcel when it has a tracking number and lines. */
    record Shipment(long shipmentId, String hubOrderId, String status, String carrier, String service, String trackingNumber,
                    Instant shippedAt, Instant deliveredAt) {
    }

    record ParcelLine(long shipmentId, String lineId, int qty) {
    }

    private static final String ORDER = "SELECT hub_order_id, shipbob_order_id, status, remote_status, remote_detail FROM shipbob_orders o ";

    private final JdbcClient jdbc;

    public ShipBobRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the order as being sent (with its lines), unless it is recorded already.
     *
     * The hub sends one order from one thread (the dispatch round of the instance holding its
     * lease); were two to race, the second insert fails and its send is tried again later.
     *
     * @return whether it was new
     */
    boolean sending(String account, FulfilmentService.Request request) {
        if (order(request.hubOrderId()).isPresent()) {
            return false;
        }
        jdbc.sql("INSERT INTO shipbob_orders (hub_order_id, account, status, created_at, updated_at) "
                        + "VALUES (:id, :account, :status, :now, :now)")
                .param("id", request.hubOrderId()).param("account", account).param("status", SENDING)
                .param("now", now()).update();
        int lineNo = 0;
        for (FulfilmentService.Item item : request.items()) {
            jdbc.sql("INSERT INTO shipbob_order_lines (hub_order_id, line_no, line_id, sku, qty) VALUES (:id, :no, :line, :sku, :qty)")
                    .param("id", request.hubOrderId()).param("no", ++lineNo).param("line", item.lineId())
                    .param("sku", item.sku()).param("qty", item.qty()).update();
        }
        return true;
    }

    Optional<SentOrder> order(String hubOrderId) {
        return jdbc.sql(ORDER + "WHERE hub_order_id = :id").param("id", hubOrderId).query(ShipBobRecords::sentOrder).optional();
    }

    /** The order's row, locked until the caller's transaction ends: webhooks, polls and cancels of one order take turns. */
    Optional<SentOrder> lockOrder(String hubOrderId) {
        return jdbc.sql(ORDER + "WHERE hub_order_id = :id FOR UPDATE").param("id", hubOrderId).query(ShipBobRecords::sentOrder)
                .optional();
    }

    private static SentOrder sentOrder(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        long id = rs.getLong(2);
        Long shipbobId = rs.wasNull() ? null : id;
        return new SentOrder(rs.getString(1), shipbobId, rs.getString(3), rs.getString(4), rs.getString(5));
    }

    void sent(String hubOrderId, long shipbobOrderId, String remoteStatus) {
        jdbc.sql("UPDATE shipbob_orders SET shipbob_order_id = :remote, status = :status, remote_status = :remoteStatus, "
                        + "updated_at = :now WHERE hub_order_id = :id")
                .param("remote", shipbobOrderId).param("status", SENT).param("remoteStatus", remoteStatus)
                .param("now", now()).param("id", hubOrderId).update();
    }

    void status(String hubOrderId, String status) {
        jdbc.sql("UPDATE shipbob_orders SET status = :status, updated_at = :now WHERE hub_order_id = :id")
                .param("status", status).param("now", now()).param("id", hubOrderId).update();
    }

    void remote(String hubOrderId, String remoteStatus, String detail) {
        jdbc.sql("UPDATE shipbob_orders SET remote_status = :status, remote_detail = :detail, updated_at = :now "
                        + "WHERE hub_order_id = :id")
                .param("status", remoteStatus).param("detail", detail).param("now", now()).param("id", hubOrderId).update();
    }

    /** ShipBob refused the order for good: forgotten, so routing it here again (after a fix) sends it afresh. */
    void forget(String hubOrderId) {
        jdbc.sql("DELETE FROM shipbob_order_lines WHERE hub_order_id = :id").param("id", hubOrderId).update();
        jdbc.sql("DELETE FROM shipbob_orders WHERE hub_order_id = :id").param("id", hubOrderId).update();
    }

    List<OrderLine> lines(String hubOrderId) {
        return jdbc.sql("SELECT line_no, line_id, sku, qty FROM shipbob_order_lines WHERE hub_order_id = :id ORDER BY line_no")
                .param("id", hubOrderId)
                .query((rs, n) -> new OrderLine(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getInt(4))).list();
    }

    /**
     * Orders ShipBob has that are not done here: not cancelled, and not every unit in a parcel
     * (ShipBob may call an order Fulfilled before its tracking numbers are known), the least
     * recently seen first.
     */
    List<SentOrder> open(int limit) {
        return jdbc.sql(ORDER + "WHERE o.status = :sent AND (o.remote_status IS NULL OR o.remote_status <> 'Cancelled') "
                        + "AND (SELECT COALESCE(SUM(l.qty), 0) FROM shipbob_order_lines l WHERE l.hub_order_id = o.hub_order_id) > "
                        + "(SELECT COALESCE(SUM(p.qty), 0) FROM shipbob_parcel_lines p JOIN shipbob_shipments s "
                        + "ON s.shipment_id = p.shipment_id WHERE s.hub_order_id = o.hub_order_id) "
                        + "ORDER BY o.updated_at LIMIT :limit")
                .param("sent", SENT).param("limit", limit).query(ShipBobRecords::sentOrder).list();
    }

    void touch(String hubOrderId) {
        jdbc.sql("UPDATE shipbob_orders SET updated_at = :now WHERE hub_order_id = :id")
                .param("now", now()).param("id", hubOrderId).update();
    }

    Optional<Shipment> shipment(long shipmentId) {
        return jdbc.sql("SELECT shipment_id, hub_order_id, status, carrier, service, tracking_number, shipped_at, "
                        + "delivered_at FROM shipbob_shipments WHERE shipment_id = :id")
                .param("id", shipmentId).query(ShipBobRecords::shipment).optional();
    }

    List<Shipment> shipments(String hubOrderId) {
        return jdbc.sql("SELECT shipment_id, hub_order_id, status, carrier, service, tracking_number, shipped_at, "
                        + "delivered_at FROM shipbob_shipments WHERE hub_order_id = :id ORDER BY shipment_id")
                .param("id", hubOrderId).query(ShipBobRecords::shipment).list();
    }

    private static Shipment shipment(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        OffsetDateTime shipped = rs.getObject(7, OffsetDateTime.class);
        OffsetDateTime delivered = rs.getObject(8, OffsetDateTime.class);
        return new Shipment(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                shipped == null ? null : shipped.toInstant(), delivered == null ? null : delivered.toInstant());
    }

    void saveShipment(Shipment shipment, boolean isNew) {
        String sql = isNew
                ? "INSERT INTO shipbob_shipments (shipment_id, hub_order_id, status, carrier, service, tracking_number, shipped_at, "
                        + "delivered_at, updated_at) VALUES (:id, :order, :status, :carrier, :service, :tracking, :shipped, :delivered, :now)"
                : "UPDATE shipbob_shipments SET status = :status, carrier = :carrier, service = :service, tracking_number = :tracking, "
                        + "shipped_at = :shipped, delivered_at = :delivered, updated_at = :now WHERE shipment_id = :id AND hub_order_id = :order";
        jdbc.sql(sql).param("id", shipment.shipmentId()).param("order", shipment.hubOrderId()).param("status", shipment.status())
                .param("carrier", shipment.carrier()).param("service", shipment.service())
                .param("tracking", shipment.trackingNumber())
                .param("shipped", utc(shipment.shippedAt())).param("delivered", utc(shipment.deliveredAt()))
                .param("now", now()).update();
    }

    void parcelLine(long shipmentId, String lineId, int qty) {
        jdbc.sql("INSERT INTO shipbob_parcel_lines (shipment_id, line_id, qty) VALUES (:id, :line, :qty)")
                .param("id", shipmentId).param("line", lineId).param("qty", qty).update();
    }

    List<ParcelLine> parcelLinesOf(long shipmentId) {
        return jdbc.sql("SELECT shipment_id, line_id, qty FROM shipbob_parcel_lines WHERE shipment_id = :id ORDER BY line_id")
                .param("id", shipmentId).query((rs, n) -> new ParcelLine(rs.getLong(1), rs.getString(2), rs.getInt(3))).list();
    }

    List<ParcelLine> parcelLines(String hubOrderId) {
        return jdbc.sql("SELECT l.shipment_id, l.line_id, l.qty FROM shipbob_parcel_lines l JOIN shipbob_shipments s "
                        + "ON s.shipment_id = l.shipment_id WHERE s.hub_order_id = :id ORDER BY l.shipment_id, l.line_id")
                .param("id", hubOrderId).query((rs, n) -> new ParcelLine(rs.getLong(1), rs.getString(2), rs.getInt(3))).list();
    }

    /**
     * Records a webhook delivery by its id. Called holding the lock of the order it is about
     * ({@link #lockOrder}), so the same delivery arriving twice at once is recorded by the first
     * and found by the second.
     *
     * @return false when it was recorded before (a repeat)
     */
    boolean delivery(String deliveryId, String topic, String hubOrderId) {
        if (jdbc.sql("SELECT COUNT(*) FROM shipbob_deliveries WHERE delivery_id = :id").param("id", deliveryId)
                .query(Long.class).single() > 0) {
            return false;
        }
        jdbc.sql("INSERT INTO shipbob_deliveries (delivery_id, topic, hub_order_id, received_at) VALUES (:id, :topic, :order, :now)")
                .param("id", deliveryId).param("topic", topic).param("order", hubOrderId).param("now", now()).update();
        return true;
    }

    private static OffsetDateTime utc(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}

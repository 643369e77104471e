package dev.orderhub.connectors.threeplsftp;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.connector.FulfilmentService;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The connector's own tables (connectors/3pl-sftp/db): the orders written for the 3PL and their
 * lines, the files taken from it, the parcels and the newest stock counts it reported. Every
 * method runs in the caller's transaction.
 */
@Component
class ThreePlRecords {

    static final String WRITING = "WRITING";
    static final String SENT = "SENT";
    static final String CANCEL_SENT = "CANCEL_SENT";

    /** An order written for the 3PL. */
    record SentOrder(String hubOrderId, String fileName, String checksum, String status) {
    }

    record OrderLine(String lineId, String sku, int qty) {
    }

    /** One parcel line the 3PL confirmed. */
    record ParcelLine(String trackingNumber, String lineId, int qty, String carrier, String service, Instant shippedAt,
                      String fileName) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;

    ThreePlRecords(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<SentOrder> order(String hubOrderId) {
        return jdbc.sql("SELECT hub_order_id, file_name, checksum, status FROM sftp3pl_orders WHERE hub_order_id = :id")
                .param("id", hubOrderId)
                .query((rs, n) -> new SentOrder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .optional();
    }

    /** The order, its row locked until the caller's transaction ends: a cancel and a confirmation of it never cross. */
    Optional<SentOrder> lockOrder(String hubOrderId) {
        return jdbc.sql("SELECT hub_order_id, file_name, checksum, status FROM sftp3pl_orders WHERE hub_order_id = :id FOR UPDATE")
                .param("id", hubOrderId)
                .query((rs, n) -> new SentOrder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .optional();
    }

    /** Records the order before its file is written (once: an order recorded before keeps its first file). */
    void writing(String account, FulfilmentService.Request request, OrderFiles.File file) {
        OffsetDateTime now = now();
        int inserted = jdbc.sql("INSERT INTO sftp3pl_orders (hub_order_id, account, file_name, checksum, status, created_at, "
                        + "updated_at) VALUES (:id, :account, :file, :checksum, :status, :now, :now) ON CONFLICT DO NOTHING")
                .param("id", request.hubOrderId()).param("account", account).param("file", file.name())
                .param("checksum", file.checksum()).param("status", WRITING).param("now", now).update();
        if (inserted == 1) {
            for (FulfilmentService.Item item : request.items()) {
                jdbc.sql("INSERT INTO sftp3pl_order_lines (hub_order_id, line_id, sku, qty) VALUES (:id, :line, :sku, :qty)")
                        .param("id", request.hubOrderId()).param("line", item.lineId()).param("sku", item.sku())
                        .param("qty", item.qty()).update();
            }
        }
    }

    void status(String hubOrderId, String status) {
        jdbc.sql("UPDATE sftp3pl_orders SET status = :status, updated_at = :now WHERE hub_order_id = :id")
                .param("status", status).param("now", now()).param("id", hubOrderId).update();
    }

    /** Ordered quantity per line id, in line order. */
    Map<String, Integer> lines(String hubOrderId) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        jdbc.sql("SELECT line_id, qty FROM sftp3pl_order_lines WHERE hub_order_id = :id ORDER BY line_id")
                .param("id", hubOrderId)
                .query((java.sql.ResultSet rs) -> {
                    lines.put(rs.getString(1), rs.getInt(2));
                });
        return lines;
    }

    List<ParcelLine> parcels(String hubOrderId) {
        return jdbc.sql("SELECT tracking_number, line_id, qty, carrier, service, shipped_at, file_name FROM sftp3pl_parcel_lines "
                        + "WHERE hub_order_id = :id ORDER BY shipped_at, tracking_number, line_no")
                .param("id", hubOrderId)
                .query((rs, n) -> new ParcelLine(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(), rs.getString(7)))
                .list();
    }

    /**
     * Records a file taken from the inbound folder. False: it was taken before (the same name,
     * modification time and checksum), and nothing of it may be applied again.
     */
    boolean taken(String account, InboundFiles.InboundFile file) {
        return jdbc.sql("INSERT INTO sftp3pl_files (account, file_name, modified_ms, checksum, size_bytes, kind, rows_taken, "
                        + "rows_refused, taken_at) VALUES (:account, :name, :modified, :checksum, :size, :kind, 0, 0, :now) "
                        + "ON CONFLICT DO NOTHING")
                .param("account", account).param("name", file.name()).param("modified", file.modifiedMs())
                .param("checksum", file.checksum()).param("size", file.size()).param("kind", file.kind().name())
                .param("now", now()).update() == 1;
    }

    void outcome(String account, InboundFiles.InboundFile file, int taken, int refused) {
        jdbc.sql("UPDATE sftp3pl_files SET rows_taken = :taken, rows_refused = :refused WHERE account = :account "
                        + "AND file_name = :name AND modified_ms = :modified AND checksum = :checksum")
                .param("taken", taken).param("refused", refused).param("account", account).param("name", file.name())
                .param("modified", file.modifiedMs()).param("checksum", file.checksum()).update();
    }

    void parcelLine(String hubOrderId, InboundFiles.Shipped row, String fileName) {
        jdbc.sql("INSERT INTO sftp3pl_parcel_lines (hub_order_id, tracking_number, line_id, qty, carrier, service, shipped_at, "
                        + "file_name, line_no) VALUES (:order, :tracking, :line, :qty, :carrier, :service, :at, :file, :lineNo)")
                .param("order", hubOrderId).param("tracking", row.trackingNumber()).param("line", row.lineId())
                .param("qty", row.qty()).param("carrier", row.carrier()).param("service", row.service())
                .param("at", row.shippedAt().atOffset(ZoneOffset.UTC)).param("file", fileName).param("lineNo", row.line())
                .update();
    }

    /** The newest count taken of the sku at the location: (on hand, counted at). */
    Optional<Map.Entry<Long, Instant>> lastCount(String location, String sku) {
        return jdbc.sql("SELECT on_hand, counted_at FROM sftp3pl_stock_counts WHERE location = :location AND sku = :sku")
                .param("location", location).param("sku", sku)
                .query((rs, n) -> Map.entry(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant()))
                .optional();
    }

    void count(String location, InboundFiles.Counted row, String fileName) {
        int updated = jdbc.sql("UPDATE sftp3pl_stock_counts SET on_hand = :onHand, counted_at = :at, file_name = :file "
                        + "WHERE location = :location AND sku = :sku")
                .param("onHand", row.onHand()).param("at", row.countedAt().atOffset(ZoneOffset.UTC)).param("file", fileName)
                .param("location", location).param("sku", row.sku()).update();
        if (updated == 0) {
            jdbc.sql("INSERT INTO sftp3pl_stock_counts (location, sku, on_hand, counted_at, file_name) "
                            + "VALUES (:location, :sku, :onHand, :at, :file)")
                    .param("location", location).param("sku", row.sku()).param("onHand", row.onHand())
                    .param("at", row.countedAt().atOffset(ZoneOffset.UTC)).param("file", fileName).update();
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}

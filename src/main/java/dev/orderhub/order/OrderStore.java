package dev.orderhub.order;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Orders, their lines and their history in the database. Only the order feature uses it. */
@Repository
class OrderStore {

    private static final String ORDER_COLUMNS = "hub_order_id, channel, channel_order_id, status, fulfilment_mode, "
            + "placed_at, ship_by, deliver_by, currency, buyer_name, buyer_email, ship_to_name, ship_to_line1, "
            + "ship_to_line2, ship_to_city, ship_to_region, ship_to_postal, ship_to_country, hold_reason, received_at, "
            + "updated_at, seq, personal_data_erased_at";

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batch;

    OrderStore(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
        this.jdbc = jdbc;
        this.batch = batch;
    }

    /**
     * Inserts each order as RECEIVED, with its lines, unless it is already stored: one batched
     * statement for the orders and one for the lines. Entry i is true when order i was inserted.
     */
    boolean[] insertAllIfAbsent(List<OrderSubmission> orders, List<Instant> acceptedAt, Instant now) {
        MapSqlParameterSource[] rows = new MapSqlParameterSource[orders.size()];
        for (int i = 0; i < rows.length; i++) {
            OrderSubmission s = orders.get(i);
            rows[i] = new MapSqlParameterSource()
                    .addValue("id", s.hubOrderId())
                    .addValue("channel", s.channel())
                    .addValue("channelOrderId", s.channelOrderId())
                    .addValue("mode", s.fulfilmentMode().name())
                    .addValue("placedAt", utc(s.placedAt()))
                    .addValue("shipBy", utc(s.shipBy()))
                    .addValue("deliverBy", utc(s.deliverBy()))
                    .addValue("currency", s.currency())
                    .addValue("buyerName", s.buyer() == null ? null : s.buyer().name())
                    .addValue("buyerEmail", s.buyer() == null ? null : s.buyer().email())
                    .addValue("name", s.shipTo() == null ? null : s.shipTo().name())
                    .addValue("line1", s.shipTo() == null ? null : s.shipTo().line1())
                    .addValue("line2", s.shipTo() == null ? null : s.shipTo().line2())
                    .addValue("city", s.shipTo() == null ? null : s.shipTo().city())
                    .addValue("region", s.shipTo() == null ? null : s.shipTo().region())
                    .addValue("postal", s.shipTo() == null ? null : s.shipTo().postalCode())
                    .addValue("country", s.shipTo() == null ? null : s.shipTo().country())
                    .addValue("acceptedAt", utc(acceptedAt.get(i)))
                    .addValue("now", utc(now));
        }
        int[] counts = batch.batchUpdate("INSERT INTO orders (hub_order_id, channel, channel_order_id, status, fulfilment_mode, "
                + "placed_at, ship_by, deliver_by, currency, buyer_name, buyer_email, ship_to_name, ship_to_line1, "
                + "ship_to_line2, ship_to_city, ship_to_region, ship_to_postal, ship_to_country, accepted_at, received_at, updated_at) "
                + "VALUES (:id, :channel, :channelOrderId, 'RECEIVED', :mode, :placedAt, :shipBy, :deliverBy, :currency, "
                + ":buyerName, :buyerEmail, :name, :line1, :line2, :city, :region, :postal, :country, :acceptedAt, :now, :now) "
                + "ON CONFLICT DO NOTHING", rows);
        boolean[] inserted = new boolean[orders.size()];
        List<MapSqlParameterSource> lines = new ArrayList<>();
        for (int i = 0; i < inserted.length; i++) {
            inserted[i] = counts[i] == 1;
            if (!inserted[i]) {
                continue;
            }
            int position = 0;
            for (OrderLine line : orders.get(i).lines()) {
                lines.add(new MapSqlParameterSource().addValue("id", orders.get(i).hubOrderId())
                        .addValue("lineId", line.lineId()).addValue("position", position++).addValue("sku", line.sku())
                        .addValue("qty", line.qty()).addValue("unitPrice", line.unitPrice()).addValue("tax", line.tax()));
            }
        }
        if (!lines.isEmpty()) {
            batch.batchUpdate("INSERT INTO order_lines (hub_order_id, line_id, position, sku, qty, unit_price, tax) "
                    + "VALUES (:id, :lineId, :position, :sku, :qty, :unitPrice, :tax)", lines.toArray(MapSqlParameterSource[]::new));
        }
        return inserted;
    }

    /** The stored status of each of these orders that exists. */
    Map<String, OrderStatus> statuses(java.util.Collection<String> hubOrderIds) {
        Map<String, OrderStatus> found = new LinkedHashMap<>();
        if (!hubOrderIds.isEmpty()) {
            jdbc.sql("SELECT hub_order_id, status FROM orders WHERE hub_order_id IN (:ids)")
                    .param("ids", List.copyOf(hubOrderIds))
                    .query((ResultSet rs) -> {
                        found.put(rs.getString(1), OrderStatus.valueOf(rs.getString(2)));
                    });
        }
        return found;
    }

    boolean hasEvent(String hubOrderId, String type) {
        return jdbc.sql("SELECT COUNT(*) FROM order_events WHERE hub_order_id = :id AND type = :type")
                .param("id", hubOrderId).param("type", type).query(Long.class).single() > 0;
    }

    /** One line of an order's history, for {@link #appendEvents}. */
    record EventRow(String hubOrderId, String type, OrderStatus from, OrderStatus to, String detail, Instant at) {
    }

    void appendEvents(List<EventRow> events) {
        if (events.isEmpty()) {
            return;
        }
        batch.batchUpdate("INSERT INTO order_events (hub_order_id, type, from_status, to_status, detail, at) "
                + "VALUES (:id, :type, :from, :to, :detail, :at)", events.stream().map(e -> new MapSqlParameterSource()
                .addValue("id", e.hubOrderId()).addValue("type", e.type())
                .addValue("from", e.from() == null ? null : e.from().name()).addValue("to", e.to() == null ? null : e.to().name())
                .addValue("detail", e.detail() == null || e.detail().length() <= 1000 ? e.detail() : e.detail().substring(0, 1000))
                .addValue("at", utc(e.at()))).toArray(MapSqlParameterSource[]::new));
    }

    /** One status change, for {@link #updateStatuses}. */
    record StatusChange(String hubOrderId, OrderStatus from, OrderStatus to, String holdReason) {
    }

    /** Applies each change if the order is still in its {@code from} status; entry i is true when change i applied. */
    boolean[] updateStatuses(List<StatusChange> changes, Instant now) {
        int[] counts = batch.batchUpdate("UPDATE orders SET status = :to, hold_reason = :holdReason, updated_at = :now "
                + "WHERE hub_order_id = :id AND status = :from", changes.stream().map(c -> new MapSqlParameterSource()
                .addValue("to", c.to().name()).addValue("holdReason", c.holdReason()).addValue("now", utc(now))
                .addValue("id", c.hubOrderId()).addValue("from", c.from().name())).toArray(MapSqlParameterSource[]::new));
        boolean[] applied = new boolean[counts.length];
        for (int i = 0; i < counts.length; i++) {
            applied[i] = counts[i] == 1;
        }
        return applied;
    }

    /** A backordered order waiting for stock: enough to try reserving it again. */
    record Waiting(String hubOrderId, String channel, Instant shipBy) {
    }

    /** Backordered orders with a line for one of these skus, earliest ship-by first. */
    List<Waiting> backordered(java.util.Collection<String> skus, int limit) {
        return jdbc.sql("SELECT o.hub_order_id, o.channel, o.ship_by FROM orders o WHERE o.status = 'BACKORDERED' "
                        + "AND EXISTS (SELECT 1 FROM order_lines l WHERE l.hub_order_id = o.hub_order_id AND l.sku IN (:skus)) "
                        + "ORDER BY o.ship_by, o.seq LIMIT :limit")
                .param("skus", List.copyOf(skus)).param("limit", limit)
                .query((rs, n) -> new Waiting(rs.getString(1), rs.getString(2), instant(rs, 3)))
                .list();
    }

    List<OrderLine> linesOf(String hubOrderId) {
        return lines(List.of(hubOrderId)).getOrDefault(hubOrderId, List.of());
    }

    Optional<OrderStatus> status(String hubOrderId) {
        return jdbc.sql("SELECT status FROM orders WHERE hub_order_id = :id").param("id", hubOrderId)
                .query((rs, n) -> OrderStatus.valueOf(rs.getString(1))).optional();
    }

    /** Locks the order row for this transaction and returns its status and fulfilment mode. */
    Optional<Map.Entry<OrderStatus, FulfilmentMode>> lock(String hubOrderId) {
        return jdbc.sql("SELECT status, fulfilment_mode FROM orders WHERE hub_order_id = :id FOR UPDATE")
                .param("id", hubOrderId)
                .query((rs, n) -> Map.entry(OrderStatus.valueOf(rs.getString(1)), FulfilmentMode.valueOf(rs.getString(2))))
                .optional();
    }

    /** Compare-and-set of the status: applies only if the order is still in {@code from}. */
    boolean updateStatus(String hubOrderId, OrderStatus from, OrderStatus to, String holdReason, Instant now) {
        return jdbc.sql("UPDATE orders SET status = :to, hold_reason = :holdReason, updated_at = :now "
                        + "WHERE hub_order_id = :id AND status = :from")
                .param("to", to.name()).param("holdReason", holdReason).param("now", utc(now))
                .param("id", hubOrderId).param("from", from.name())
                .update() == 1;
    }

    void markCancelled(String hubOrderId, CancelledBy by, Instant at) {
        jdbc.sql("UPDATE orders SET cancelled_by = :by, cancelled_at = :at WHERE hub_order_id = :id")
                .param("by", by.name()).param("at", utc(at)).param("id", hubOrderId).update();
    }

    Optional<CancelledBy> cancelledBy(String hubOrderId) {
        return jdbc.sql("SELECT cancelled_by FROM orders WHERE hub_order_id = :id").param("id", hubOrderId)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1)).map(CancelledBy::valueOf)).optional()
                .flatMap(o -> o);
    }

    void appendEvent(String hubOrderId, String type, OrderStatus from, OrderStatus to, String detail, Instant at) {
        jdbc.sql("INSERT INTO order_events (hub_order_id, type, from_status, to_status, detail, at) "
                        + "VALUES (:id, :type, :from, :to, :detail, :at)")
                .param("id", hubOrderId).param("type", type)
                .param("from", from == null ? null : from.name()).param("to", to == null ? null : to.name())
                .param("detail", detail == null || detail.length() <= 1000 ? detail : detail.substring(0, 1000))
                .param("at", utc(at))
                .update();
    }

    Optional<Order> find(String hubOrderId) {
        return jdbc.sql("SELECT " + ORDER_COLUMNS + " FROM orders WHERE hub_order_id = :id")
                .param("id", hubOrderId)
                .query(OrderStore::mapHeader).optional()
                .map(header -> header.complete(lines(List.of(hubOrderId)).getOrDefault(hubOrderId, List.of()),
                        events(hubOrderId)));
    }

    /** A page of orders in intake order, after {@code afterSeq}, filtered by what is given. */
    Page list(String channel, OrderStatus status, String sku, long afterSeq, int limit) {
        return search(new OrderQuery(channel, status, sku, null, null, null, false), afterSeq, limit);
    }

    /**
     * A page of orders matching the query, in intake order or newest first, after (or, newest
     * first, before) the position {@code cursor} (0: from the start).
     */
    Page search(OrderQuery q, long cursor, int limit) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        MapSqlParameterSource params = new MapSqlParameterSource().addValue("limit", limit + 1);
        if (cursor > 0) {
            where.append(q.newestFirst() ? " AND o.seq < :cursor" : " AND o.seq > :cursor");
            params.addValue("cursor", cursor);
        }
        if (q.channel() != null) {
            where.append(" AND o.channel = :channel");
            params.addValue("channel", q.channel());
        }
        if (q.status() != null) {
            where.append(" AND o.status = :status");
            params.addValue("status", q.status().name());
        }
        if (q.sku() != null) {
            where.append(" AND EXISTS (SELECT 1 FROM order_lines l WHERE l.hub_order_id = o.hub_order_id AND l.sku = :sku)");
            params.addValue("sku", q.sku());
        }
        if (q.placedFrom() != null) {
            where.append(" AND o.placed_at >= :placedFrom");
            params.addValue("placedFrom", utc(q.placedFrom()));
        }
        if (q.placedBefore() != null) {
            where.append(" AND o.placed_at < :placedBefore");
            params.addValue("placedBefore", utc(q.placedBefore()));
        }
        if (q.shipByBefore() != null) {
            where.append(" AND o.ship_by <= :shipByBefore AND o.status IN (:open)");
            params.addValue("shipByBefore", utc(q.shipByBefore()));
            params.addValue("open", OrderQuery.NOT_YET_SHIPPED.stream().map(Enum::name).toList());
        }
        String sql = "SELECT " + ORDER_COLUMNS.replaceAll("(^|, )", "$1o.") + " FROM orders o" + where
                + " ORDER BY o.seq" + (q.newestFirst() ? " DESC" : "") + " LIMIT :limit";
        List<Header> headers = batch.query(sql, params, OrderStore::mapHeader);
        boolean more = headers.size() > limit;
        List<Header> page = more ? headers.subList(0, limit) : headers;
        Map<String, List<OrderLine>> lines = page.isEmpty() ? Map.of()
                : lines(page.stream().map(h -> h.hubOrderId).toList());
        List<Order> orders = page.stream().map(h -> h.complete(lines.getOrDefault(h.hubOrderId, List.of()), null)).toList();
        return new Page(orders, more ? page.get(page.size() - 1).seq : null);
    }

    /** Orders per channel and status placed at or after {@code since}: one aggregate. */
    /** Every order, counted per channel and status. */
    Map<String, Map<OrderStatus, Long>> countsByChannelAndStatus() {
        Map<String, Map<OrderStatus, Long>> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT channel, status, COUNT(*) FROM orders GROUP BY channel, status")
                .query((ResultSet rs) -> {
                    counts.computeIfAbsent(rs.getString(1), k -> new java.util.EnumMap<>(OrderStatus.class))
                            .put(OrderStatus.valueOf(rs.getString(2)), rs.getLong(3));
                });
        return counts;
    }

    Map<String, Map<OrderStatus, Long>> countsSince(Instant since) {
        Map<String, Map<OrderStatus, Long>> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT channel, status, COUNT(*) FROM orders WHERE placed_at >= :since GROUP BY channel, status")
                .param("since", utc(since))
                .query((ResultSet rs) -> {
                    counts.computeIfAbsent(rs.getString(1), k -> new java.util.EnumMap<>(OrderStatus.class))
                            .put(OrderStatus.valueOf(rs.getString(2)), rs.getLong(3));
                });
        return counts;
    }

    /** Orders not yet shipped whose ship-by is at or before {@code before}, per channel. */
    Map<String, Long> atRisk(Instant before) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT channel, COUNT(*) FROM orders WHERE ship_by <= :before AND status IN (:open) GROUP BY channel")
                .param("before", utc(before)).param("open", OrderQuery.NOT_YET_SHIPPED.stream().map(Enum::name).toList())
                .query((ResultSet rs) -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    private Map<String, List<OrderLine>> lines(List<String> hubOrderIds) {
        Map<String, List<OrderLine>> byOrder = new LinkedHashMap<>();
        jdbc.sql("SELECT hub_order_id, line_id, sku, qty, unit_price, tax FROM order_lines "
                        + "WHERE hub_order_id IN (:ids) ORDER BY hub_order_id, position")
                .param("ids", hubOrderIds)
                .query((ResultSet rs) -> {
                    byOrder.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new OrderLine(rs.getString(2),
                            rs.getString(3), rs.getInt(4), rs.getBigDecimal(5).stripTrailingZeros(),
                            rs.getBigDecimal(6).stripTrailingZeros()));
                });
        return byOrder;
    }

    private List<OrderEvent> events(String hubOrderId) {
        return jdbc.sql("SELECT at, type, from_status, to_status, detail FROM order_events WHERE hub_order_id = :id ORDER BY id")
                .param("id", hubOrderId)
                .query((rs, n) -> new OrderEvent(instant(rs, 1), rs.getString(2), statusOrNull(rs.getString(3)),
                        statusOrNull(rs.getString(4)), rs.getString(5)))
                .list();
    }

    record Page(List<Order> orders, Long lastSeq) {
    }

    /** The orders row, before lines and events are attached. */
    private record Header(String hubOrderId, String channel, String channelOrderId, OrderStatus status,
                          FulfilmentMode mode, Instant placedAt, Instant shipBy, Instant deliverBy, String currency,
                          Buyer buyer, Address shipTo, String holdReason, Instant receivedAt, Instant updatedAt, long seq,
                          Instant personalDataErasedAt) {

        Order complete(List<OrderLine> lines, List<OrderEvent> events) {
            BigDecimal subtotal = BigDecimal.ZERO;
            BigDecimal tax = BigDecimal.ZERO;
            for (OrderLine line : lines) {
                subtotal = subtotal.add(line.unitPrice().multiply(BigDecimal.valueOf(line.qty())));
                tax = tax.add(line.tax());
            }
            Totals totals = new Totals(subtotal.stripTrailingZeros(), tax.stripTrailingZeros(),
                    subtotal.add(tax).stripTrailingZeros(), currency);
            return new Order(hubOrderId, channel, channelOrderId, status, mode, placedAt, shipBy, deliverBy, currency,
                    buyer, shipTo, lines, totals, holdReason, receivedAt, updatedAt, events, personalDataErasedAt);
        }
    }

    private static Header mapHeader(ResultSet rs, int row) throws SQLException {
        String buyerName = rs.getString(10);
        String buyerEmail = rs.getString(11);
        return new Header(rs.getString(1), rs.getString(2), rs.getString(3), OrderStatus.valueOf(rs.getString(4)),
                FulfilmentMode.valueOf(rs.getString(5)), instant(rs, 6), instant(rs, 7), instant(rs, 8), rs.getString(9),
                buyerName == null && buyerEmail == null ? null : new Buyer(buyerName, buyerEmail),
                // An erased address keeps its country and region: shown without the personal fields.
                rs.getString(12) == null && rs.getString(13) == null && rs.getString(18) == null ? null
                        : new Address(rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15), rs.getString(16),
                        rs.getString(17), rs.getString(18)),
                rs.getString(19), instant(rs, 20), instant(rs, 21), rs.getLong(22), instant(rs, 23));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OrderStatus statusOrNull(String value) {
        return value == null ? null : OrderStatus.valueOf(value);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}

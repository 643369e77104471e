package dev.orderhub.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.orderhub.channel.Connectors;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.messaging.EventTypes;
import dev.orderhub.messaging.Outbox;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Shipments: what left the warehouse for an order, with carrier and tracking. Sellers who ship
 * themselves record them through the API; fulfilment flows call the same service. Partial
 * shipments are allowed; the order is PARTIALLY_SHIPPED until every line has shipped, then
 * SHIPPED. The shipped units leave stock (on hand and reserved), {@code order.shipped} is
 * published, and a channel whose connector confirms shipments is owed a confirmation.
 */
@Service
public class Shipments {

    private static final Set<OrderStatus> SHIPPABLE = Set.of(OrderStatus.RESERVED, OrderStatus.SENT_TO_FULFILMENT,
            OrderStatus.PARTIALLY_SHIPPED);

    /** What the caller says shipped. {@code lines} empty: everything not yet shipped. */
    public record Request(String carrier, String service, String trackingNumber, Instant shippedAt, List<Line> lines) {
    }

    public record Line(String lineId, int qty) {
    }

    public record Shipment(String shipmentId, String hubOrderId, String carrier, String service, String trackingNumber,
                           Instant shippedAt, List<Line> lines) {
    }

    /** The shipment, the order's status after it, and whether it was new (false: the same parcel again). */
    public record Recorded(Shipment shipment, OrderStatus orderStatus, boolean created) {
    }

    /** Payload of order.shipped. */
    public record OrderShipped(String hubOrderId, String channel, String channelOrderId, OrderStatus status, Shipment shipment) {
    }

    private final OrderStore store;
    private final OrderService orders;
    private final StockLedger ledger;
    private final Outbox outbox;
    private final JdbcClient jdbc;
    /** Looked up when used: a confirmer (a connector) may itself depend on this service. */
    private final Connectors connectors;
    private final Clock clock;

    Shipments(OrderStore store, OrderService orders, StockLedger ledger, Outbox outbox, JdbcClient jdbc,
              Connectors connectors, Clock clock) {
        this.store = store;
        this.orders = orders;
        this.ledger = ledger;
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.connectors = connectors;
        this.clock = clock;
    }

    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Recorded record(String hubOrderId, Request request) {
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        String shipmentId = shipmentId(hubOrderId, request.carrier(), request.trackingNumber());
        Optional<Shipment> existing = find(shipmentId);
        if (existing.isPresent()) {
            sameLines(existing.get(), request);
            return new Recorded(existing.get(), current.getKey(), false);
        }
        if (current.getValue() == FulfilmentMode.CHANNEL) {
            throw new InvalidShipmentException("order " + hubOrderId + " is fulfilled by its channel (fulfilmentMode CHANNEL): "
                    + "the channel ships it");
        }
        Order order = store.find(hubOrderId).orElseThrow();
        Map<String, Integer> ordered = new LinkedHashMap<>();
        order.lines().forEach(line -> ordered.put(line.lineId(), line.qty()));
        Map<String, Integer> shippedBefore = shippedSoFar(hubOrderId);
        Map<String, Integer> now = new LinkedHashMap<>();
        if (request.lines() == null || request.lines().isEmpty()) {
            ordered.forEach((line, qty) -> {
                int left = qty - shippedBefore.getOrDefault(line, 0);
                if (left > 0) {
                    now.put(line, left);
                }
            });
        } else {
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < request.lines().size(); i++) {
                Line line = request.lines().get(i);
                Integer qty = ordered.get(line.lineId());
                if (qty == null) {
                    problems.add("lines[" + i + "].lineId: \"" + line.lineId() + "\" is not a line of order " + hubOrderId);
                    continue;
                }
                int after = shippedBefore.getOrDefault(line.lineId(), 0) + now.getOrDefault(line.lineId(), 0) + line.qty();
                if (after > qty) {
                    problems.add("lines[" + i + "].qty: " + line.qty() + " more of line " + line.lineId() + " would ship "
                            + after + " of " + qty + " ordered");
                    continue;
                }
                now.merge(line.lineId(), line.qty(), Integer::sum);
            }
            if (!problems.isEmpty()) {
                throw new InvalidShipmentException(String.join("; ", problems));
            }
        }
        if (now.isEmpty()) {
            throw new InvalidShipmentException("order " + hubOrderId + ": every line has shipped already");
        }
        boolean complete = ordered.entrySet().stream().allMatch(e ->
                shippedBefore.getOrDefault(e.getKey(), 0) + now.getOrDefault(e.getKey(), 0) >= e.getValue());
        OrderStatus target = complete ? OrderStatus.SHIPPED : OrderStatus.PARTIALLY_SHIPPED;
        Instant at = clock.instant();
        if (!SHIPPABLE.contains(current.getKey())) {
            orders.refuse(hubOrderId, current.getKey(), target, "shipment " + request.trackingNumber(), at);
        }
        Map<String, Integer> unshipped = new LinkedHashMap<>();
        ordered.forEach((line, qty) -> unshipped.put(line, qty - shippedBefore.getOrDefault(line, 0)));
        ledger.ship(hubOrderId, now, unshipped);
        Instant shippedAt = request.shippedAt() == null ? at : request.shippedAt();
        jdbc.sql("INSERT INTO shipments (shipment_id, hub_order_id, carrier, service, tracking_number, shipped_at, recorded_at, "
                        + "tracking_valid) VALUES (:id, :order, :carrier, :service, :tracking, :shippedAt, :now, :valid)")
                .param("id", shipmentId).param("order", hubOrderId).param("carrier", request.carrier())
                .param("service", request.service()).param("tracking", request.trackingNumber())
                .param("valid", TrackingNumbers.valid(request.carrier(), request.trackingNumber()))
                .param("shippedAt", utc(shippedAt)).param("now", utc(at)).update();
        now.forEach((line, qty) -> jdbc.sql("INSERT INTO shipment_lines (shipment_id, line_id, qty) VALUES (:id, :line, :qty)")
                .param("id", shipmentId).param("line", line).param("qty", qty).update());
        if (current.getKey() != target) {
            orders.move(hubOrderId, current.getKey(), target, current.getValue(), "shipment " + request.carrier() + " "
                    + request.trackingNumber(), at);
        } else {
            store.appendEvent(hubOrderId, "SHIPMENT", current.getKey(), target, "shipment " + request.carrier() + " "
                    + request.trackingNumber(), at);
        }
        Shipment shipment = new Shipment(shipmentId, hubOrderId, request.carrier(), request.service(),
                request.trackingNumber(), shippedAt, now.entrySet().stream().map(e -> new Line(e.getKey(), e.getValue())).toList());
        outbox.append(EventTypes.ORDER_SHIPPED, hubOrderId, new OrderShipped(hubOrderId, order.channel(),
                order.channelOrderId(), target, shipment));
        if (connectors.shipmentConfirmation(order.channel()).isPresent()) {
            jdbc.sql("INSERT INTO channel_confirmations (shipment_id, channel, status, attempts, next_attempt_at) "
                            + "VALUES (:id, :channel, 'PENDING', 0, :now)")
                    .param("id", shipmentId).param("channel", order.channel()).param("now", utc(at)).update();
        }
        return new Recorded(shipment, target, true);
    }

    /**
     * The same parcel again must say the same: lines that differ from what was recorded would be
     * silently dropped, so they are refused. Without lines ("everything not yet shipped") the
     * request names no lines to compare and is the same parcel again.
     */
    private static void sameLines(Shipment recorded, Request request) {
        if (request.lines() == null || request.lines().isEmpty()) {
            return;
        }
        Map<String, Integer> asked = new java.util.TreeMap<>();
        request.lines().forEach(line -> asked.merge(line.lineId(), line.qty(), Integer::sum));
        Map<String, Integer> had = new java.util.TreeMap<>();
        recorded.lines().forEach(line -> had.put(line.lineId(), line.qty()));
        if (!asked.equals(had)) {
            throw new InvalidShipmentException("parcel " + recorded.carrier() + " " + recorded.trackingNumber()
                    + " was recorded with other lines " + had + " (this request: " + asked + "); a parcel's lines "
                    + "cannot change, a different parcel needs its own tracking number");
        }
    }

    /** A parcel's delivery as the carrier (or a person, or the channel) reported it. */
    public record Delivered(String shipmentId, String hubOrderId, Instant deliveredAt, OrderStatus orderStatus, boolean recorded) {
    }

    /**
     * Records when a parcel was delivered (the same time again changes nothing; another time is
     * refused, 409; before it shipped 400). When every parcel of a SHIPPED order is delivered the
     * order becomes DELIVERED. Payload of order.delivered.
     */
    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Delivered delivered(String hubOrderId, String shipmentId, Instant deliveredAt) {
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        Map<String, Object> row = jdbc.sql("SELECT shipped_at, delivered_at FROM shipments WHERE shipment_id = :id AND hub_order_id = :order")
                .param("id", shipmentId).param("order", hubOrderId).query().listOfRows().stream().findFirst()
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId, "order " + hubOrderId + " has no shipment " + shipmentId));
        Instant shippedAt = instant(row.get("shipped_at"));
        Instant before = instant(row.get("delivered_at"));
        if (before != null) {
            if (before.equals(deliveredAt)) {
                return new Delivered(shipmentId, hubOrderId, before, current.getKey(), false);
            }
            throw new InvalidShipmentException("shipment " + shipmentId + " was recorded delivered at " + before
                    + "; a parcel is delivered once");
        }
        if (deliveredAt.isBefore(shippedAt)) {
            throw new IllegalArgumentException("deliveredAt: " + deliveredAt + " is before the parcel shipped (" + shippedAt + ")");
        }
        jdbc.sql("UPDATE shipments SET delivered_at = :at WHERE shipment_id = :id").param("at", utc(deliveredAt))
                .param("id", shipmentId).update();
        Instant now = clock.instant();
        long undelivered = jdbc.sql("SELECT COUNT(*) FROM shipments WHERE hub_order_id = :order AND delivered_at IS NULL")
                .param("order", hubOrderId).query(Long.class).single();
        OrderStatus status = current.getKey();
        if (undelivered == 0 && status == OrderStatus.SHIPPED) {
            orders.move(hubOrderId, status, OrderStatus.DELIVERED, current.getValue(), "delivered " + deliveredAt, now);
            status = OrderStatus.DELIVERED;
        } else {
            store.appendEvent(hubOrderId, "DELIVERY", null, null, "parcel " + shipmentId + " delivered " + deliveredAt, now);
        }
        Delivered delivered = new Delivered(shipmentId, hubOrderId, deliveredAt, status, true);
        outbox.append(EventTypes.ORDER_DELIVERED, hubOrderId, delivered);
        return delivered;
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        return ((java.time.temporal.TemporalAccessor) value).query(Instant::from);
    }

    /** The order's shipments, oldest first. */
    @Transactional(readOnly = true)
    public List<Shipment> of(String hubOrderId) {
        if (store.status(hubOrderId).isEmpty()) {
            throw new OrderNotFoundException(hubOrderId);
        }
        return jdbc.sql("SELECT shipment_id FROM shipments WHERE hub_order_id = :order ORDER BY seq")
                .param("order", hubOrderId).query(String.class).list().stream()
                .map(id -> find(id).orElseThrow()).toList();
    }

    @Transactional(readOnly = true)
    public Optional<Shipment> find(String shipmentId) {
        List<Line> lines = jdbc.sql("SELECT line_id, qty FROM shipment_lines WHERE shipment_id = :id ORDER BY line_id")
                .param("id", shipmentId).query((rs, n) -> new Line(rs.getString(1), rs.getInt(2))).list();
        return jdbc.sql("SELECT shipment_id, hub_order_id, carrier, service, tracking_number, shipped_at FROM shipments "
                        + "WHERE shipment_id = :id")
                .param("id", shipmentId)
                .query((rs, n) -> new Shipment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, OffsetDateTime.class).toInstant(), lines))
                .optional();
    }

    private Map<String, Integer> shippedSoFar(String hubOrderId) {
        Map<String, Integer> shipped = new LinkedHashMap<>();
        jdbc.sql("SELECT sl.line_id, SUM(sl.qty) FROM shipment_lines sl JOIN shipments s ON s.shipment_id = sl.shipment_id "
                        + "WHERE s.hub_order_id = :order GROUP BY sl.line_id")
                .param("order", hubOrderId)
                .query((java.sql.ResultSet rs) -> {
                    shipped.put(rs.getString(1), rs.getInt(2));
                });
        return shipped;
    }

    /** The same parcel (order, carrier, tracking number) always has the same id. */
    static String shipmentId(String hubOrderId, String carrier, String trackingNumber) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((hubOrderId + "\n" + carrier.trim().toUpperCase()
                    + "\n" + trackingNumber.trim()).getBytes(StandardCharsets.UTF_8));
            return "sh-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}

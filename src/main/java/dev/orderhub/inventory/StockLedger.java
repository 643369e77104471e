package dev.orderhub.inventory;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.orderhub.messaging.EventTypes;
import dev.orderhub.messaging.Outbox;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The stock ledger: on hand and reserved per (sku, location). Every reservation is one
 * conditional UPDATE, so available never goes negative whatever the concurrency; the
 * table's CHECK constraints guard the same invariant a second time.
 */
@Service
public class StockLedger {

    private final JdbcClient jdbc;
    private final NamedParameterJdbcTemplate batchJdbc;
    private final Outbox outbox;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public StockLedger(JdbcClient jdbc, NamedParameterJdbcTemplate batchJdbc, Outbox outbox,
                       ApplicationEventPublisher events, Clock clock) {
        this.jdbc = jdbc;
        this.batchJdbc = batchJdbc;
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
    }

    /** The skus among these that the hub knows: stock has been set for them at some location, or they are bundles. */
    @Transactional(readOnly = true)
    public Set<String> knownSkus(Collection<String> skus) {
        if (skus.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("SELECT sku FROM stock WHERE sku IN (:skus) "
                        + "UNION SELECT bundle_sku FROM bundle_components WHERE bundle_sku IN (:skus)")
                .param("skus", List.copyOf(new LinkedHashSet<>(skus))).query(String.class).list());
    }

    /**
     * Opens a batch of reservations over these skus (order line skus and the components of
     * the bundles among them, which are {@code bundleSkus}): every stock row they have is
     * locked and read in one statement, in (sku, location) order, so two batches running side
     * by side wait for each other instead of deadlocking. Runs inside the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public ReservationBatch openBatch(Collection<String> skus, Set<String> bundleSkus) {
        Map<String, Map<String, long[]>> rows = new LinkedHashMap<>();
        if (!skus.isEmpty()) {
            jdbc.sql("SELECT sku, location, on_hand, reserved FROM stock WHERE sku IN (:skus) ORDER BY sku, location FOR UPDATE")
                    .param("skus", List.copyOf(new LinkedHashSet<>(skus)))
                    .query((java.sql.ResultSet rs) -> {
                        rows.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                                .put(rs.getString(2), new long[] {rs.getLong(3), rs.getLong(4)});
                    });
        }
        return new ReservationBatch(batchJdbc, this, now(), bundleSkus, rows);
    }

    /**
     * Reserves every line of an order or none: each line at the first of {@code locations}
     * that can hold it; the outcome names the short sku otherwise, and nothing is written.
     * The same rule and statements as a batch of intake (a {@link ReservationBatch} of one
     * order), including its stock.changed events. Runs inside the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public ReservationOutcome reserveAll(String hubOrderId, Instant shipBy, List<LineToReserve> lines,
                                         List<String> locations) {
        ReservationBatch batch = openBatch(lines.stream().map(LineToReserve::sku).toList(), Set.of());
        ReservationOutcome outcome = batch.reserve(hubOrderId, shipBy, lines, locations);
        batch.flush();
        return outcome;
    }

    /**
     * Stock leaves the shelf for shipped lines: for each line, its share of what is reserved
     * (all of it when the whole line ships; a bundle line's components in proportion) comes
     * off both on hand and reserved, with a SHIP movement, and stock.changed is published.
     *
     * @param shipped   quantity shipped now per order line id
     * @param unshipped quantity of each line not shipped before this shipment (what its reservations still hold)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Reservation> ship(String hubOrderId, Map<String, Integer> shipped, Map<String, Integer> unshipped) {
        List<Reservation> consumed = new ArrayList<>();
        OffsetDateTime now = now();
        List<Reservation> held = reservationsOf(hubOrderId);
        for (Reservation r : held) {
            String line = r.lineId().contains("/") ? r.lineId().substring(0, r.lineId().indexOf('/')) : r.lineId();
            Integer qty = shipped.get(line);
            if (qty == null) {
                continue;
            }
            int perUnit = r.qty() / Math.max(1, unshipped.getOrDefault(line, 0));
            int units = Math.min(r.qty(), perUnit * qty);
            if (units <= 0) {
                continue;
            }
            int updated = jdbc.sql("UPDATE stock SET on_hand = on_hand - :units, reserved = reserved - :units, updated_at = :now "
                            + "WHERE sku = :sku AND location = :location AND reserved >= :units AND on_hand >= :units")
                    .param("units", units).param("now", now).param("sku", r.sku()).param("location", r.location()).update();
            if (updated != 1) {
                throw new IllegalStateException("stock " + r.sku() + " at " + r.location() + " does not hold the " + units
                        + " units reserved for " + hubOrderId);
            }
            jdbc.sql(units == r.qty()
                            ? "DELETE FROM reservations WHERE hub_order_id = :order AND line_id = :line"
                            : "UPDATE reservations SET qty = qty - :units WHERE hub_order_id = :order AND line_id = :line")
                    .param("order", hubOrderId).param("line", r.lineId()).param("units", units).update();
            recordMovement(r.sku(), r.location(), "SHIP", -units, -units, null, hubOrderId, "shipment", now);
            consumed.add(new Reservation(hubOrderId, r.lineId(), r.sku(), r.location(), units));
        }
        announce(consumed, "SHIP");
        return consumed;
    }

    /** Releases everything held for an order (cancel, backorder). Returns what was released. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Reservation> release(String hubOrderId, String reason) {
        List<Reservation> held = reservationsOf(hubOrderId);
        OffsetDateTime now = now();
        held.sort(Comparator.comparing(Reservation::sku).thenComparing(Reservation::location));
        for (Reservation r : held) {
            jdbc.sql("UPDATE stock SET reserved = reserved - :qty, updated_at = :now WHERE sku = :sku AND location = :location")
                    .param("qty", r.qty()).param("now", now).param("sku", r.sku()).param("location", r.location())
                    .update();
            recordMovement(r.sku(), r.location(), "RELEASE", 0, -r.qty(), reason, hubOrderId, "order", now);
        }
        jdbc.sql("DELETE FROM reservations WHERE hub_order_id = :order").param("order", hubOrderId).update();
        return held;
    }

    @Transactional(readOnly = true)
    public List<Reservation> reservationsOf(String hubOrderId) {
        return new ArrayList<>(jdbc.sql("SELECT hub_order_id, line_id, sku, location, qty FROM reservations "
                        + "WHERE hub_order_id = :order ORDER BY sku, location, line_id")
                .param("order", hubOrderId)
                .query((rs, n) -> new Reservation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5)))
                .list());
    }

    /**
     * Sets the absolute on-hand count (cycle count, ERP feed). A count below what is reserved
     * is accepted: the shelf is the truth. Whole orders with the latest ship-by are released
     * until available is back at zero or above; {@link ReservationsReleased} tells the order
     * feature, which backorders them.
     */
    @Transactional
    public StockLevel setOnHand(String sku, String location, long onHand, String reason, String actor) {
        if (onHand < 0) {
            throw new StockInputException("stock " + sku + " at " + location + ": onHand " + onHand + " is negative");
        }
        StockLevel before = lockRow(sku, location);
        return applyCount(before, onHand, "COUNT", reason, actor);
    }

    /** Applies a delta with a reason (receipt, damage, correction, ...). */
    @Transactional
    public StockLevel adjust(String sku, String location, long delta, String reason, String actor) {
        StockLevel before = lockRow(sku, location);
        long onHand = before.onHand() + delta;
        if (onHand < 0) {
            throw new StockInputException("stock " + sku + " at " + location + ": delta " + delta
                    + " would take onHand from " + before.onHand() + " to " + onHand);
        }
        return applyCount(before, onHand, "ADJUST", reason, actor);
    }

    private StockLevel applyCount(StockLevel before, long onHand, String kind, String reason, String actor) {
        String sku = before.sku();
        String location = before.location();
        List<String> released = onHand < before.reserved()
                ? releaseLatestShipBy(sku, location, before.reserved() - onHand)
                : List.of();
        if (!released.isEmpty()) {
            events.publishEvent(new ReservationsReleased(released,
                    "stock " + sku + " at " + location + " counted " + onHand + ", below what was reserved"));
        }
        OffsetDateTime now = now();
        jdbc.sql("UPDATE stock SET on_hand = :onHand, updated_at = :now WHERE sku = :sku AND location = :location")
                .param("onHand", onHand).param("now", now).param("sku", sku).param("location", location)
                .update();
        StockLevel counted = level(sku, location).orElseThrow();
        recordMovement(sku, location, kind, counted.onHand() - before.onHand(), 0, reason, null, actor, now);
        if (counted.available() > before.available()) {
            events.publishEvent(new StockArrived(Set.of(sku)));
        }
        StockLevel after = level(sku, location).orElseThrow();
        stockChanged(after, kind);
        return after;
    }

    /** Releases whole orders, latest ship-by first (no ship-by counts as latest), until {@code excess} is freed. */
    private List<String> releaseLatestShipBy(String sku, String location, long excess) {
        List<Map.Entry<String, Integer>> candidates = jdbc.sql(
                        "SELECT hub_order_id, SUM(qty) FROM reservations WHERE sku = :sku AND location = :location "
                                + "GROUP BY hub_order_id ORDER BY MAX(ship_by) DESC NULLS FIRST, hub_order_id DESC")
                .param("sku", sku).param("location", location)
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2)))
                .list();
        List<String> released = new ArrayList<>();
        long freed = 0;
        for (Map.Entry<String, Integer> candidate : candidates) {
            if (freed >= excess) {
                break;
            }
            for (Reservation r : release(candidate.getKey(), "count below reservations")) {
                if (!(r.sku().equals(sku) && r.location().equals(location))) {
                    level(r.sku(), r.location()).ifPresent(level -> stockChanged(level, "RELEASE"));
                }
            }
            freed += candidate.getValue();
            released.add(candidate.getKey());
        }
        return released;
    }

    /** Creates the row if the sku is new at this location, then locks it for this transaction. */
    private StockLevel lockRow(String sku, String location) {
        if (jdbc.sql("SELECT COUNT(*) FROM bundle_components WHERE bundle_sku = :sku").param("sku", sku)
                .query(Long.class).single() > 0) {
            throw new StockInputException("stock " + sku + ": is a bundle; set the stock of its components");
        }
        jdbc.sql("INSERT INTO stock (sku, location, on_hand, reserved, updated_at) VALUES (:sku, :location, 0, 0, :now) "
                        + "ON CONFLICT DO NOTHING")
                .param("sku", sku).param("location", location).param("now", now())
                .update();
        return jdbc.sql("SELECT sku, location, on_hand, reserved FROM stock WHERE sku = :sku AND location = :location FOR UPDATE")
                .param("sku", sku).param("location", location)
                .query(StockLedger::mapLevel).single();
    }

    @Transactional(readOnly = true)
    public Optional<StockLevel> level(String sku, String location) {
        return jdbc.sql("SELECT sku, location, on_hand, reserved FROM stock WHERE sku = :sku AND location = :location")
                .param("sku", sku).param("location", location)
                .query(StockLedger::mapLevel).optional();
    }

    /** Every location that holds (or held) this sku, in location order. Empty when the sku is unknown. */
    @Transactional(readOnly = true)
    public List<StockLevel> levels(String sku) {
        return jdbc.sql("SELECT sku, location, on_hand, reserved FROM stock WHERE sku = :sku ORDER BY location")
                .param("sku", sku)
                .query(StockLedger::mapLevel).list();
    }

    /** One change to stock, as the history shows it. */
    public record Movement(long id, String location, String kind, long onHandDelta, long reservedDelta, long onHandAfter,
                           long reservedAfter, String reason, String reference, String actor, java.time.Instant at) {
    }

    /** The history of a sku, oldest first, after movement {@code afterId}. */
    @Transactional(readOnly = true)
    public List<Movement> history(String sku, long afterId, int limit) {
        return jdbc.sql("SELECT id, location, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, "
                        + "reference, actor, at FROM stock_movements WHERE sku = :sku AND id > :after ORDER BY id LIMIT :limit")
                .param("sku", sku).param("after", afterId).param("limit", limit)
                .query((rs, n) -> new Movement(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10),
                        rs.getObject(11, OffsetDateTime.class).toInstant()))
                .list();
    }

    /** The latest movements of a sku, newest first. */
    @Transactional(readOnly = true)
    public List<Movement> latestHistory(String sku, int limit) {
        return jdbc.sql("SELECT id, location, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, "
                        + "reference, actor, at FROM stock_movements WHERE sku = :sku ORDER BY id DESC LIMIT :limit")
                .param("sku", sku).param("limit", limit)
                .query((rs, n) -> new Movement(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10),
                        rs.getObject(11, OffsetDateTime.class).toInstant()))
                .list();
    }

    /**
     * Retention: deletes stock movements (the history) recorded before {@code before}, in
     * batches. The stock itself is untouched. Returns how many.
     */
    public int deleteMovementsBefore(Instant before) {
        int deleted = 0;
        int batch;
        do {
            batch = jdbc.sql("DELETE FROM stock_movements WHERE id IN (SELECT id FROM stock_movements WHERE at < :before "
                            + "ORDER BY at LIMIT 10000)")
                    .param("before", before.atOffset(ZoneOffset.UTC))
                    .update();
            deleted += batch;
        } while (batch == 10000);
        return deleted;
    }

    /** How much of the assortment is at or near zero: skus by available units summed over locations. */
    public record Health(long skus, long atZero, long nearZero, List<String> atZeroSample, List<String> nearZeroSample) {
    }

    /** Skus with nothing available, and with at most {@code nearZero} available (but some). */
    @Transactional(readOnly = true)
    public Health health(long nearZero, int sample) {
        String perSku = "SELECT sku, SUM(on_hand - reserved) AS available FROM stock GROUP BY sku";
        Map<String, Object> counts = jdbc.sql("SELECT COUNT(*) AS skus, SUM(CASE WHEN available <= 0 THEN 1 ELSE 0 END) AS zero, "
                        + "SUM(CASE WHEN available > 0 AND available <= :near THEN 1 ELSE 0 END) AS near FROM (" + perSku + ") a")
                .param("near", nearZero).query().singleRow();
        List<String> zero = jdbc.sql("SELECT sku FROM (" + perSku + ") a WHERE available <= 0 ORDER BY sku LIMIT :n")
                .param("n", sample).query(String.class).list();
        List<String> near = jdbc.sql("SELECT sku FROM (" + perSku + ") a WHERE available > 0 AND available <= :near "
                        + "ORDER BY available, sku LIMIT :n")
                .param("near", nearZero).param("n", sample).query(String.class).list();
        return new Health(number(counts.get("skus")), number(counts.get("zero")), number(counts.get("near")), zero, near);
    }

    /** Skus starting with {@code prefix} (all when empty), after {@code after} in sku order. */
    @Transactional(readOnly = true)
    public List<String> skus(String prefix, String after, int limit) {
        return jdbc.sql("SELECT DISTINCT sku FROM stock WHERE sku LIKE :prefix ESCAPE '!' AND sku > :after ORDER BY sku LIMIT :limit")
                .param("prefix", (prefix == null ? "" : prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_")) + "%")
                .param("after", after == null ? "" : after).param("limit", limit).query(String.class).list();
    }

    /** The reservations held on a sku (all locations), oldest first. */
    @Transactional(readOnly = true)
    public List<Reservation> reservationsOfSku(String sku, int limit) {
        return jdbc.sql("SELECT hub_order_id, line_id, sku, location, qty FROM reservations WHERE sku = :sku "
                        + "ORDER BY reserved_at, hub_order_id LIMIT :limit")
                .param("sku", sku).param("limit", limit)
                .query((rs, n) -> new Reservation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)))
                .list();
    }

    /** A position in a sku's reservations (oldest first, then by order, location and line): the last one of a page. */
    public record ReservationKey(Instant reservedAt, String hubOrderId, String location, String lineId) {
    }

    /** A page of a sku's reservations and each one's position ({@code keys.get(i)} is that of {@code items.get(i)}). */
    public record ReservationPage(List<Reservation> items, List<ReservationKey> keys) {
    }

    /** The reservations held on a sku after {@code after} (from the oldest when null), at most {@code limit}. */
    @Transactional(readOnly = true)
    public ReservationPage reservationsOfSku(String sku, ReservationKey after, int limit) {
        List<ReservationKey> keys = new ArrayList<>();
        var query = jdbc.sql("SELECT hub_order_id, line_id, sku, location, qty, reserved_at FROM reservations WHERE sku = :sku "
                        + (after == null ? "" : "AND (reserved_at > :at OR (reserved_at = :at AND (hub_order_id > :order "
                        + "OR (hub_order_id = :order AND (location > :location OR (location = :location AND line_id > :line)))))) ")
                        + "ORDER BY reserved_at, hub_order_id, location, line_id LIMIT :limit")
                .param("sku", sku).param("limit", limit);
        if (after != null) {
            query = query.param("at", after.reservedAt().atOffset(ZoneOffset.UTC)).param("order", after.hubOrderId())
                    .param("location", after.location()).param("line", after.lineId());
        }
        List<Reservation> items = query.query((rs, n) -> {
            Reservation reservation = new Reservation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5));
            keys.add(new ReservationKey(rs.getObject(6, OffsetDateTime.class).toInstant(), reservation.hubOrderId(),
                    reservation.location(), reservation.lineId()));
            return reservation;
        }).list();
        return new ReservationPage(items, keys);
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** Every sku that has stock at some location. */
    @Transactional(readOnly = true)
    public List<String> stockedSkus() {
        return jdbc.sql("SELECT DISTINCT sku FROM stock ORDER BY sku").query(String.class).list();
    }

    /** Publishes stock.changed for each (sku, location) a reservation change touched. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void announce(Collection<Reservation> changed, String cause) {
        Map<String, Reservation> distinct = new LinkedHashMap<>();
        changed.forEach(r -> distinct.putIfAbsent(r.sku() + '\u0000' + r.location(), r));
        distinct.values().forEach(r -> level(r.sku(), r.location()).ifPresent(level -> stockChanged(level, cause)));
    }

    void stockChanged(StockLevel level, String cause) {
        outbox.append(EventTypes.STOCK_CHANGED, level.sku(), new StockChanged(level.sku(), level.location(),
                level.onHand(), level.reserved(), level.available(), cause));
    }

    private void recordMovement(String sku, String location, String kind, long onHandDelta, long reservedDelta,
                                String reason, String reference, String actor, OffsetDateTime at) {
        jdbc.sql("INSERT INTO stock_movements (sku, location, kind, on_hand_delta, reserved_delta, on_hand_after, "
                        + "reserved_after, reason, reference, actor, at) "
                        + "SELECT sku, location, :kind, :onHandDelta, :reservedDelta, on_hand, reserved, :reason, :reference, "
                        + ":actor, :at FROM stock WHERE sku = :sku AND location = :location")
                .param("kind", kind).param("onHandDelta", onHandDelta).param("reservedDelta", reservedDelta)
                .param("reason", reason).param("reference", reference).param("actor", actor).param("at", at)
                .param("sku", sku).param("location", location)
                .update();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static StockLevel mapLevel(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new StockLevel(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4));
    }

    /** Payload of the stock.changed event. */
    public record StockChanged(String sku, String location, long onHand, long reserved, long available, String cause) {
    }
}

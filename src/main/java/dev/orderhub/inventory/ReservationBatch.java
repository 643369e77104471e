package dev.orderhub.inventory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Reservations for many orders in one transaction, with a handful of statements instead of
 * several per order line. {@link StockLedger#openBatch} locks and reads every stock row the
 * batch can touch, in (sku, location) order; reservations are then decided against those
 * locked figures in memory, order by order (whole order or nothing, each line at the first
 * location of the channel that can hold it); {@link #flush} writes them as batched statements.
 * {@link StockLedger#reserveAll} is a batch of one order. The
 * conditional UPDATE stays as a guard: if a row did not hold what was read, the flush fails
 * and the transaction rolls back.
 */
public final class ReservationBatch {

    private final NamedParameterJdbcTemplate jdbc;
    private final StockLedger ledger;
    private final OffsetDateTime now;
    private final Set<String> bundles;
    /** Locked rows by sku then location: {onHand, reserved} as this batch leaves them. */
    private final Map<String, Map<String, long[]>> rows;
    private final Map<String, long[]> reservedBefore = new LinkedHashMap<>();
    private final List<MapSqlParameterSource> reservations = new ArrayList<>();
    private final List<MapSqlParameterSource> movements = new ArrayList<>();

    ReservationBatch(NamedParameterJdbcTemplate jdbc, StockLedger ledger, OffsetDateTime now, Set<String> bundles,
                     Map<String, Map<String, long[]>> rows) {
        this.jdbc = jdbc;
        this.ledger = ledger;
        this.now = now;
        this.bundles = bundles;
        this.rows = rows;
    }

    /** Whether the hub knows the sku: it has a stock row at some location or is a bundle. */
    public boolean knows(String sku) {
        return rows.containsKey(sku) || bundles.contains(sku);
    }

    /** What a location still has of a sku as this batch leaves it (on hand less reserved); 0 where it has no row. */
    public long available(String sku, String location) {
        long[] row = row(sku, location);
        return row == null ? 0 : row[0] - row[1];
    }

    /**
     * Takes into account reservations the caller released in this transaction after the batch
     * read its rows (routing: an order's old reservations give way to the chosen locations').
     */
    public void released(java.util.Collection<Reservation> released) {
        for (Reservation r : released) {
            long[] row = row(r.sku(), r.location());
            if (row != null) {
                row[1] -= r.qty();
            }
        }
    }

    /** Reserves every line or none, against what earlier orders of this batch left. */
    public ReservationOutcome reserve(String hubOrderId, Instant shipBy, List<LineToReserve> lines, List<String> locations) {
        List<LineToReserve> ordered = new ArrayList<>(lines);
        ordered.sort(Comparator.comparing(LineToReserve::sku).thenComparing(LineToReserve::lineId));
        List<Reservation> held = new ArrayList<>();
        Map<String, Long> taken = new LinkedHashMap<>(); // this order's own earlier lines, by sku + location
        for (LineToReserve line : ordered) {
            Optional<String> at = locations.stream().filter(location -> {
                long[] row = row(line.sku(), location);
                long already = taken.getOrDefault(line.sku() + '\u0000' + location, 0L);
                return row != null && row[0] - row[1] - already >= line.qty();
            }).findFirst();
            if (at.isEmpty()) {
                return new ReservationOutcome(List.of(), line.sku());
            }
            taken.merge(line.sku() + '\u0000' + at.get(), (long) line.qty(), Long::sum);
            held.add(new Reservation(hubOrderId, line.lineId(), line.sku(), at.get(), line.qty()));
        }
        OffsetDateTime ship = shipBy == null ? null : shipBy.atOffset(ZoneOffset.UTC);
        for (Reservation r : held) {
            long[] row = row(r.sku(), r.location());
            reservedBefore.putIfAbsent(r.sku() + '\u0000' + r.location(), new long[] {row[1]});
            row[1] += r.qty();
            reservations.add(new MapSqlParameterSource().addValue("order", hubOrderId).addValue("line", r.lineId())
                    .addValue("sku", r.sku()).addValue("location", r.location()).addValue("qty", r.qty())
                    .addValue("shipBy", ship).addValue("now", now));
            movements.add(new MapSqlParameterSource().addValue("sku", r.sku()).addValue("location", r.location())
                    .addValue("kind", "RESERVE").addValue("onHandDelta", 0).addValue("reservedDelta", r.qty())
                    .addValue("onHandAfter", row[0]).addValue("reservedAfter", row[1]).addValue("reason", null)
                    .addValue("reference", hubOrderId).addValue("actor", "order").addValue("at", now));
        }
        return new ReservationOutcome(held, null);
    }

    /**
     * Writes what {@link #reserve} decided: one batched UPDATE per touched row (guarded), the
     * reservations and the movements, then one stock.changed per touched row with its final figures.
     */
    public void flush() {
        if (reservations.isEmpty()) {
            return;
        }
        List<MapSqlParameterSource> updates = new ArrayList<>();
        reservedBefore.forEach((key, before) -> {
            String[] parts = key.split("\u0000", 2);
            long[] row = row(parts[0], parts[1]);
            updates.add(new MapSqlParameterSource().addValue("sku", parts[0]).addValue("location", parts[1])
                    .addValue("delta", row[1] - before[0]).addValue("now", now));
        });
        int[] updated = jdbc.batchUpdate("UPDATE stock SET reserved = reserved + :delta, updated_at = :now "
                + "WHERE sku = :sku AND location = :location AND on_hand - reserved >= :delta",
                updates.toArray(MapSqlParameterSource[]::new));
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] == 0) {
                throw new IllegalStateException("stock " + updates.get(i).getValue("sku") + " at "
                        + updates.get(i).getValue("location") + " changed under its lock; the batch is rolled back");
            }
        }
        jdbc.batchUpdate("INSERT INTO reservations (hub_order_id, line_id, sku, location, qty, ship_by, reserved_at) "
                + "VALUES (:order, :line, :sku, :location, :qty, :shipBy, :now)", reservations.toArray(MapSqlParameterSource[]::new));
        jdbc.batchUpdate("INSERT INTO stock_movements (sku, location, kind, on_hand_delta, reserved_delta, on_hand_after, "
                + "reserved_after, reason, reference, actor, at) VALUES (:sku, :location, :kind, :onHandDelta, :reservedDelta, "
                + ":onHandAfter, :reservedAfter, :reason, :reference, :actor, :at)", movements.toArray(MapSqlParameterSource[]::new));
        reservedBefore.keySet().forEach(key -> {
            String[] parts = key.split("\u0000", 2);
            long[] row = row(parts[0], parts[1]);
            ledger.stockChanged(new StockLevel(parts[0], parts[1], row[0], row[1]), "RESERVE");
        });
        reservations.clear();
        movements.clear();
        reservedBefore.clear();
    }

    private long[] row(String sku, String location) {
        Map<String, long[]> bySku = rows.get(sku);
        return bySku == null ? null : bySku.get(location);
    }
}

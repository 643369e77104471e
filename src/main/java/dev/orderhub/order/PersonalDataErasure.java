package dev.orderhub.order;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Erases the personal data of orders: buyer name and email, ship-to name, street lines, city
 * and postal code. What accounting and KPIs need stays: ids, channel, lines, prices, taxes,
 * totals, dates, statuses, history, shipments, and the address's country and region. The
 * order is marked ({@code personal_data_erased_at}) and its history gets a
 * {@value #EVENT} event. Published outbox events of the order (kept a day for diagnosis) are
 * deleted with it; events not yet published still go out, as downstream systems need them.
 */
@Service
public class PersonalDataErasure {

    public static final String EVENT = "PERSONAL_DATA_ERASED";

    /** Statuses after which the hub expects nothing more that needs the address. */
    public static final List<OrderStatus> FINISHED = List.of(OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.COMPLETED,
            OrderStatus.CANCELLED, OrderStatus.RETURNED, OrderStatus.REFUNDED, OrderStatus.FULFILLED_BY_CHANNEL);

    private final JdbcClient jdbc;
    private final OrderStore store;
    private final Clock clock;

    PersonalDataErasure(JdbcClient jdbc, OrderStore store, Clock clock) {
        this.jdbc = jdbc;
        this.store = store;
        this.clock = clock;
    }

    /**
     * What a buyer's request matched: the orders erased now, those erased before, the ids given
     * that are no order, and the buyer emails the erased orders held (to find other copies).
     */
    public record Matched(List<String> erased, List<String> alreadyErased, List<String> unknown, Set<String> emails) {
    }

    /** Erases, whatever their status, the orders with these ids and those of this buyer email (either may be empty). */
    @Transactional
    public Matched eraseForBuyer(String email, Collection<String> hubOrderIds, String detail) {
        Map<String, Boolean> found = new LinkedHashMap<>();
        Set<String> emails = new LinkedHashSet<>();
        if (email != null) {
            emails.add(email.toLowerCase(Locale.ROOT));
        }
        StringBuilder where = new StringBuilder();
        if (!hubOrderIds.isEmpty()) {
            where.append("hub_order_id IN (:ids)");
        }
        if (email != null) {
            // Case-insensitive: channels differ in how they spell one buyer's address.
            where.append(where.isEmpty() ? "" : " OR ").append("LOWER(buyer_email) = :email");
        }
        JdbcClient.StatementSpec query = jdbc.sql("SELECT hub_order_id, buyer_email, personal_data_erased_at FROM orders WHERE "
                + where + " ORDER BY seq FOR UPDATE");
        if (!hubOrderIds.isEmpty()) {
            query = query.param("ids", List.copyOf(hubOrderIds));
        }
        if (email != null) {
            query = query.param("email", email.toLowerCase(Locale.ROOT));
        }
        query.query((java.sql.ResultSet rs) -> {
            found.put(rs.getString(1), rs.getObject(3) != null);
            if (rs.getString(2) != null) {
                emails.add(rs.getString(2).toLowerCase(Locale.ROOT));
            }
        });
        List<String> erase = found.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        List<String> before = found.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        List<String> unknown = hubOrderIds.stream().filter(id -> !found.containsKey(id)).distinct().toList();
        erase(erase, detail);
        return new Matched(erase, before, unknown, emails);
    }

    /**
     * Erases up to {@code limit} orders of {@code channel} (null: of every channel not in
     * {@code except}) that reached a finished status before {@code before}; returns their ids.
     */
    @Transactional
    public List<String> eraseFinished(String channel, Collection<String> except, Instant before, int limit, String detail) {
        String which = channel != null ? "channel = :channel" : except.isEmpty() ? "1 = 1" : "channel NOT IN (:except)";
        // A finished order changes no more, so its last update is when it was delivered, cancelled
        // (or shipped, where the hub hears of no delivery).
        JdbcClient.StatementSpec query = jdbc.sql("SELECT hub_order_id FROM orders WHERE " + which
                        + " AND personal_data_erased_at IS NULL AND status IN (:finished) AND updated_at < :before "
                        + "ORDER BY updated_at LIMIT :limit FOR UPDATE SKIP LOCKED")
                .param("finished", FINISHED.stream().map(Enum::name).toList())
                .param("before", before.atOffset(ZoneOffset.UTC)).param("limit", limit);
        if (channel != null) {
            query = query.param("channel", channel);
        } else if (!except.isEmpty()) {
            query = query.param("except", List.copyOf(except));
        }
        List<String> due = query.query(String.class).list();
        erase(due, detail);
        return due;
    }

    private void erase(List<String> hubOrderIds, String detail) {
        if (hubOrderIds.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        for (int from = 0; from < hubOrderIds.size(); from += 500) {
            List<String> chunk = hubOrderIds.subList(from, Math.min(hubOrderIds.size(), from + 500));
            jdbc.sql("UPDATE orders SET buyer_name = NULL, buyer_email = NULL, ship_to_name = NULL, ship_to_line1 = NULL, "
                            + "ship_to_line2 = NULL, ship_to_city = NULL, ship_to_postal = NULL, personal_data_erased_at = :now "
                            + "WHERE hub_order_id IN (:ids)")
                    .param("now", now.atOffset(ZoneOffset.UTC)).param("ids", chunk).update();
            jdbc.sql("DELETE FROM outbox WHERE published_at IS NOT NULL AND group_key IN (:ids)").param("ids", chunk).update();
            // A shipping label prints the recipient's name and address; a carrier's tracking text may name who signed.
            jdbc.sql("UPDATE carrier_labels SET pdf = NULL, label_url = NULL WHERE hub_order_id IN (:ids)").param("ids", chunk).update();
            jdbc.sql("UPDATE carrier_tracking_events SET detail = NULL WHERE shipment_id IN "
                    + "(SELECT shipment_id FROM shipments WHERE hub_order_id IN (:ids))").param("ids", chunk).update();
        }
        List<OrderStore.EventRow> events = new ArrayList<>(hubOrderIds.size());
        for (String id : hubOrderIds) {
            events.add(new OrderStore.EventRow(id, EVENT, null, null, detail, now));
        }
        store.appendEvents(events);
    }
}

package dev.orderhub.routing;

import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.fulfilment.Fulfilments;
import dev.orderhub.inventory.Bundles;
import dev.orderhub.inventory.LineToReserve;
import dev.orderhub.inventory.Reservation;
import dev.orderhub.inventory.ReservationBatch;
import dev.orderhub.inventory.ReservationOutcome;
import dev.orderhub.inventory.StockArrived;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.order.CancelledBy;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderLine;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Routes reserved orders by the rules (routes/routing.camel.yaml, one instance per cluster):
 * each order in a transaction of its own, under its lock and with every stock row it could use
 * locked, so two routings side by side never hand out the same unit. The decision is made on
 * those locked figures (what a location has, plus what this order already holds there); an
 * allocation then moves the order's reservations to the chosen location(s) — or, for a
 * fulfilment target's location, routes the whole order there — and a hold puts it in a named
 * queue, where it is decided again on a schedule and when stock arrives. Every decision is
 * stored whole and written into the order's history. {@link #dryRun} decides the same way and
 * rolls everything back.
 */
@Service("routing")
public class Routing {

    private static final Logger LOG = LoggerFactory.getLogger(Routing.class);

    private final RoutingRules rules;
    private final OrderService orders;
    private final StockLedger ledger;
    private final Bundles bundles;
    private final Fulfilments fulfilments;
    private final Connectors connectors;
    private final ChannelRegistry channels;
    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final Duration recheck;
    private final int batch;
    private final int maxRefusals;

    public Routing(RoutingRules rules, OrderService orders, StockLedger ledger, Bundles bundles, Fulfilments fulfilments,
                   Connectors connectors, ChannelRegistry channels, JdbcClient jdbc, ObjectMapper json, Clock clock,
                   PlatformTransactionManager transactions,
                   @Value("${orderhub.routing.queue-recheck:PT5M}") Duration recheck,
                   @Value("${orderhub.routing.batch-size:200}") int batch,
                   @Value("${orderhub.routing.max-refusals:3}") int maxRefusals) {
        this.maxRefusals = maxRefusals;
        this.rules = rules;
        this.orders = orders;
        this.ledger = ledger;
        this.bundles = bundles;
        this.fulfilments = fulfilments;
        this.connectors = connectors;
        this.channels = channels;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactions);
        this.recheck = recheck;
        this.batch = batch;
    }

    /** What one round did. */
    public record Round(int allocated, int held, int failed) {
    }

    /** Routes the reserved orders no rule has decided yet, then the queued ones that are due. */
    public Round routeDue() {
        if (rules.current().isEmpty()) {
            return new Round(0, 0, 0);
        }
        List<String> due = new ArrayList<>(unrouted(batch));
        due.addAll(queuedDue(batch));
        int allocated = 0;
        int held = 0;
        int failed = 0;
        for (String id : due) {
            try {
                Optional<Decision> decision = route(id, Set.of());
                if (decision.isPresent()) {
                    if (decision.get().outcome().allocated()) {
                        allocated++;
                    } else {
                        held++;
                    }
                }
            } catch (RuntimeException e) {
                failed++;
                LOG.warn("routing: order {} not routed this round ({}); tried again next round", id, e.getMessage());
                later(id);
            }
        }
        cancelExpired();
        return new Round(allocated, held, failed);
    }

    /** RESERVED, seller-fulfilled orders of channels without a fixed fulfilment target that no rule has decided. */
    List<String> unrouted(int limit) {
        List<String> ruled = channels.channels().stream().filter(c -> c.fulfilmentTarget() == null).map(Channel::id).toList();
        if (ruled.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SELECT o.hub_order_id FROM orders o WHERE o.status = 'RESERVED' AND o.fulfilment_mode = 'MERCHANT' "
                        + "AND o.channel IN (:channels) "
                        + "AND NOT EXISTS (SELECT 1 FROM routing_decisions d WHERE d.hub_order_id = o.hub_order_id) "
                        + "AND NOT EXISTS (SELECT 1 FROM fulfilments f WHERE f.hub_order_id = o.hub_order_id) "
                        + "ORDER BY o.seq FETCH FIRST :limit ROWS ONLY")
                .param("channels", ruled).param("limit", limit).query(String.class).list();
    }

    List<String> queuedDue(int limit) {
        return jdbc.sql("SELECT hub_order_id FROM routing_queue WHERE next_check_at <= :now ORDER BY next_check_at "
                        + "FETCH FIRST :limit ROWS ONLY")
                .param("now", utc(clock.instant())).param("limit", limit).query(String.class).list();
    }

    private void later(String hubOrderId) {
        jdbc.sql("UPDATE routing_queue SET next_check_at = :next WHERE hub_order_id = :id")
                .param("next", utc(clock.instant().plus(recheck))).param("id", hubOrderId).update();
    }

    /**
     * Decides and carries out the decision for one order (a RESERVED one; anything else is left
     * alone and answers empty). {@code excluded}: locations that refused it.
     */
    public Optional<Decision> route(String hubOrderId, Set<String> excluded) {
        RuleSet ruleSet = rules.current().orElseThrow(() -> new IllegalStateException("no routing rules are in force"));
        return Optional.ofNullable(tx.execute(status -> {
            if (orders.lockForUpdate(hubOrderId) != OrderStatus.RESERVED) {
                jdbc.sql("DELETE FROM routing_queue WHERE hub_order_id = :id").param("id", hubOrderId).update();
                return null;
            }
            Order order = orders.find(hubOrderId).orElseThrow();
            Set<String> without = new LinkedHashSet<>(excluded);
            without.addAll(refusedAt(hubOrderId));
            Evaluated evaluated = evaluate(ruleSet, order, without);
            carryOut(order, evaluated);
            return evaluated.decision();
        }));
    }

    /** Decides as {@link #route} would for the order now, and changes nothing. */
    public Decision dryRun(String hubOrderId) {
        return dryRun(hubOrderId, rules.current().orElseThrow(() -> new NoRules()));
    }

    /** Decides for the order now by these rules (a draft, or those in force), and changes nothing. */
    public Decision dryRun(String hubOrderId, RuleSet ruleSet) {
        return tx.execute(status -> {
            status.setRollbackOnly();
            orders.lockForUpdate(hubOrderId);
            Order order = orders.find(hubOrderId).orElseThrow();
            return evaluate(ruleSet, order, Set.of()).decision();
        });
    }

    /** Decides for an order that is not in the hub (as the API's dry run posts it), against the stock now. */
    public Decision dryRun(RoutingOrder order, RuleSet with) {
        RuleSet ruleSet = with != null ? with : rules.current().orElseThrow(() -> new NoRules());
        return tx.execute(status -> {
            status.setRollbackOnly();
            List<OrderLine> lines = order.lines().stream().map(l -> new OrderLine(l.lineId(), l.sku(), l.qty(), l.unitPrice(),
                    java.math.BigDecimal.ZERO)).toList();
            return evaluate(ruleSet, order, lines, List.of(), Set.of()).decision();
        });
    }

    /** No rules are in force: nothing can be decided. */
    public static final class NoRules extends RuntimeException {
        public NoRules() {
            super("no routing rules are in force (config/rules.yaml is missing or has never been valid)");
        }
    }

    private record Evaluated(Decision decision, ReservationBatch batch, List<Reservation> own, Map<String, String> targets) {
    }

    private Evaluated evaluate(RuleSet ruleSet, Order order, Set<String> excluded) {
        return evaluate(ruleSet, RoutingOrder.of(order), order.lines(), ledger.reservationsOf(order.hubOrderId()), excluded);
    }

    private Evaluated evaluate(RuleSet ruleSet, RoutingOrder order, List<OrderLine> lines, List<Reservation> own,
                               Set<String> excluded) {
        List<String> skus = lines.stream().map(OrderLine::sku).distinct().toList();
        Map<String, List<Bundles.Component>> parts = bundles.componentsOf(skus);
        Set<String> all = new LinkedHashSet<>(skus);
        parts.values().forEach(cs -> cs.forEach(c -> all.add(c.sku())));
        ReservationBatch locked = ledger.openBatch(all, parts.keySet());
        Map<String, Long> mine = new LinkedHashMap<>();
        own.forEach(r -> mine.merge(r.sku() + '\u0000' + r.location(), (long) r.qty(), Long::sum));
        Router.Stock plain = (sku, location) -> locked.available(sku, location) + mine.getOrDefault(sku + '\u0000' + location, 0L);
        Router.Stock stock = (sku, location) -> {
            List<Bundles.Component> components = parts.get(sku);
            if (components == null) {
                return plain.available(sku, location);
            }
            long kits = Long.MAX_VALUE;
            for (Bundles.Component c : components) {
                kits = Math.min(kits, plain.available(c.sku(), location) / c.qty());
            }
            return kits;
        };
        Map<String, String> targets = new LinkedHashMap<>();
        for (FulfilmentService target : connectors.fulfilmentTargets()) {
            if (target.enabled()) {
                targets.put(target.location(), target.target());
            }
        }
        List<String> channelLocations = channels.channel(order.channel()).map(Channel::locations).orElse(List.of());
        Decision decision = Router.decide(ruleSet.forChannel(channelLocations), order, rules.locationKinds(), stock, this::routedOn,
                clock.instant(), excluded, targets.keySet());
        return new Evaluated(decision, locked, own, targets);
    }

    private long routedOn(String location, LocalDate day) {
        ZoneId zone = rules.current().map(r -> r.locations().getOrDefault(location, RuleSet.LocationRules.NONE).zone())
                .orElse(ZoneOffset.UTC);
        return jdbc.sql("SELECT COUNT(*) FROM routing_allocations WHERE location = :location AND decided_at >= :from "
                        + "AND decided_at < :to")
                .param("location", location).param("from", utc(day.atStartOfDay(zone).toInstant()))
                .param("to", utc(day.plusDays(1).atStartOfDay(zone).toInstant())).query(Long.class).single();
    }

    private void carryOut(Order order, Evaluated evaluated) {
        Decision decision = evaluated.decision();
        Decision.Outcome outcome = decision.outcome();
        String id = order.hubOrderId();
        Instant now = clock.instant();
        if (outcome.allocated()) {
            List<Decision.Part> parts = outcome.parts();
            String target = parts.size() == 1 ? evaluated.targets().get(parts.get(0).location()) : null;
            if (target != null) {
                fulfilments.route(id, target); // moves the reservations to the target's stock, ROUTED
            } else {
                List<Reservation> released = ledger.release(id, "routed by rule " + outcome.rule());
                evaluated.batch().released(released);
                Map<String, OrderLine> byId = new LinkedHashMap<>();
                order.lines().forEach(l -> byId.put(l.lineId(), l));
                for (Decision.Part part : parts) {
                    List<LineToReserve> toReserve = orders.linesToReserve(part.lineIds().stream().map(byId::get).toList());
                    ReservationOutcome reserved = evaluated.batch().reserve(id, order.shipBy(), toReserve, List.of(part.location()));
                    if (!reserved.reserved()) {
                        throw new IllegalStateException("order " + id + ": " + part.location() + " no longer holds "
                                + reserved.shortSku() + "; rolled back, decided again next round");
                    }
                }
                evaluated.batch().flush();
                ledger.announce(released, "RELEASE");
            }
            jdbc.sql("DELETE FROM routing_allocations WHERE hub_order_id = :id").param("id", id).update();
            for (Decision.Part part : parts) {
                jdbc.sql("INSERT INTO routing_allocations (hub_order_id, location, decided_at) VALUES (:id, :location, :now)")
                        .param("id", id).param("location", part.location()).param("now", utc(now)).update();
            }
            jdbc.sql("DELETE FROM routing_queue WHERE hub_order_id = :id").param("id", id).update();
            orders.note(id, "ROUTING", "rule " + outcome.rule() + " (rules v" + decision.ruleSetVersion() + "): "
                    + String.join(" + ", parts.stream().map(p -> p.location() + " " + p.lineIds()).toList())
                    + (target != null ? ", sent to " + target : ""));
        } else {
            RuleSet.Hold hold = holdOf(outcome);
            Optional<Queued> before = queuedOrder(id);
            if (before.isEmpty()) {
                jdbc.sql("INSERT INTO routing_queue (hub_order_id, queue, reason, rule_id, since, next_check_at, auto_cancel_at) "
                                + "VALUES (:id, :queue, :reason, :rule, :now, :next, :cancel)")
                        .param("id", id).param("queue", outcome.queue()).param("reason", outcome.reason())
                        .param("rule", outcome.rule()).param("now", utc(now)).param("next", utc(now.plus(recheck)))
                        .param("cancel", hold == null || hold.autoCancelAfter() == null ? null : utc(now.plus(hold.autoCancelAfter())))
                        .update();
            } else {
                jdbc.sql("UPDATE routing_queue SET queue = :queue, reason = :reason, rule_id = :rule, next_check_at = :next "
                                + "WHERE hub_order_id = :id")
                        .param("queue", outcome.queue()).param("reason", outcome.reason()).param("rule", outcome.rule())
                        .param("next", utc(now.plus(recheck))).param("id", id).update();
                if (before.get().queue().equals(outcome.queue()) && before.get().rule().equals(outcome.rule())) {
                    return; // still waiting where it was: nothing new to record
                }
            }
            orders.note(id, "ROUTING", "rule " + outcome.rule() + " (rules v" + decision.ruleSetVersion() + "): held in queue "
                    + outcome.queue() + ": " + outcome.reason());
        }
        store(id, decision);
    }

    private RuleSet.Hold holdOf(Decision.Outcome outcome) {
        return rules.current().flatMap(r -> r.rules().stream().filter(rule -> rule.id().equals(outcome.rule())).findFirst())
                .map(rule -> rule.hold() != null ? rule.hold() : rule.otherwise()).orElse(null);
    }

    private void store(String hubOrderId, Decision decision) {
        String text;
        try {
            text = json.writeValueAsString(decision);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("routing decision of " + hubOrderId + " cannot be written", e);
        }
        Decision.Outcome o = decision.outcome();
        String locations = o.parts().isEmpty() ? null : String.join(",", o.parts().stream().map(Decision.Part::location).toList());
        jdbc.sql("INSERT INTO routing_decisions (hub_order_id, ruleset_version, ruleset_hash, rule_id, outcome, locations, queue, "
                        + "decision, decided_at) VALUES (:id, :version, :hash, :rule, :outcome, :locations, :queue, :decision, :at)")
                .param("id", hubOrderId).param("version", decision.ruleSetVersion()).param("hash", decision.ruleSetHash())
                .param("rule", o.rule()).param("outcome", o.kind()).param("locations", locations).param("queue", o.queue())
                .param("decision", text).param("at", utc(decision.decidedAt())).update();
    }

    /** The decisions made for an order, oldest first. */
    public List<Decision> decisions(String hubOrderId) {
        return jdbc.sql("SELECT decision FROM routing_decisions WHERE hub_order_id = :id ORDER BY id").param("id", hubOrderId)
                .query(String.class).list().stream().map(this::read).toList();
    }

    private Decision read(String text) {
        try {
            return json.readValue(text, Decision.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored routing decision cannot be read", e);
        }
    }

    /** An order waiting in a queue. */
    public record Queued(String hubOrderId, String queue, String reason, String rule, Instant since, Instant nextCheckAt,
                         Instant autoCancelAt) {
    }

    private static final String QUEUED = "SELECT hub_order_id, queue, reason, rule_id, since, next_check_at, auto_cancel_at "
            + "FROM routing_queue ";

    private static Queued queued(ResultSet rs, int row) throws java.sql.SQLException {
        return new Queued(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5), instant(rs, 6),
                instant(rs, 7));
    }

    public Optional<Queued> queuedOrder(String hubOrderId) {
        return jdbc.sql(QUEUED + "WHERE hub_order_id = :id").param("id", hubOrderId)
                .query(Routing::queued).optional();
    }

    /** Queued orders by order id, after {@code after} (null: from the first). */
    public List<Queued> queuedAfter(String queue, String after, int limit) {
        Map<String, Object> params = new LinkedHashMap<>();
        StringBuilder sql = new StringBuilder(QUEUED + "WHERE 1 = 1");
        if (queue != null) {
            sql.append(" AND queue = :queue");
            params.put("queue", queue);
        }
        if (after != null) {
            sql.append(" AND hub_order_id > :after");
            params.put("after", after);
        }
        sql.append(" ORDER BY hub_order_id FETCH FIRST :limit ROWS ONLY");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params)
                .query(Routing::queued).list();
    }

    public List<Queued> queued(String queue, int limit) {
        return jdbc.sql(QUEUED + (queue == null ? "" : "WHERE queue = :queue ") + "ORDER BY since, hub_order_id FETCH FIRST :limit ROWS ONLY")
                .params(queue == null ? Map.of("limit", limit) : Map.of("queue", queue, "limit", limit))
                .query(Routing::queued).list();
    }

    /** The locations that refused this order. */
    public Set<String> refusedAt(String hubOrderId) {
        return new LinkedHashSet<>(jdbc.sql("SELECT location FROM routing_refusals WHERE hub_order_id = :id ORDER BY refused_at")
                .param("id", hubOrderId).query(String.class).list());
    }

    /**
     * A fulfilment target refused an order the rules sent it (or ended it unshipped): the order
     * comes back, and is decided again without that location — the matched rule's other
     * locations, else its otherwise — up to {@code orderhub.routing.max-refusals} times; after
     * that it waits in queue {@code refused} for a person.
     */
    @EventListener
    public void onFulfilmentRefused(dev.orderhub.fulfilment.FulfilmentRefused refused) {
        String id = refused.hubOrderId();
        if (rules.current().isEmpty() || jdbc.sql("SELECT COUNT(*) FROM routing_decisions WHERE hub_order_id = :id")
                .param("id", id).query(Long.class).single() == 0) {
            return; // not routed by the rules: a person routes it, as before
        }
        tx.executeWithoutResult(s -> {
            OrderStatus status = orders.status(id).orElse(null);
            if (status == OrderStatus.ROUTED || status == OrderStatus.SENT_TO_FULFILMENT) {
                orders.returnedFromFulfilment(id, refused.target() + " refused it: " + refused.reason());
            }
            fulfilments.forgetFailed(id);
            jdbc.sql("DELETE FROM routing_allocations WHERE hub_order_id = :id").param("id", id).update();
            if (!refusedAt(id).contains(refused.location())) {
                jdbc.sql("INSERT INTO routing_refusals (hub_order_id, location, target, reason, refused_at) "
                                + "VALUES (:id, :location, :target, :reason, :now)")
                        .param("id", id).param("location", refused.location()).param("target", refused.target())
                        .param("reason", refused.reason() == null ? null : refused.reason().length() > 500
                                ? refused.reason().substring(0, 500) : refused.reason())
                        .param("now", utc(clock.instant())).update();
            }
        });
        Set<String> refusedAt = refusedAt(id);
        if (refusedAt.size() > maxRefusals) {
            tx.executeWithoutResult(s -> {
                jdbc.sql("DELETE FROM routing_queue WHERE hub_order_id = :id").param("id", id).update();
                jdbc.sql("INSERT INTO routing_queue (hub_order_id, queue, reason, rule_id, since, next_check_at, auto_cancel_at) "
                                + "VALUES (:id, 'refused', :reason, 'refusals', :now, :never, NULL)")
                        .param("id", id).param("reason", "refused by " + refusedAt.size() + " locations: "
                                + String.join(", ", refusedAt)).param("now", utc(clock.instant()))
                        .param("never", utc(clock.instant().plus(Duration.ofDays(3650)))).update();
                orders.note(id, "ROUTING", "refused by " + String.join(", ", refusedAt) + ": held in queue refused for a person");
            });
            return;
        }
        try {
            route(id, Set.of());
        } catch (RuntimeException e) {
            LOG.warn("routing: order {} refused by {} could not be routed again now ({}); the next round tries", id,
                    refused.target(), e.getMessage());
        }
    }

    /** Stock arrived: the queued orders that need one of these skus are decided again at the next round. */
    @EventListener
    public void onStockArrived(StockArrived arrived) {
        if (arrived.skus().isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE routing_queue SET next_check_at = :now WHERE hub_order_id IN (SELECT l.hub_order_id FROM order_lines l "
                        + "WHERE l.sku IN (:skus))")
                .param("now", utc(clock.instant())).param("skus", List.copyOf(arrived.skus())).update();
    }

    /** Orders whose queue deadline passed are cancelled (the queue's autoCancelAfter). */
    void cancelExpired() {
        List<String> expired = jdbc.sql("SELECT hub_order_id FROM routing_queue WHERE auto_cancel_at <= :now")
                .param("now", utc(clock.instant())).query(String.class).list();
        for (String id : expired) {
            try {
                tx.executeWithoutResult(s -> {
                    Queued q = queuedOrder(id).orElse(null);
                    jdbc.sql("DELETE FROM routing_queue WHERE hub_order_id = :id").param("id", id).update();
                    if (q != null) {
                        orders.cancel(id, "waited in queue " + q.queue() + " since " + q.since() + " (" + q.reason()
                                + ") past its deadline", CancelledBy.SELLER);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("routing: order {} past its queue deadline could not be cancelled ({})", id, e.getMessage());
            }
        }
    }

    private static Instant instant(ResultSet rs, int column) throws java.sql.SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

}

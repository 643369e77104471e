package dev.orderhub.order;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.inventory.Bundles;
import dev.orderhub.inventory.LineToReserve;
import dev.orderhub.inventory.Reservation;
import dev.orderhub.inventory.ReservationBatch;
import dev.orderhub.inventory.ReservationOutcome;
import dev.orderhub.inventory.ReservationsReleased;
import dev.orderhub.inventory.StockArrived;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.messaging.EventTypes;
import dev.orderhub.messaging.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The order feature's public service: imports channel orders exactly once, moves orders
 * through the lifecycle, and keeps reservations in step with the status.
 */
@Service
public class OrderService {

    private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);

    /** At most this many backordered orders are tried per stock arrival, in one transaction. */
    private static final int BACKORDER_BATCH = 200;
    /** Orders imported, per channel (a counter). */
    public static final String ORDERS_RECEIVED = "orderhub.orders.received";

    private final OrderStore store;
    private final StockLedger ledger;
    private final Bundles bundles;
    private final ChannelRegistry channels;
    private final Outbox outbox;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final io.micrometer.core.instrument.MeterRegistry meters;

    OrderService(OrderStore store, StockLedger ledger, Bundles bundles, ChannelRegistry channels, Outbox outbox, Clock clock,
                 ApplicationEventPublisher events, io.micrometer.core.instrument.MeterRegistry meters) {
        this.events = events;
        this.meters = meters;
        this.store = store;
        this.ledger = ledger;
        this.bundles = bundles;
        this.channels = channels;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * What intake did with a submission. {@code imported} is false for a repeat, which changes
     * nothing; {@code refused} says why a submission was not taken (then status is null).
     */
    public record IntakeResult(String hubOrderId, OrderStatus status, boolean imported, String refused) {

        static IntakeResult refused(String hubOrderId, String reason) {
            return new IntakeResult(hubOrderId, null, false, reason);
        }
    }

    /**
     * Imports a channel order in one transaction: stores it, reserves its stock whole (or
     * backorders it, or holds it for a person when a sku is unknown) and writes the events
     * to the outbox. A repeat of (channel, channelOrderId) changes nothing. An unknown channel
     * is refused before anything is written, and leaves a surrounding transaction usable.
     */
    @Transactional(noRollbackFor = InvalidOrderException.class)
    public IntakeResult importOrder(OrderSubmission received) {
        IntakeResult result = importOrders(List.of(received), java.util.Collections.singletonList(null)).get(0);
        if (result.refused() != null) {
            throw new InvalidOrderException(result.refused());
        }
        return result;
    }

    /**
     * Imports many channel orders in the caller's transaction (or one of its own), in a
     * handful of statements whatever their number: the orders and their lines in one batch
     * each, every stock row they need locked and read once, reservations decided in order of
     * the list against those figures and written in one batch each, then the status changes
     * and the history. Result i belongs to submission i; a submission for an unknown channel
     * is refused and the rest go on. {@code acceptedAt} holds, per submission, when the intake
     * queue took it (null when not known).
     */
    @Transactional
    public List<IntakeResult> importOrders(List<OrderSubmission> received, List<Instant> acceptedAt) {
        Instant now = clock.instant();
        IntakeResult[] results = new IntakeResult[received.size()];
        List<OrderSubmission> taken = new ArrayList<>();
        List<Channel> takenChannels = new ArrayList<>();
        List<Integer> takenAt = new ArrayList<>();
        List<Instant> takenAccepted = new ArrayList<>();
        for (int i = 0; i < received.size(); i++) {
            OrderSubmission submission = received.get(i);
            Optional<Channel> channel = channels.channel(submission.channel());
            if (channel.isEmpty()) {
                results[i] = IntakeResult.refused(submission.hubOrderId(),
                        "channel: \"" + submission.channel() + "\" is not a configured channel");
                continue;
            }
            taken.add(withHubSkus(channel.get(), submission));
            takenChannels.add(channel.get());
            takenAt.add(i);
            takenAccepted.add(acceptedAt.get(i));
        }
        if (taken.isEmpty()) {
            return List.of(results);
        }
        boolean[] inserted = store.insertAllIfAbsent(taken, takenAccepted, now);

        List<String> repeats = new ArrayList<>();
        Set<String> skus = new LinkedHashSet<>();
        for (int t = 0; t < taken.size(); t++) {
            if (!inserted[t]) {
                repeats.add(taken.get(t).hubOrderId());
            } else if (taken.get(t).fulfilmentMode() != FulfilmentMode.CHANNEL) {
                taken.get(t).lines().forEach(line -> skus.add(line.sku()));
            }
        }
        Map<String, OrderStatus> stored = store.statuses(repeats);
        Map<String, List<Bundles.Component>> bundleParts = bundles.componentsOf(skus);
        Set<String> withParts = new LinkedHashSet<>(skus);
        bundleParts.values().forEach(parts -> parts.forEach(part -> withParts.add(part.sku())));
        ReservationBatch reservations = ledger.openBatch(withParts, bundleParts.keySet());

        List<OrderStore.EventRow> history = new ArrayList<>();
        List<OrderStore.StatusChange> changes = new ArrayList<>();
        for (int t = 0; t < taken.size(); t++) {
            OrderSubmission submission = taken.get(t);
            String id = submission.hubOrderId();
            if (!inserted[t]) {
                results[takenAt.get(t)] = new IntakeResult(id, stored.get(id), false, null);
                continue;
            }
            Channel channel = takenChannels.get(t);
            history.add(new OrderStore.EventRow(id, "RECEIVED", null, OrderStatus.RECEIVED, "from channel " + channel.id(), now));
            OrderStatus status = OrderStatus.RECEIVED;
            String detail = null;
            List<Reservation> held = List.of();
            if (submission.fulfilmentMode() != FulfilmentMode.CHANNEL) {
                Set<String> unknown = new TreeSet<>();
                for (OrderLine line : submission.lines()) {
                    Stream.concat(Stream.of(line.sku()), bundleParts.getOrDefault(line.sku(), List.of()).stream()
                            .map(Bundles.Component::sku)).filter(sku -> !reservations.knows(sku)).forEach(unknown::add);
                }
                if (!unknown.isEmpty()) {
                    status = OrderStatus.ON_HOLD;
                    detail = "unknown sku " + String.join(", ", unknown);
                } else {
                    ReservationOutcome outcome = reservations.reserve(id, submission.shipBy(),
                            toReserve(submission.lines(), bundleParts), channel.locations());
                    status = outcome.reserved() ? OrderStatus.RESERVED : OrderStatus.BACKORDERED;
                    detail = outcome.reserved() ? null : "not enough stock for sku " + outcome.shortSku();
                    held = outcome.reservations();
                }
                if (!OrderLifecycle.allows(OrderStatus.RECEIVED, status, submission.fulfilmentMode())) {
                    throw new IllegalStateException("order " + id + ": the lifecycle does not allow RECEIVED -> " + status);
                }
                changes.add(new OrderStore.StatusChange(id, OrderStatus.RECEIVED, status,
                        status == OrderStatus.ON_HOLD ? detail : null));
                history.add(new OrderStore.EventRow(id, status.name(), OrderStatus.RECEIVED, status, detail, now));
            } else {
                // Recorded, never reserved: the channel ships it from its own stock.
                status = OrderStatus.FULFILLED_BY_CHANNEL;
                changes.add(new OrderStore.StatusChange(id, OrderStatus.RECEIVED, status, null));
                history.add(new OrderStore.EventRow(id, status.name(), OrderStatus.RECEIVED, status,
                        "fulfilled by channel " + channel.id(), now));
            }
            outbox.append(EventTypes.ORDER_RECEIVED, id, new OrderReceived(id, submission.channel(),
                    submission.channelOrderId(), status, submission.fulfilmentMode(), submission.placedAt(),
                    submission.shipBy(), submission.lines()));
            if (status == OrderStatus.RESERVED) {
                outbox.append(EventTypes.ORDER_RESERVED, id, new OrderReserved(id, submission.channel(), held));
            } else if (status == OrderStatus.ON_HOLD) {
                outbox.append(EventTypes.ALERT_RAISED, id, new AlertRaised("order.on_hold", id, detail));
            }
            results[takenAt.get(t)] = new IntakeResult(id, status, true, null);
        }
        reservations.flush();
        if (!changes.isEmpty()) {
            boolean[] applied = store.updateStatuses(changes, now);
            for (int c = 0; c < applied.length; c++) {
                if (!applied[c]) {
                    throw new IllegalStateException("order " + changes.get(c).hubOrderId() + " left RECEIVED while being imported");
                }
            }
        }
        store.appendEvents(history);
        countReceived(taken, inserted);
        return List.of(results);
    }

    /**
     * {@code orderhub.orders.received} per channel: the orders imported (repeats not counted),
     * once their transaction committed, so a batch rolled back and redelivered counts once.
     */
    private void countReceived(List<OrderSubmission> taken, boolean[] inserted) {
        Map<String, Integer> perChannel = new java.util.TreeMap<>();
        for (int t = 0; t < taken.size(); t++) {
            if (inserted[t]) {
                perChannel.merge(taken.get(t).channel(), 1, Integer::sum);
            }
        }
        if (perChannel.isEmpty()) {
            return;
        }
        Runnable count = () -> perChannel.forEach((channel, n) -> meters.counter(ORDERS_RECEIVED, "channel", channel).increment(n));
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isSynchronizationActive()) {
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            count.run();
                        }
                    });
        } else {
            count.run();
        }
    }

    /** Orders per channel and status, all of them (for the {@code orderhub.orders} gauge, read at most every 30 s). */
    @Transactional(readOnly = true)
    public Map<String, Map<OrderStatus, Long>> countsByChannelAndStatus() {
        return store.countsByChannelAndStatus();
    }

    /** Lines as the ledger holds them: a bundle line becomes one line per component. */
    private static List<LineToReserve> toReserve(List<OrderLine> lines, Map<String, List<Bundles.Component>> bundleParts) {
        List<LineToReserve> toReserve = new ArrayList<>();
        for (OrderLine line : lines) {
            List<Bundles.Component> parts = bundleParts.get(line.sku());
            if (parts == null) {
                toReserve.add(new LineToReserve(line.lineId(), line.sku(), line.qty()));
            } else {
                parts.forEach(part -> toReserve.add(new LineToReserve(line.lineId() + "/" + part.sku(), part.sku(),
                        line.qty() * part.qty())));
            }
        }
        return toReserve;
    }

    /** The channel's listing skus translated to hub skus, where the channel maps them. */
    private static OrderSubmission withHubSkus(Channel channel, OrderSubmission s) {
        if (channel.listingToHub().isEmpty()) {
            return s;
        }
        List<OrderLine> lines = s.lines().stream().map(l -> new OrderLine(l.lineId(), channel.hubSku(l.sku()), l.qty(),
                l.unitPrice(), l.tax())).toList();
        return new OrderSubmission(s.channel(), s.channelOrderId(), s.fulfilmentMode(), s.placedAt(), s.shipBy(),
                s.deliverBy(), s.currency(), s.buyer(), s.shipTo(), lines);
    }

    /**
     * Stock of these skus went up: backordered orders that need them are reserved first,
     * earliest ship-by first, in the same transaction, before the new available-to-sell is
     * published. An order that still does not fit stays backordered; a later, smaller one may fit.
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onStockArrived(StockArrived arrived) {
        fillBackorders(arrived.skus());
    }

    private void fillBackorders(Set<String> skus) {
        Set<String> wanted = new LinkedHashSet<>(skus);
        skus.forEach(sku -> wanted.addAll(bundles.bundlesContaining(sku)));
        Instant now = clock.instant();
        for (OrderStore.Waiting waiting : store.backordered(wanted, BACKORDER_BATCH)) {
            Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(waiting.hubOrderId()).orElseThrow();
            Channel channel = channels.channel(waiting.channel()).orElse(null);
            if (current.getKey() != OrderStatus.BACKORDERED || channel == null) {
                continue;
            }
            List<OrderLine> lines = store.linesOf(waiting.hubOrderId());
            Map<String, List<Bundles.Component>> bundleParts = bundles.componentsOf(
                    lines.stream().map(OrderLine::sku).toList());
            ReservationOutcome outcome = ledger.reserveAll(waiting.hubOrderId(), waiting.shipBy(),
                    toReserve(lines, bundleParts), channel.locations());
            if (outcome.reserved()) {
                transition(waiting.hubOrderId(), OrderStatus.BACKORDERED, OrderStatus.RESERVED, current.getValue(),
                        "stock arrived", null, now);
                outbox.append(EventTypes.ORDER_RESERVED, waiting.hubOrderId(),
                        new OrderReserved(waiting.hubOrderId(), channel.id(), outcome.reservations()));
            }
        }
    }

    /** Cancels an order and releases its stock. Refused (and recorded) when the lifecycle does not allow it. */
    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Order cancel(String hubOrderId, String reason) {
        return cancel(hubOrderId, reason, false);
    }

    /**
     * The same, saying whether the channel itself cancelled (then it is not told back: no
     * cancel-out for a cancellation that came in).
     */
    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Order cancel(String hubOrderId, String reason, boolean byChannel) {
        return cancel(hubOrderId, reason, byChannel ? CancelledBy.CHANNEL : CancelledBy.SELLER);
    }

    /** Cancels, recording who cancelled (the KPIs tell the seller's cancellations from the buyer's and the channel's). */
    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Order cancel(String hubOrderId, String reason, CancelledBy by) {
        boolean byChannel = by == CancelledBy.CHANNEL;
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        Instant now = clock.instant();
        transition(hubOrderId, current.getKey(), OrderStatus.CANCELLED, current.getValue(), reason, null, now);
        store.markCancelled(hubOrderId, by, now);
        List<Reservation> released = ledger.release(hubOrderId, "order cancelled");
        if (!released.isEmpty()) {
            fillBackorders(released.stream().map(Reservation::sku).collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
        }
        ledger.announce(released, "RELEASE");
        OrderCancelled cancelled = new OrderCancelled(hubOrderId, current.getKey(), reason, byChannel);
        outbox.append(EventTypes.ORDER_CANCELLED, hubOrderId, cancelled);
        events.publishEvent(cancelled);
        return store.find(hubOrderId).orElseThrow();
    }

    /** Orders whose stock the ledger took back (a count fell below reservations) wait for stock again. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    public void onReservationsReleased(ReservationsReleased released) {
        Instant now = clock.instant();
        for (String id : released.hubOrderIds()) {
            // The count stands even for a reservation without an order (which would be a bug to look into).
            store.lock(id).ifPresentOrElse(current -> {
                transition(id, current.getKey(), OrderStatus.BACKORDERED, current.getValue(), released.reason(), null, now);
                LOG.debug("order {} backordered: {}", id, released.reason());
            }, () -> LOG.warn("released reservations of {}, which is not a stored order", id));
        }
    }

    /** Locks the order for the caller's transaction and answers its status (routing decides under this lock). */
    @Transactional(propagation = Propagation.MANDATORY)
    public OrderStatus lockForUpdate(String hubOrderId) {
        return store.lock(hubOrderId).orElseThrow(() -> new OrderNotFoundException(hubOrderId)).getKey();
    }

    /** Writes a line into the order's history (kind, detail), in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void note(String hubOrderId, String kind, String detail) {
        store.appendEvent(hubOrderId, kind, null, null, detail, clock.instant());
    }

    /** The order's lines as the ledger holds them: a bundle line becomes one line per component. */
    public List<LineToReserve> linesToReserve(List<OrderLine> lines) {
        return toReserve(lines, bundles.componentsOf(lines.stream().map(OrderLine::sku).toList()));
    }

    /**
     * Records something a person must look at on an existing order (its history) and raises it
     * as an alert, once per order and kind. Does nothing for an order the hub does not have.
     */
    @Transactional
    public boolean flag(String hubOrderId, String kind, String alert, String detail) {
        if (store.lock(hubOrderId).isEmpty() || store.hasEvent(hubOrderId, kind)) {
            return false;
        }
        store.appendEvent(hubOrderId, kind, null, null, detail, clock.instant());
        outbox.append(EventTypes.ALERT_RAISED, hubOrderId, new AlertRaised(alert, hubOrderId, detail));
        return true;
    }

    /**
     * Routes a RESERVED order to a fulfilment target: its reservations move to the target's
     * location (the stock it ships from) and the order becomes ROUTED. Returns null, or the
     * sku that location is short of; then the caller must roll back (its reservations were
     * already released). Refused and recorded for an order not RESERVED.
     */
    @Transactional(propagation = Propagation.MANDATORY, noRollbackFor = IllegalTransitionException.class)
    public String routeTo(String hubOrderId, String location, String detail) {
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        Instant now = clock.instant();
        if (current.getKey() != OrderStatus.RESERVED) {
            refuse(hubOrderId, current.getKey(), OrderStatus.ROUTED, detail, now);
        }
        Order order = store.find(hubOrderId).orElseThrow();
        List<Reservation> released = ledger.release(hubOrderId, detail);
        Map<String, List<Bundles.Component>> bundleParts = bundles.componentsOf(order.lines().stream().map(OrderLine::sku).toList());
        ReservationOutcome outcome = ledger.reserveAll(hubOrderId, order.shipBy(), toReserve(order.lines(), bundleParts),
                List.of(location));
        if (!outcome.reserved()) {
            return outcome.shortSku();
        }
        ledger.announce(released, "RELEASE");
        transition(hubOrderId, OrderStatus.RESERVED, OrderStatus.ROUTED, current.getValue(), detail, null, now);
        return null;
    }

    /** The fulfilment target took the order: ROUTED becomes SENT_TO_FULFILMENT. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void sentToFulfilment(String hubOrderId) {
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        if (current.getKey() == OrderStatus.ROUTED) {
            transition(hubOrderId, OrderStatus.ROUTED, OrderStatus.SENT_TO_FULFILMENT, current.getValue(),
                    "accepted by the fulfilment target", null, clock.instant());
        }
    }

    /**
     * The fulfilment target ended the order without shipping it (cancelled or unfulfillable
     * there): it comes back (SENT_TO_FULFILMENT or ROUTED becomes ROUTED), the stock held at the
     * target is released, and the order is reserved again at its channel's own locations
     * (RESERVED, for a person to route again) or, without stock there, BACKORDERED with nothing
     * held. Nothing happens to an order in any other status. Returns its status after.
     */
    @Transactional
    public OrderStatus returnedFromFulfilment(String hubOrderId, String detail) {
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        Instant now = clock.instant();
        if (current.getKey() != OrderStatus.SENT_TO_FULFILMENT && current.getKey() != OrderStatus.ROUTED) {
            return current.getKey();
        }
        if (current.getKey() == OrderStatus.SENT_TO_FULFILMENT) {
            transition(hubOrderId, OrderStatus.SENT_TO_FULFILMENT, OrderStatus.ROUTED, current.getValue(), detail, null, now);
        }
        Order order = store.find(hubOrderId).orElseThrow();
        List<Reservation> released = ledger.release(hubOrderId, detail);
        ledger.announce(released, "RELEASE");
        Channel channel = channels.channel(order.channel()).orElse(null);
        Map<String, List<Bundles.Component>> bundleParts = bundles.componentsOf(order.lines().stream().map(OrderLine::sku).toList());
        ReservationOutcome outcome = channel == null ? null : ledger.reserveAll(hubOrderId, order.shipBy(),
                toReserve(order.lines(), bundleParts), channel.locations());
        if (outcome != null && outcome.reserved()) {
            transition(hubOrderId, OrderStatus.ROUTED, OrderStatus.RESERVED, current.getValue(),
                    "reserved again at the channel's locations", null, now);
            outbox.append(EventTypes.ORDER_RESERVED, hubOrderId, new OrderReserved(hubOrderId, order.channel(),
                    outcome.reservations()));
            return OrderStatus.RESERVED;
        }
        transition(hubOrderId, OrderStatus.ROUTED, OrderStatus.BACKORDERED, current.getValue(),
                "no stock at the channel's locations", null, now);
        return OrderStatus.BACKORDERED;
    }

    /** Moves an order along the lifecycle inside the caller's transaction (refused and recorded when not allowed). */
    void move(String id, OrderStatus from, OrderStatus to, FulfilmentMode mode, String detail, Instant now) {
        transition(id, from, to, mode, detail, null, now);
    }

    /** Records that a change from {@code from} to {@code to} was asked for and refused, and says so. */
    void refuse(String id, OrderStatus from, OrderStatus to, String detail, Instant now) {
        store.appendEvent(id, "TRANSITION_REFUSED", from, to, "cannot go from " + from + " to " + to
                + (detail == null ? "" : " (" + detail + ")"), now);
        throw new IllegalTransitionException(id, from, to);
    }

    private void transition(String id, OrderStatus from, OrderStatus to, FulfilmentMode mode, String detail,
                            String holdReason, Instant now) {
        if (!OrderLifecycle.allows(from, to, mode) || !store.updateStatus(id, from, to, holdReason, now)) {
            store.appendEvent(id, "TRANSITION_REFUSED", from, to, "cannot go from " + from + " to " + to
                    + (detail == null ? "" : " (" + detail + ")"), now);
            throw new IllegalTransitionException(id, from, to);
        }
        store.appendEvent(id, to.name(), from, to, detail, now);
    }

    @Transactional(readOnly = true)
    public Optional<Order> find(String hubOrderId) {
        return store.find(hubOrderId);
    }

    /** One autocommit read, no transaction: the ingress asks this for every submission. */
    public Optional<OrderStatus> status(String hubOrderId) {
        return store.status(hubOrderId);
    }

    /** A page of orders and the cursor of the next page (null at the end). */
    public record OrderPage(List<Order> items, Long next) {
    }

    @Transactional(readOnly = true)
    public OrderPage list(String channel, OrderStatus status, String sku, long afterSeq, int limit) {
        OrderStore.Page page = store.list(channel, status, sku, afterSeq, limit);
        return new OrderPage(page.orders(), page.lastSeq());
    }

    /** A page of orders matching the query (see {@link OrderQuery}) and the position of the next page. */
    @Transactional(readOnly = true)
    public OrderPage search(OrderQuery query, long cursor, int limit) {
        OrderStore.Page page = store.search(query, cursor, limit);
        return new OrderPage(page.orders(), page.lastSeq());
    }

    /** Orders per channel and status placed at or after {@code since}. */
    public Map<String, Map<OrderStatus, Long>> countsSince(Instant since) {
        return store.countsSince(since);
    }

    /** Per channel, the orders not yet shipped whose ship-by lies at or before {@code before}. */
    public Map<String, Long> atRisk(Instant before) {
        return store.atRisk(before);
    }

    /**
     * A person released an order held for them (an unknown sku now set up, an address checked):
     * it goes back to RECEIVED and is reserved at once (RESERVED, or BACKORDERED when short).
     * Refused (409) for an order not ON_HOLD, and while one of its skus is still unknown (the
     * order stays on hold, the answer names the sku).
     */
    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Order releaseHold(String hubOrderId, String note) {
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        Instant now = clock.instant();
        if (current.getKey() != OrderStatus.ON_HOLD) {
            refuse(hubOrderId, current.getKey(), OrderStatus.RECEIVED, "release hold: the order is not on hold", now);
        }
        Order order = store.find(hubOrderId).orElseThrow();
        Map<String, List<Bundles.Component>> bundleParts = bundles.componentsOf(order.lines().stream().map(OrderLine::sku).toList());
        Set<String> needed = new TreeSet<>();
        for (OrderLine line : order.lines()) {
            needed.add(line.sku());
            bundleParts.getOrDefault(line.sku(), List.of()).forEach(part -> needed.add(part.sku()));
        }
        needed.removeAll(bundleParts.keySet());
        Set<String> unknown = new TreeSet<>(needed);
        unknown.removeAll(ledger.knownSkus(needed));
        if (!unknown.isEmpty()) {
            throw new HoldStillNeededException(hubOrderId, "order " + hubOrderId + " stays on hold: sku "
                    + String.join(", ", unknown) + " is still unknown to the hub (set its stock first)");
        }
        Channel channel = channels.channel(order.channel()).orElseThrow(() -> new HoldStillNeededException(hubOrderId,
                "order " + hubOrderId + " stays on hold: its channel " + order.channel() + " is no longer configured"));
        transition(hubOrderId, OrderStatus.ON_HOLD, OrderStatus.RECEIVED, current.getValue(),
                note == null ? "hold released" : "hold released: " + note, null, now);
        ReservationOutcome outcome = ledger.reserveAll(hubOrderId, order.shipBy(), toReserve(order.lines(), bundleParts),
                channel.locations());
        if (outcome.reserved()) {
            transition(hubOrderId, OrderStatus.RECEIVED, OrderStatus.RESERVED, current.getValue(), null, null, now);
            outbox.append(EventTypes.ORDER_RESERVED, hubOrderId, new OrderReserved(hubOrderId, channel.id(), outcome.reservations()));
        } else {
            transition(hubOrderId, OrderStatus.RECEIVED, OrderStatus.BACKORDERED, current.getValue(),
                    "not enough stock for sku " + outcome.shortSku(), null, now);
        }
        return store.find(hubOrderId).orElseThrow();
    }

    record OrderReceived(String hubOrderId, String channel, String channelOrderId, OrderStatus status,
                         FulfilmentMode fulfilmentMode, Instant placedAt, Instant shipBy, List<OrderLine> lines) {
    }

    record OrderReserved(String hubOrderId, String channel, List<Reservation> reservations) {
    }

    record AlertRaised(String kind, String subject, String detail) {
    }
}

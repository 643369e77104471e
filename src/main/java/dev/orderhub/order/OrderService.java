package dev.orderhub.order;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.inventory.LineToReserve;
import dev.orderhub.inventory.Reservation;
import dev.orderhub.inventory.ReservationOutcome;
import dev.orderhub.inventory.ReservationsReleased;
import dev.orderhub.inventory.StockLedger;
import dev.orderhub.messaging.EventTypes;
import dev.orderhub.messaging.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private final OrderStore store;
    private final StockLedger ledger;
    private final ChannelRegistry channels;
    private final Outbox outbox;
    private final Clock clock;

    OrderService(OrderStore store, StockLedger ledger, ChannelRegistry channels, Outbox outbox, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.channels = channels;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** What intake did with a submission. {@code imported} is false for a repeat, which changes nothing. */
    public record IntakeResult(String hubOrderId, OrderStatus status, boolean imported) {
    }

    /**
     * Imports a channel order in one transaction: stores it, reserves its stock whole (or
     * backorders it, or holds it for a person when a sku is unknown) and writes the events
     * to the outbox. A repeat of (channel, channelOrderId) changes nothing.
     */
    @Transactional
    public IntakeResult importOrder(OrderSubmission submission) {
        Channel channel = channels.channel(submission.channel()).orElseThrow(() ->
                new InvalidOrderException("channel: \"" + submission.channel() + "\" is not a configured channel"));
        String id = submission.hubOrderId();
        Instant now = clock.instant();
        if (!store.insertIfAbsent(id, submission, now)) {
            return new IntakeResult(id, store.status(id).orElseThrow(), false);
        }
        store.appendEvent(id, "RECEIVED", null, OrderStatus.RECEIVED, "from channel " + channel.id(), now);

        OrderStatus status = OrderStatus.RECEIVED;
        String detail = null;
        List<Reservation> held = List.of();
        if (submission.fulfilmentMode() != FulfilmentMode.CHANNEL) {
            Set<String> skus = new LinkedHashSet<>();
            submission.lines().forEach(line -> skus.add(line.sku()));
            Set<String> unknown = new TreeSet<>(skus);
            unknown.removeAll(ledger.knownSkus(skus));
            if (!unknown.isEmpty()) {
                status = OrderStatus.ON_HOLD;
                detail = "unknown sku " + String.join(", ", unknown);
            } else {
                ReservationOutcome outcome = ledger.reserveAll(id, submission.shipBy(),
                        submission.lines().stream().map(l -> new LineToReserve(l.lineId(), l.sku(), l.qty())).toList(),
                        channel.locations());
                status = outcome.reserved() ? OrderStatus.RESERVED : OrderStatus.BACKORDERED;
                detail = outcome.reserved() ? null : "not enough stock for sku " + outcome.shortSku();
                held = outcome.reservations();
            }
            transition(id, OrderStatus.RECEIVED, status, submission.fulfilmentMode(), detail,
                    status == OrderStatus.ON_HOLD ? detail : null, now);
        }

        outbox.append(EventTypes.ORDER_RECEIVED, id, new OrderReceived(id, submission.channel(),
                submission.channelOrderId(), status, submission.fulfilmentMode(), submission.placedAt(),
                submission.shipBy(), submission.lines()));
        if (status == OrderStatus.RESERVED) {
            outbox.append(EventTypes.ORDER_RESERVED, id, new OrderReserved(id, submission.channel(), held));
            ledger.announce(held, "RESERVE");
        } else if (status == OrderStatus.ON_HOLD) {
            outbox.append(EventTypes.ALERT_RAISED, id, new AlertRaised("order.on_hold", id, detail));
        }
        return new IntakeResult(id, status, true);
    }

    /** Cancels an order and releases its stock. Refused (and recorded) when the lifecycle does not allow it. */
    @Transactional(noRollbackFor = IllegalTransitionException.class)
    public Order cancel(String hubOrderId, String reason) {
        Map.Entry<OrderStatus, FulfilmentMode> current = store.lock(hubOrderId)
                .orElseThrow(() -> new OrderNotFoundException(hubOrderId));
        Instant now = clock.instant();
        transition(hubOrderId, current.getKey(), OrderStatus.CANCELLED, current.getValue(), reason, null, now);
        List<Reservation> released = ledger.release(hubOrderId, "order cancelled");
        ledger.announce(released, "RELEASE");
        outbox.append(EventTypes.ORDER_CANCELLED, hubOrderId, new OrderCancelled(hubOrderId, current.getKey(), reason));
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
                LOG.info("order {} backordered: {}", id, released.reason());
            }, () -> LOG.warn("released reservations of {}, which is not a stored order", id));
        }
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

    @Transactional(readOnly = true)
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

    record OrderReceived(String hubOrderId, String channel, String channelOrderId, OrderStatus status,
                         FulfilmentMode fulfilmentMode, Instant placedAt, Instant shipBy, List<OrderLine> lines) {
    }

    record OrderReserved(String hubOrderId, String channel, List<Reservation> reservations) {
    }

    record OrderCancelled(String hubOrderId, OrderStatus from, String reason) {
    }

    record AlertRaised(String kind, String subject, String detail) {
    }
}

package dev.orderhub.fulfilment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.connector.http.Backoff;
import dev.orderhub.channel.Channel;
import dev.orderhub.channel.ChannelRegistry;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.FulfilmentService;
import dev.orderhub.connector.RetryLater;
import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.IllegalTransitionException;
import dev.orderhub.order.InvalidShipmentException;
import dev.orderhub.order.Order;
import dev.orderhub.order.OrderService;
import dev.orderhub.order.OrderStatus;
import dev.orderhub.order.Shipments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Orders at their fulfilment targets (route fulfilment-dispatch): for every configured
 * target, what was routed there is sent, what was sent is followed, what was cancelled in the
 * hub is cancelled there. Each parcel the target reports becomes a hub shipment (once: the
 * same tracking number again is the same shipment). An order the target cancelled or cannot
 * fulfil comes back to the hub with its stock there released and reserved again at its
 * channel's locations, and is raised for a person. Refusals are exceptions with the target's
 * reason; {@link RetryLater} and failures are tried again with backoff.
 */
@Component("fulfilmentDispatch")
public class FulfilmentDispatch {

    private static final Logger LOG = LoggerFactory.getLogger(FulfilmentDispatch.class);

    private final Connectors connectors;
    private final ChannelRegistry channels;
    private final Fulfilments fulfilments;
    private final OrderService orders;
    private final Shipments shipments;
    private final ExceptionStore exceptions;
    private final long backoffMs;
    private final long followEveryMs;
    private final org.springframework.context.ApplicationEventPublisher events;
    /** Striped locks: two follows of one order on this instance never run at once. */
    private final Object[] following = java.util.stream.IntStream.range(0, 64).mapToObj(i -> new Object()).toArray();

    public FulfilmentDispatch(Connectors connectors, ChannelRegistry channels, Fulfilments fulfilments, OrderService orders,
                              Shipments shipments, ExceptionStore exceptions,
                              @Value("${orderhub.fulfilment.backoff-ms:5000}") long backoffMs,
                              @Value("${orderhub.fulfilment.follow-every-ms:30000}") long followEveryMs,
                              org.springframework.context.ApplicationEventPublisher events) {
        this.events = events;
        for (FulfilmentService target : connectors.fulfilmentTargets()) {
            if (channels.location(target.location()).isEmpty()) {
                throw new IllegalStateException("fulfilment target " + target.target() + " ships from location "
                        + target.location() + ", which is not in channels.yaml");
            }
        }
        this.connectors = connectors;
        this.channels = channels;
        this.fulfilments = fulfilments;
        this.orders = orders;
        this.shipments = shipments;
        this.exceptions = exceptions;
        this.backoffMs = backoffMs;
        this.followEveryMs = followEveryMs;
    }

    /** One round over every target: send what is pending, follow what was sent, cancel what was cancelled. */
    public void work() {
        for (FulfilmentService target : connectors.fulfilmentTargets()) {
            fulfilments.due(target.target(), Fulfilments.PENDING, 20).forEach(id -> guarded(id, () -> send(target, id)));
            fulfilments.due(target.target(), Fulfilments.SENT, 20).forEach(id -> guarded(id, () -> follow(target, id)));
            fulfilments.due(target.target(), Fulfilments.CANCEL_REQUESTED, 20).forEach(id -> guarded(id, () -> cancel(target, id)));
        }
    }

    private void guarded(String hubOrderId, Runnable step) {
        try {
            step.run();
        } catch (RetryLater e) {
            later(hubOrderId, e.getMessage(), e.after().toMillis());
        } catch (RuntimeException e) {
            later(hubOrderId, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 0);
        }
    }

    private void later(String hubOrderId, String error, long atLeastMs) {
        int attempts = fulfilments.find(hubOrderId).map(Fulfilments.Fulfilment::attempts).orElse(0);
        fulfilments.later(hubOrderId, error, Math.max(atLeastMs, Backoff.millis(backoffMs, attempts, 600_000)));
    }

    void send(FulfilmentService target, String hubOrderId) {
        Order order = orders.find(hubOrderId).orElseThrow();
        Channel channel = channels.channel(order.channel()).orElseThrow();
        // The target knows a sku by the listing sku of the channel that owns its stock (MCF: the Amazon account); a
        // target whose location no channel owns (a 3PL's warehouse) knows the hub's skus, and counts its stock in them.
        Channel owner = channels.location(target.location()).map(l -> l.owner()).flatMap(channels::channel).orElse(null);
        int attempts = fulfilments.find(hubOrderId).map(Fulfilments.Fulfilment::attempts).orElse(0);
        FulfilmentService.Destination destination = order.shipTo() == null ? null : new FulfilmentService.Destination(
                order.shipTo().name(), order.shipTo().line1(), order.shipTo().line2(), order.shipTo().city(),
                order.shipTo().region(), order.shipTo().postalCode(), order.shipTo().country());
        FulfilmentService.Request request = new FulfilmentService.Request(order.hubOrderId(), order.channelOrderId(),
                order.placedAt(), destination, order.lines().stream()
                .map(line -> new FulfilmentService.Item(line.lineId(), owner == null ? line.sku() : owner.listingSku(line.sku()),
                        line.qty())).toList(),
                attempts > 0);
        String refusal = target.send(request);
        if (refusal == null) {
            fulfilments.sent(hubOrderId);
            return;
        }
        fulfilments.set(hubOrderId, Fulfilments.FAILED, refusal);
        exceptions.park(target.connector() + ":" + target.target() + ":send", target.target() + " refused order " + hubOrderId
                + " (channel " + channel.id() + "): " + refusal, hubOrderId);
        events.publishEvent(new FulfilmentRefused(hubOrderId, target.target(), target.location(), refusal));
    }

    /**
     * Follows one order at its target now, because the target just told the hub something about
     * it (a webhook): its parcels become shipments (and their deliveries are recorded) without
     * waiting for the next round. Only an order sent to that target, or shipped by it (a parcel's
     * delivery comes after), is followed; one still being sent, cancelled or failed there is left
     * to the rounds. Serialised per order with the rounds of this instance (a round on
     * another instance may follow it at the same moment: a parcel is recorded once either way,
     * by its tracking number under the order's lock).
     *
     * @return whether it was followed
     */
    public boolean followNow(FulfilmentService target, String hubOrderId) {
        Fulfilments.Fulfilment fulfilment = fulfilments.find(hubOrderId).orElse(null);
        if (fulfilment == null || !target.target().equals(fulfilment.target())
                || !(Fulfilments.SENT.equals(fulfilment.status()) || Fulfilments.SHIPPED.equals(fulfilment.status()))) {
            return false;
        }
        guarded(hubOrderId, () -> follow(target, hubOrderId));
        return true;
    }

    void follow(FulfilmentService target, String hubOrderId) {
        synchronized (following[Math.floorMod(hubOrderId.hashCode(), following.length)]) {
            followLocked(target, hubOrderId);
        }
    }

    private void followLocked(FulfilmentService target, String hubOrderId) {
        FulfilmentService.Progress progress = target.follow(hubOrderId);
        for (FulfilmentService.Parcel parcel : progress.parcels()) {
            Map<String, Integer> byLine = new LinkedHashMap<>();
            parcel.lines().forEach(line -> byLine.merge(line.lineId(), line.qty(), Integer::sum));
            List<Shipments.Line> lines = byLine.entrySet().stream().map(e -> new Shipments.Line(e.getKey(), e.getValue())).toList();
            Shipments.Recorded recorded;
            try {
                recorded = shipments.record(hubOrderId, new Shipments.Request(parcel.carrier(), parcel.service(),
                        parcel.trackingNumber(), parcel.shippedAt(), lines));
            } catch (InvalidShipmentException | IllegalTransitionException e) {
                LOG.warn("parcel {} of {} from {} not recorded: {}", parcel.trackingNumber(), hubOrderId, target.target(),
                        e.getMessage());
                continue;
            }
            if (parcel.deliveredAt() != null) {
                try {
                    shipments.delivered(hubOrderId, recorded.shipment().shipmentId(), parcel.deliveredAt());
                } catch (InvalidShipmentException | IllegalArgumentException | IllegalTransitionException e) {
                    LOG.warn("delivery of parcel {} of {} from {} not recorded: {}", parcel.trackingNumber(), hubOrderId,
                            target.target(), e.getMessage());
                }
            }
        }
        OrderStatus status = orders.status(hubOrderId).orElseThrow();
        switch (progress.state()) {
            case CANCELLED, UNFULFILLABLE -> {
                if (status == OrderStatus.PARTIALLY_SHIPPED || status == OrderStatus.SHIPPED) {
                    fulfilments.set(hubOrderId, Fulfilments.FAILED, target.target() + ": " + progress.state());
                } else {
                    OrderStatus after = orders.returnedFromFulfilment(hubOrderId, target.target() + " ended the order "
                            + progress.state());
                    fulfilments.set(hubOrderId, Fulfilments.FAILED, target.target() + ": " + progress.state());
                    exceptions.park(target.connector() + ":" + target.target() + ":follow", "order " + hubOrderId + " ended "
                            + progress.state() + " at " + target.target() + (progress.detail() == null ? "" : " ("
                            + progress.detail() + ")") + "; its stock there was released and the order is " + after
                            + ": a person must decide how it ships", hubOrderId);
                }
            }
            default -> {
                if (status == OrderStatus.SHIPPED || status == OrderStatus.DELIVERED || status == OrderStatus.COMPLETED) {
                    fulfilments.set(hubOrderId, Fulfilments.SHIPPED, null);
                } else {
                    fulfilments.later(hubOrderId, null, followEveryMs);
                }
            }
        }
    }

    void cancel(FulfilmentService target, String hubOrderId) {
        String refusal = target.cancel(hubOrderId);
        if (refusal == null) {
            fulfilments.set(hubOrderId, Fulfilments.CANCELLED, null);
            return;
        }
        fulfilments.set(hubOrderId, Fulfilments.FAILED, refusal);
        exceptions.park(target.connector() + ":" + target.target() + ":cancel", target.target() + " refused to cancel order "
                + hubOrderId + " (it may already be shipping): " + refusal, hubOrderId);
    }
}

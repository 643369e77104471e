package dev.orderhub.order;

import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orderhub.channel.Connectors;
import dev.orderhub.connector.ChannelIntake;
import dev.orderhub.connector.ChannelOrder;
import dev.orderhub.messaging.ExceptionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The hub's side of {@link ChannelIntake}: a connector's order is validated like any channel
 * order and handed to the intake (imported once per channel order id), a channel's
 * cancellation cancels the hub order, a buyer's cancel request flags it for the seller, and
 * what is not a valid order is parked with the reason and the channel's payload.
 */
@Component
public class ChannelOrderIntake implements ChannelIntake {

    static final String CANCEL_REQUESTED = "BUYER_CANCEL_REQUESTED";
    private static final Logger LOG = LoggerFactory.getLogger(ChannelOrderIntake.class);

    private final OrderIngress ingress;
    private final OrderService orders;
    private final ExceptionStore exceptions;
    private final Connectors connectors;
    private final ObjectMapper json;

    public ChannelOrderIntake(OrderIngress ingress, OrderService orders, ExceptionStore exceptions, Connectors connectors,
                              ObjectMapper json) {
        this.ingress = ingress;
        this.orders = orders;
        this.exceptions = exceptions;
        this.connectors = connectors;
        this.json = json;
    }

    @Override
    public Outcome take(String channel, ChannelOrder order) {
        if (order instanceof ChannelOrder.Placed placed) {
            return place(channel, placed);
        }
        if (order instanceof ChannelOrder.Cancelled cancelled) {
            return cancel(channel, cancelled);
        }
        if (order instanceof ChannelOrder.CancelRequested requested) {
            return requestCancel(channel, requested);
        }
        ChannelOrder.Unreadable unreadable = (ChannelOrder.Unreadable) order;
        return park(channel, unreadable.channelOrderId(), unreadable.reason(), unreadable.payload());
    }

    private Outcome place(String channel, ChannelOrder.Placed placed) {
        OrderSubmission submission;
        try {
            JsonNode canonical = json.readTree(placed.canonical());
            submission = OrderValidator.validate(channel, canonical);
        } catch (JsonProcessingException e) {
            return park(channel, placed.channelOrderId(), "the mapped order is not JSON: " + e.getOriginalMessage(),
                    placed.payload());
        } catch (InvalidOrderException e) {
            return park(channel, placed.channelOrderId(), e.getMessage(), placed.payload());
        }
        // A failure from here (broker, database) is thrown: the caller's cursor stays where it was.
        return ingress.submit(submission).accepted() ? Outcome.IMPORTED : Outcome.REPEAT;
    }

    private Outcome cancel(String channel, ChannelOrder.Cancelled cancelled) {
        String hubOrderId = HubOrderIds.of(channel, cancelled.channelOrderId());
        Optional<OrderStatus> status = orders.status(hubOrderId);
        if (status.isEmpty() || status.get() == OrderStatus.CANCELLED) {
            return Outcome.SKIPPED;
        }
        try {
            orders.cancel(hubOrderId, cancelled.reason() == null ? "cancelled on the channel" : cancelled.reason(), true);
            return Outcome.CANCELLED;
        } catch (IllegalTransitionException e) {
            LOG.warn("channel {} cancelled order {} ({}), which the hub cannot cancel from {}", channel,
                    cancelled.channelOrderId(), hubOrderId, status.get());
            return Outcome.SKIPPED;
        }
    }

    private Outcome requestCancel(String channel, ChannelOrder.CancelRequested requested) {
        if (requested.order() != null) {
            Outcome placed = place(channel, requested.order());
            if (placed == Outcome.PARKED) {
                return placed;
            }
        }
        String hubOrderId = HubOrderIds.of(channel, requested.channelOrderId());
        if (orders.status(hubOrderId).isEmpty()) {
            return Outcome.SKIPPED;
        }
        boolean flagged = orders.flag(hubOrderId, CANCEL_REQUESTED, "channel.buyer_cancel_requested",
                "the buyer asked " + channel + " to cancel order " + requested.channelOrderId() + " ("
                        + (requested.reason() == null || requested.reason().isBlank() ? "no reason given" : requested.reason())
                        + "): cancel it on the channel before it ships");
        return flagged ? Outcome.CANCEL_REQUESTED : Outcome.REPEAT;
    }

    private Outcome park(String channel, String channelOrderId, String reason, String payload) {
        String connector = connectors.connectorOf(channel).orElse("channel");
        exceptions.park(connector + ":" + channel + ":orders", "order " + (channelOrderId == null || channelOrderId.isEmpty()
                ? "(no order id)" : channelOrderId) + ": " + reason, payload == null ? "" : payload);
        return Outcome.PARKED;
    }
}

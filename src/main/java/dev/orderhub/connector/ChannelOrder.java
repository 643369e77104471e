package dev.orderhub.connector;

/**
 * One order as a connector read it from its channel, handed to {@link ChannelIntake}. The core
 * validates, imports once per (channel, channelOrderId), cancels, or parks it.
 */
public sealed interface ChannelOrder {

    /** The channel's own order id. */
    String channelOrderId();

    /**
     * An order to import: {@code canonical} is the canonical order JSON (the body of
     * POST /api/channels/{channel}/orders), {@code payload} the channel's own JSON, kept if the
     * order has to be parked.
     */
    record Placed(String channelOrderId, String canonical, String payload) implements ChannelOrder {
    }

    /** The channel cancelled the order: the hub cancels it too (and never imports it if it did not have it). */
    record Cancelled(String channelOrderId, String reason) implements ChannelOrder {
    }

    /**
     * The buyer asked the channel to cancel: the seller must act before it ships. The hub
     * flags the order and raises an alert; {@code order}, when the channel sent it along,
     * is imported first like a {@link Placed} one.
     */
    record CancelRequested(String channelOrderId, String reason, Placed order) implements ChannelOrder {
    }

    /** Something that cannot be an order (mapping failed, required field missing): parked with the reason. */
    record Unreadable(String channelOrderId, String reason, String payload) implements ChannelOrder {
    }
}

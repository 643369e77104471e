package dev.orderhub.order;

/**
 * An order was cancelled in the hub: payload of order.cancelled, and an application event in
 * the cancelling transaction for what must follow (a fulfilment target cancelling its side, the
 * channel told unless the cancellation came from it: {@code byChannel}).
 */
public record OrderCancelled(String hubOrderId, OrderStatus from, String reason,
                             @com.fasterxml.jackson.annotation.JsonIgnore boolean byChannel) {

    /** Cancelled in the hub (the seller, the API): the channel is told where its connector can cancel. */
    public OrderCancelled(String hubOrderId, OrderStatus from, String reason) {
        this(hubOrderId, from, reason, false);
    }
}

package dev.orderhub.order;

/**
 * An order was cancelled in the hub: payload of order.cancelled, and an application event in
 * the cancelling transaction for what must follow (a fulfilment target cancelling its side).
 */
public record OrderCancelled(String hubOrderId, OrderStatus from, String reason) {
}

package dev.orderhub.order;

/**
 * Where an order is in its life. ON_HOLD means a person must act (unknown sku, bad address).
 * FULFILLED_BY_CHANNEL: a channel-fulfilled order (FBA, FBB), recorded at intake and done as
 * far as the hub goes: the channel reserves, ships and tracks it, the hub never does.
 */
public enum OrderStatus {
    RECEIVED, RESERVED, BACKORDERED, ON_HOLD, ROUTED, SENT_TO_FULFILMENT, PARTIALLY_SHIPPED, SHIPPED, DELIVERED,
    COMPLETED, RETURN_REQUESTED, RETURNED, REFUNDED, CANCELLED, FULFILLED_BY_CHANNEL
}

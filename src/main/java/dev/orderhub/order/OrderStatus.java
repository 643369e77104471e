package dev.orderhub.order;

/** Where an order is in its life. ON_HOLD means a person must act (unknown sku, bad address). */
public enum OrderStatus {
    RECEIVED, RESERVED, BACKORDERED, ON_HOLD, ROUTED, SENT_TO_FULFILMENT, PARTIALLY_SHIPPED, SHIPPED, DELIVERED,
    COMPLETED, RETURN_REQUESTED, RETURNED, REFUNDED, CANCELLED
}

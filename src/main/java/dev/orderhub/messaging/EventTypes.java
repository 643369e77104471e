package dev.orderhub.messaging;

/** The hub's event types; each is also the name of the Artemis topic it is published on. */
public final class EventTypes {
    public static final String ORDER_RECEIVED = "order.received";
    public static final String ORDER_RESERVED = "order.reserved";
    public static final String ORDER_CANCELLED = "order.cancelled";
    public static final String ORDER_SHIPPED = "order.shipped";
    public static final String ORDER_DELIVERED = "order.delivered";
    public static final String STOCK_CHANGED = "stock.changed";
    public static final String ALERT_RAISED = "alert.raised";
    public static final String ALERT_CLEARED = "alert.cleared";

    private EventTypes() {
    }
}

package dev.orderhub.order;

/** A status change the lifecycle does not allow. The refusal is recorded in the order's events. */
public class IllegalTransitionException extends RuntimeException {

    private final String hubOrderId;
    private final OrderStatus from;
    private final OrderStatus to;

    public IllegalTransitionException(String hubOrderId, OrderStatus from, OrderStatus to) {
        super("order " + hubOrderId + ": cannot go from " + from + " to " + to);
        this.hubOrderId = hubOrderId;
        this.from = from;
        this.to = to;
    }

    public String hubOrderId() {
        return hubOrderId;
    }

    public OrderStatus from() {
        return from;
    }

    public OrderStatus to() {
        return to;
    }
}

package dev.orderhub.order;

import static dev.orderhub.order.OrderStatus.*;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The order state machine of the architecture page: any transition not listed is refused. */
public final class OrderLifecycle {

    private static final Map<OrderStatus, Set<OrderStatus>> ALLOWED = new EnumMap<>(OrderStatus.class);

    static {
        ALLOWED.put(RECEIVED, EnumSet.of(RESERVED, BACKORDERED, ON_HOLD, CANCELLED, SHIPPED, DELIVERED));
        ALLOWED.put(BACKORDERED, EnumSet.of(RESERVED, CANCELLED));
        ALLOWED.put(ON_HOLD, EnumSet.of(RECEIVED, CANCELLED));
        ALLOWED.put(RESERVED, EnumSet.of(ROUTED, PARTIALLY_SHIPPED, SHIPPED, BACKORDERED, CANCELLED));
        ALLOWED.put(ROUTED, EnumSet.of(SENT_TO_FULFILMENT, RESERVED, BACKORDERED, CANCELLED));
        ALLOWED.put(SENT_TO_FULFILMENT, EnumSet.of(PARTIALLY_SHIPPED, SHIPPED, ROUTED, CANCELLED));
        ALLOWED.put(PARTIALLY_SHIPPED, EnumSet.of(SHIPPED, CANCELLED));
        ALLOWED.put(SHIPPED, EnumSet.of(DELIVERED, RETURN_REQUESTED));
        ALLOWED.put(DELIVERED, EnumSet.of(COMPLETED, RETURN_REQUESTED));
        ALLOWED.put(RETURN_REQUESTED, EnumSet.of(RETURNED, COMPLETED));
        ALLOWED.put(RETURNED, EnumSet.of(REFUNDED));
        ALLOWED.put(COMPLETED, EnumSet.noneOf(OrderStatus.class));
        ALLOWED.put(REFUNDED, EnumSet.noneOf(OrderStatus.class));
        ALLOWED.put(CANCELLED, EnumSet.noneOf(OrderStatus.class));
        // Channel-fulfilled orders only (see allows): recorded, and cancelled if the channel cancels them.
        ALLOWED.put(FULFILLED_BY_CHANNEL, EnumSet.of(CANCELLED));
    }

    private OrderLifecycle() {
    }

    /** Whether an order in {@code from}, fulfilled as {@code mode}, may move to {@code to}. */
    public static boolean allows(OrderStatus from, OrderStatus to, FulfilmentMode mode) {
        if (from == FULFILLED_BY_CHANNEL || to == FULFILLED_BY_CHANNEL) {
            return mode == FulfilmentMode.CHANNEL && (to == FULFILLED_BY_CHANNEL ? from == RECEIVED : to == CANCELLED);
        }
        if (from == RECEIVED && (to == SHIPPED || to == DELIVERED)) {
            // Only channel-fulfilled (FBA/FBB) orders are recorded as shipped straight from intake.
            return mode == FulfilmentMode.CHANNEL;
        }
        if (mode == FulfilmentMode.CHANNEL && from == RECEIVED
                && (to == RESERVED || to == BACKORDERED)) {
            return false; // the channel holds that stock: never reserved here
        }
        return ALLOWED.get(from).contains(to);
    }
}

package dev.orderhub.order;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a list of orders is filtered by; every field may be null (no filter).
 * {@code placedFrom} inclusive, {@code placedBefore} exclusive; {@code shipByBefore}: orders not
 * yet shipped whose ship-by is at or before it (at risk of shipping late).
 */
public record OrderQuery(String channel, OrderStatus status, String sku, Instant placedFrom, Instant placedBefore,
                         Instant shipByBefore, boolean newestFirst) {

    /** Statuses of an order that still has units to ship. */
    public static final Set<OrderStatus> NOT_YET_SHIPPED = EnumSet.of(OrderStatus.RECEIVED, OrderStatus.RESERVED,
            OrderStatus.BACKORDERED, OrderStatus.ON_HOLD, OrderStatus.ROUTED, OrderStatus.SENT_TO_FULFILMENT,
            OrderStatus.PARTIALLY_SHIPPED);
}

package dev.orderhub.order;

import java.time.Instant;

/** One entry of an order's append-only history. */
public record OrderEvent(Instant at, String type, OrderStatus from, OrderStatus to, String detail) {
}

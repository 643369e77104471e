package dev.orderhub.order;

import static dev.orderhub.order.FulfilmentMode.CHANNEL;
import static dev.orderhub.order.FulfilmentMode.MERCHANT;
import static dev.orderhub.order.OrderStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class OrderLifecycleTest {

    @ParameterizedTest(name = "{0} -> {1} allowed")
    @CsvSource({
            "RECEIVED, RESERVED", "RECEIVED, BACKORDERED", "RECEIVED, ON_HOLD", "RECEIVED, CANCELLED",
            "BACKORDERED, RESERVED", "BACKORDERED, CANCELLED", "ON_HOLD, RECEIVED", "ON_HOLD, CANCELLED",
            "RESERVED, ROUTED", "RESERVED, PARTIALLY_SHIPPED", "RESERVED, SHIPPED", "RESERVED, BACKORDERED",
            "RESERVED, CANCELLED", "ROUTED, SENT_TO_FULFILMENT", "ROUTED, RESERVED", "ROUTED, BACKORDERED", "ROUTED, CANCELLED",
            "SENT_TO_FULFILMENT, PARTIALLY_SHIPPED", "SENT_TO_FULFILMENT, SHIPPED", "SENT_TO_FULFILMENT, ROUTED",
            "SENT_TO_FULFILMENT, CANCELLED", "PARTIALLY_SHIPPED, SHIPPED", "PARTIALLY_SHIPPED, CANCELLED",
            "SHIPPED, DELIVERED", "SHIPPED, RETURN_REQUESTED", "DELIVERED, COMPLETED", "DELIVERED, RETURN_REQUESTED",
            "RETURN_REQUESTED, RETURNED", "RETURN_REQUESTED, COMPLETED", "RETURNED, REFUNDED"})
    void listedTransitionsAreAllowedForMerchantOrders(OrderStatus from, OrderStatus to) {
        assertThat(OrderLifecycle.allows(from, to, MERCHANT)).isTrue();
    }

    @Test
    void exactlyTheListedTransitionsAreAllowed() {
        int allowed = 0;
        for (OrderStatus from : OrderStatus.values()) {
            for (OrderStatus to : OrderStatus.values()) {
                if (OrderLifecycle.allows(from, to, MERCHANT)) {
                    allowed++;
                }
            }
        }
        // The architecture's 29 transitions for merchant-fulfilled orders, and ROUTED -> BACKORDERED (a fulfilment
        // target ended the order and the channel's own locations are short); anything more is a leak.
        assertThat(allowed).isEqualTo(30);
    }

    @ParameterizedTest(name = "{0} is final")
    @EnumSource(value = OrderStatus.class, names = {"CANCELLED", "COMPLETED", "REFUNDED"})
    void finalStatesGoNowhere(OrderStatus end) {
        for (OrderStatus to : OrderStatus.values()) {
            assertThat(OrderLifecycle.allows(end, to, MERCHANT)).as(end + " -> " + to).isFalse();
        }
    }

    @Test
    void channelFulfilledOrdersAreRecordedShippedButNeverReserved() {
        assertThat(OrderLifecycle.allows(RECEIVED, SHIPPED, CHANNEL)).isTrue();
        assertThat(OrderLifecycle.allows(RECEIVED, DELIVERED, CHANNEL)).isTrue();
        assertThat(OrderLifecycle.allows(RECEIVED, RESERVED, CHANNEL)).isFalse();
        assertThat(OrderLifecycle.allows(RECEIVED, BACKORDERED, CHANNEL)).isFalse();
        assertThat(OrderLifecycle.allows(RECEIVED, FULFILLED_BY_CHANNEL, CHANNEL)).isTrue();
        assertThat(OrderLifecycle.allows(FULFILLED_BY_CHANNEL, CANCELLED, CHANNEL)).isTrue();
        assertThat(OrderLifecycle.allows(FULFILLED_BY_CHANNEL, SHIPPED, CHANNEL)).isFalse();
        assertThat(OrderLifecycle.allows(RECEIVED, FULFILLED_BY_CHANNEL, MERCHANT)).as("a merchant order is never").isFalse();
        assertThat(OrderLifecycle.allows(RECEIVED, SHIPPED, MERCHANT)).isFalse();
        assertThat(OrderLifecycle.allows(RECEIVED, DELIVERED, MERCHANT)).isFalse();
    }

    @Test
    void noStatusMayStayWhereItIs() {
        Set<OrderStatus> selfLoops = EnumSet.noneOf(OrderStatus.class);
        for (OrderStatus status : OrderStatus.values()) {
            if (OrderLifecycle.allows(status, status, MERCHANT)) {
                selfLoops.add(status);
            }
        }
        assertThat(selfLoops).isEmpty();
    }
}

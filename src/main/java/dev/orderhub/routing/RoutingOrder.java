package dev.orderhub.routing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import dev.orderhub.order.FulfilmentMode;
import dev.orderhub.order.Order;

/** What the rules look at in an order: channel, mode, where it goes, when it must ship, its lines and value. */
public record RoutingOrder(String hubOrderId, String channel, FulfilmentMode fulfilmentMode, String country, String region,
                           String postalCode, Instant shipBy, List<Line> lines) {

    public record Line(String lineId, String sku, int qty, BigDecimal unitPrice) {

        BigDecimal value() {
            return unitPrice.multiply(BigDecimal.valueOf(qty));
        }
    }

    public BigDecimal value() {
        return lines.stream().map(Line::value).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public static RoutingOrder of(Order order) {
        return new RoutingOrder(order.hubOrderId(), order.channel(), order.fulfilmentMode(),
                order.shipTo() == null ? null : order.shipTo().country(), order.shipTo() == null ? null : order.shipTo().region(),
                order.shipTo() == null ? null : order.shipTo().postalCode(), order.shipBy(),
                order.lines().stream().map(l -> new Line(l.lineId(), l.sku(), l.qty(), l.unitPrice())).toList());
    }
}

package dev.orderhub.order;

import java.time.Instant;
import java.util.List;

/**
 * The canonical order, as stored and as the API shows it. {@code personalDataErasedAt}: when
 * its buyer and street address were erased (retention or a buyer's request), else null.
 */
public record Order(String hubOrderId, String channel, String channelOrderId, OrderStatus status,
                    FulfilmentMode fulfilmentMode, Instant placedAt, Instant shipBy, Instant deliverBy,
                    String currency, Buyer buyer, Address shipTo, List<OrderLine> lines, Totals totals,
                    String holdReason, Instant receivedAt, Instant updatedAt, List<OrderEvent> events,
                    Instant personalDataErasedAt) {
}

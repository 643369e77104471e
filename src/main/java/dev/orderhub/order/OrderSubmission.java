package dev.orderhub.order;

import java.time.Instant;
import java.util.List;

/**
 * A channel order as handed to the hub, validated, before it has a status. This is the body
 * of the order-intake queue message (JSON), whatever channel or connector it came from.
 */
public record OrderSubmission(String channel, String channelOrderId, FulfilmentMode fulfilmentMode,
                              Instant placedAt, Instant shipBy, Instant deliverBy, String currency, Buyer buyer,
                              Address shipTo, List<OrderLine> lines) {

    public String hubOrderId() {
        return HubOrderIds.of(channel, channelOrderId);
    }
}

package dev.orderhub.connector;

import java.time.Instant;
import java.util.List;

/**
 * Capability {@code shipment-confirm}: tells the channel that (part of) an order shipped, with
 * its carrier and tracking number. The core sends each shipment until it is
 * {@link Result#CONFIRMED} or {@link Result#refused refused}, retrying on {@link RetryLater}
 * with backoff, and never sends a confirmed one again.
 */
public interface ShipmentConfirmation extends ConnectorCapability {

    Result confirm(String channel, Shipment shipment);

    /**
     * A shipment of a channel order: {@code parcel} is its number within the order (1, 2, … in
     * the order they were recorded); {@code lines} the channel's line ids and quantities in it.
     */
    record Shipment(String shipmentId, String hubOrderId, String channelOrderId, int parcel, String carrier,
                    String service, String trackingNumber, Instant shippedAt, List<Line> lines) {
    }

    record Line(String lineId, int qty) {
    }

    /** Confirmed, or refused with the channel's reason and the request that was refused. */
    record Result(boolean confirmed, String reason, String request) {

        public static final Result CONFIRMED = new Result(true, null, null);

        public static Result refused(String reason, String request) {
            return new Result(false, reason, request);
        }
    }
}

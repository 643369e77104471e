package dev.orderhub.connector;

import java.util.List;

/**
 * Capability {@code fba-inventory}: what the channel holds in its own warehouses (FBA, FBB) for
 * the seller, by listing sku. The core sets it as the on-hand of the channel-owned location
 * that belongs to the channel; that stock never counts toward a merchant-fulfilled listing.
 */
public interface ChannelStockIn extends ConnectorCapability {

    /** The channel-owned location the channel's stock is held at (channels.yaml), null if none is configured. */
    String location(String channel);

    /** Every listing sku the channel holds stock of, with the units it can ship. */
    List<ChannelStock> read(String channel);

    record ChannelStock(String listingSku, long fulfillable) {
    }
}

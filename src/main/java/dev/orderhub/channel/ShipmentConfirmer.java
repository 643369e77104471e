package dev.orderhub.channel;

/**
 * A connector that tells its channel about shipments (tracking back to the marketplace).
 * When a shipment is recorded for a channel a confirmer handles, the hub owes that channel a
 * confirmation: a row in channel_confirmations that the connector works off, retrying until
 * the channel accepts or refuses it. The core never names the connector.
 */
public interface ShipmentConfirmer {

    /** Whether this connector confirms shipments of orders from this channel. */
    boolean confirms(String channel);
}

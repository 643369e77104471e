package dev.orderhub.order;

/**
 * Who ships: the seller (MERCHANT, FBM), the channel's own network (CHANNEL: FBA, FBB;
 * recorded, never reserved), the seller under Prime promises (PRIME_MERCHANT, SFP), or
 * Amazon's network for another channel's order (MCF).
 */
public enum FulfilmentMode {
    MERCHANT, CHANNEL, PRIME_MERCHANT, MCF
}

package dev.orderhub.listing;

/**
 * One listing of a channel: the hub sku it sells under the channel's listing sku, who fulfils
 * it, and its state.
 *
 * @param fulfilledBy MERCHANT (the seller ships, from the hub's locations: the hub pushes its
 *                    quantity) or CHANNEL (the channel's network ships, e.g. FBA or FBB: never
 *                    given a merchant quantity)
 * @param state       ACTIVE, INACTIVE (listed, not buyable now: still kept current) or CLOSED
 * @param source      CONFIG (channels.yaml) or CONNECTOR (read through listings in)
 */
public record Listing(String channel, String listingSku, String sku, FulfilledBy fulfilledBy, String state, String source) {

    public enum FulfilledBy { MERCHANT, CHANNEL }

    /** Whether the hub keeps this listing's quantity current on the channel. */
    public boolean pushed() {
        return fulfilledBy == FulfilledBy.MERCHANT && !"CLOSED".equals(state);
    }
}

package dev.orderhub.connector;

import java.util.List;

/**
 * Capability {@code listings-in}: which listings the channel has for the seller, page by page,
 * with who fulfils each (the seller or the channel) and its state.
 */
public interface ListingsIn extends ConnectorCapability {

    ListingsPage read(String channel, String page);

    /** {@code fulfilledBy}: MERCHANT or CHANNEL (FBA, FBB); {@code state}: ACTIVE, INACTIVE, … as the hub spells it. */
    record Listing(String listingSku, String fulfilledBy, String state) {
    }

    record ListingsPage(List<Listing> listings, String nextPage) {
    }
}

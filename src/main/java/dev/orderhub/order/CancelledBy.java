package dev.orderhub.order;

/**
 * Who cancelled an order: the seller (the hub's API or console, a person's decision), the buyer
 * (the seller cancelled at the buyer's request: {@code "requestedBy": "buyer"}), or the channel
 * (a cancellation that came in from the marketplace). The pre-fulfilment cancel rate counts the
 * seller's only.
 */
public enum CancelledBy {
    SELLER, BUYER, CHANNEL
}

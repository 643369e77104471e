package dev.orderhub.fulfilment;

/**
 * Somewhere an order can be sent to be shipped (a 3PL, Amazon Multi-Channel Fulfilment). A
 * connector provides it; the core never names it. Sending an order there moves its
 * reservations to {@link #location()}, the stock the target ships from.
 */
public interface FulfilmentTarget {

    /** The id orders are routed with, e.g. amazon-mcf. */
    String id();

    /** The stock location the target ships from. */
    String location();
}

package dev.orderhub.connector;

/**
 * Where a connector hands the orders it read or was sent; implemented by the core. Taking the
 * same order twice imports it once.
 */
public interface ChannelIntake {

    /** What the hub did with an order. */
    enum Outcome { IMPORTED, REPEAT, CANCELLED, CANCEL_REQUESTED, SKIPPED, PARKED }

    /**
     * Takes one order of the channel. A failure of the hub itself (database, broker) is thrown:
     * the caller must not move its cursor past the order.
     */
    Outcome take(String channel, ChannelOrder order);
}

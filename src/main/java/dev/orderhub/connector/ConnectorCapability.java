package dev.orderhub.connector;

/** What every capability a connector implements says about itself: whose it is and which channels it serves. */
public interface ConnectorCapability {

    /** The connector's name: its folder under connectors/ and its manifest's {@code name}. */
    String connector();

    /** Whether this capability serves the channel (an account configured for this connector). */
    boolean serves(String channel);
}

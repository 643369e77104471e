package dev.orderhub.channel;

/** Who holds the stock at a location. Channel-owned stock (FBA, FBB) only serves its own channel. */
public enum LocationKind {
    OWN, THREE_PL, CHANNEL_OWNED
}

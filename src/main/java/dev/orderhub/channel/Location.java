package dev.orderhub.channel;

/** A place that holds stock: own warehouse, 3PL warehouse or channel-owned network. */
public record Location(String id, String name, LocationKind kind) {
}

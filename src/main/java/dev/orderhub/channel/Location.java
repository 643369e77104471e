package dev.orderhub.channel;

/** A place that holds stock: own warehouse, 3PL warehouse or a channel's own network (owner = that channel). */
public record Location(String id, String name, LocationKind kind, String owner) {
}

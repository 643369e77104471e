package dev.orderhub.order;

/** Who bought, as far as the channel tells. */
public record Buyer(String name, String email) {
}

package dev.orderhub.stocksync;

import java.time.Instant;

/**
 * One value to show on a channel: {@code quantity} of the channel's listing sku, as of hub
 * version {@code version} of that (channel, sku), changed at {@code changedAt}.
 */
public record StockUpdate(String sku, String listingSku, long quantity, long version, Instant changedAt) {
}

package dev.orderhub.channel;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.orderhub.channel.ChannelProperties.Buffer;
import dev.orderhub.connector.manifest.ConnectorSettings;

/**
 * A connected sales channel account: the locations serving its merchant-fulfilled listings in
 * priority order, its safety buffer and cap, its listing skus, the connector that reaches it
 * (none for a hub-native channel) and its stock sink (if stock is pushed to it).
 */
public record Channel(String id, String name, String kind, List<String> locations, Buffer buffer, Long maxAvailable,
                      @JsonIgnore Map<String, Buffer> skuBuffers, @JsonIgnore Map<String, String> listingToHub,
                      @JsonIgnore Map<String, ChannelProperties.ListingConfig> listings, ChannelConnector connector, StockSink stockSink, @JsonIgnore Webhook webhook,
                      String fulfilmentTarget) {

    /** Whether {@code connector} reaches this channel. */
    public boolean usesConnector(String connector) {
        return this.connector != null && this.connector.name().equals(connector);
    }

    /** Whether the channel sends signed order webhooks (a secret is configured). */
    public boolean signsWebhooks() {
        return webhook != null;
    }

    /** The hub sku a listing sku of this channel stands for (itself when not mapped). */
    public String hubSku(String listingSku) {
        return listingToHub.getOrDefault(listingSku, listingSku);
    }

    /** The listing sku this channel knows a hub sku by (itself when not mapped). */
    public String listingSku(String hubSku) {
        for (Map.Entry<String, String> mapping : listingToHub.entrySet()) {
            if (mapping.getValue().equals(hubSku)) {
                return mapping.getKey();
            }
        }
        return hubSku;
    }

    /** The buffer for this sku: its override, else the channel's. */
    public Buffer bufferFor(String sku) {
        return skuBuffers.getOrDefault(sku, buffer);
    }

    /**
     * The secret signing the channel's order webhooks and the timestamp tolerance; never shown.
     * {@code acceptsKeyedOrders}: an integration key for this channel may also post its orders unsigned.
     */
    public record Webhook(String secret, int toleranceSeconds, boolean acceptsKeyedOrders) {

        @Override
        public String toString() {
            return "Webhook[secret=****, toleranceSeconds=" + toleranceSeconds + ", acceptsKeyedOrders="
                    + acceptsKeyedOrders + "]";
        }
    }

    /**
     * The connector reaching this channel and the channel's properties for it, validated against
     * the connector's manifest. The settings may hold credentials, so they never appear in the API.
     */
    public record ChannelConnector(String name, @JsonIgnore ConnectorSettings settings) {
    }

    /** How this channel's stock is pushed through its connector: batch size and the rate limit. */
    public record StockSink(String connector, int batchSize, double rate, double burst) {
    }
}

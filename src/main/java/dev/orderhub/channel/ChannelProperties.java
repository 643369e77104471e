package dev.orderhub.channel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The channels and locations of config/channels.yaml, as configured (order kept). */
@ConfigurationProperties("orderhub")
public record ChannelProperties(Map<String, LocationConfig> locations, Map<String, ChannelConfig> channels,
                                Buffer defaultBuffer) {

    public ChannelProperties {
        locations = locations == null ? Map.of() : new LinkedHashMap<>(locations);
        channels = channels == null ? Map.of() : new LinkedHashMap<>(channels);
    }

    /** A stock location; {@code owner} names the channel whose network holds a CHANNEL_OWNED location. */
    public record LocationConfig(String name, LocationKind kind, String owner) {
    }

    /**
     * A channel: the locations serving its merchant-fulfilled listings in priority order, its
     * safety buffer (with per-sku overrides), the most it may ever be offered, its listing
     * skus that differ from hub skus, the connector that reaches it (with that connector's
     * properties), how its stock is pushed, the secret its signed order webhooks carry, and the
     * fulfilment target its reserved orders are sent to (none: the seller ships them, or routes
     * them one by one through the API).
     */
    public record ChannelConfig(String name, String kind, List<String> locations, Buffer buffer, Long maxAvailable,
                                Map<String, Buffer> skuBuffers, Map<String, String> skus,
                                Map<String, ListingConfig> listings, ConnectorConfig connector,
                                StockSinkConfig stockSink, WebhookConfig webhook, String fulfilmentTarget) {
    }

    /**
     * A listing the channel has, keyed by its listing sku, for a channel whose connector does
     * not read its listings: the hub sku it sells (default: the {@code skus} mapping, else the
     * listing sku itself), who fulfils it (MERCHANT, the default, or CHANNEL: FBA, FBB, never
     * given a merchant quantity) and its state (ACTIVE, the default, INACTIVE or CLOSED). A
     * channel that lists any is pushed stock for its merchant-fulfilled ones only.
     */
    public record ListingConfig(String sku, String fulfilledBy, String state) {
    }

    /**
     * The connector that reaches a channel (its folder under connectors/) and the channel's
     * properties for it, as that connector's manifest declares them (url, account ids,
     * credentials as ${VAR} placeholders, ...).
     */
    public record ConnectorConfig(String name, Map<String, Object> properties) {
    }

    /**
     * Signed order webhooks from the channel (POST /api/channels/{channel}/webhooks/orders): the
     * shared secret (from the environment, never in the file) and how far the signed timestamp
     * may be from the hub's clock, in seconds (default 300). Such a channel takes orders signed
     * only; {@code acceptKeyedOrders: true} also lets an integration key named for the channel
     * post them unsigned to POST /api/channels/{channel}/orders.
     */
    public record WebhookConfig(String secret, Integer toleranceSeconds, Boolean acceptKeyedOrders) {
    }

    /** Units held back from a channel: a fixed number, a percentage of what is available, or both (the larger wins). */
    public record Buffer(Long units, Integer percent) {
    }

    /**
     * How a channel's available-to-sell is pushed through its connector (when the connector can
     * push stock): {@code enabled: false} stops it; rate, burst and batch size default to the
     * manifest's stock-push operation (the batch never above the manifest's).
     */
    public record StockSinkConfig(Boolean enabled, Integer batchSize, Double rate, Double burst) {
    }
}

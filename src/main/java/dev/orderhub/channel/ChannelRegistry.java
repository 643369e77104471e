package dev.orderhub.channel;

import dev.orderhub.connector.manifest.Capability;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import dev.orderhub.connector.manifest.OperationPolicy;
import dev.orderhub.connector.manifest.WrittenValues;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.orderhub.channel.ChannelProperties.Buffer;
import dev.orderhub.channel.ChannelProperties.ChannelConfig;
import dev.orderhub.channel.ChannelProperties.ConnectorConfig;
import dev.orderhub.channel.ChannelProperties.StockSinkConfig;
import dev.orderhub.connector.manifest.ConnectorConfigurationException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.stereotype.Service;

/** What is configured: channels and locations, checked once at start-up. */
@Service
@EnableConfigurationProperties(ChannelProperties.class)
public class ChannelRegistry {

    private static final Buffer NO_BUFFER = new Buffer(0L, 0);

    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Map<String, Location> locations = new LinkedHashMap<>();

    /** For tests: nothing known of how the connector properties were written. */
    public ChannelRegistry(ChannelProperties properties, ConnectorManifests connectors) {
        this(properties, connectors, prefix -> WrittenValues.unknown());
    }

    /** The hub's: the configuration's keys checked first (a misspelt one stops the hub), then its values. */
    @Autowired
    public ChannelRegistry(ChannelProperties properties, ConnectorManifests connectors, ConfigurableEnvironment environment) {
        this(checkedKeys(properties, environment), connectors, prefix -> WrittenValues.of(environment, prefix));
    }

    private static ChannelProperties checkedKeys(ChannelProperties properties, ConfigurableEnvironment environment) {
        ConnectorConfigurationException.throwIfAny(ChannelKeys.problems(environment));
        return properties;
    }

    /**
     * @param written how the configuration files write the properties under a prefix, so a
     *                secret written as a value (not as a ${VAR}) stops the hub
     */
    public ChannelRegistry(ChannelProperties properties, ConnectorManifests connectors,
                           Function<String, WrittenValues> written) {
        properties.locations().forEach((id, cfg) -> locations.put(id, new Location(id,
                cfg.name() == null ? id : cfg.name(), cfg.kind() == null ? LocationKind.OWN : cfg.kind(), cfg.owner())));
        Buffer pushedDefault = properties.defaultBuffer() == null ? NO_BUFFER
                : checked("(default)", "defaultBuffer", properties.defaultBuffer());
        properties.channels().forEach((id, cfg) -> channels.put(id, channel(id, cfg, connectors, pushedDefault, written)));
        locations.values().stream().filter(l -> l.kind() == LocationKind.CHANNEL_OWNED).forEach(l -> {
            if (l.owner() == null || !channels.containsKey(l.owner())) {
                throw new IllegalStateException("channels.yaml: channel-owned location " + l.id()
                        + " needs an owner that is a configured channel, has " + l.owner());
            }
        });
    }

    private Channel channel(String id, ChannelConfig cfg, ConnectorManifests connectors, Buffer pushedDefault,
                            Function<String, WrittenValues> written) {
        List<String> served = cfg.locations() == null ? List.of() : List.copyOf(cfg.locations());
        for (String location : served) {
            Location known = locations.get(location);
            if (known == null) {
                throw new IllegalStateException("channels.yaml: channel " + id + " names unknown location " + location);
            }
            if (known.kind() == LocationKind.CHANNEL_OWNED) {
                throw new IllegalStateException("channels.yaml: channel " + id + " lists " + location + ", which is "
                        + "channel-owned stock: it never counts toward a merchant-fulfilled listing");
            }
        }
        // A channel the hub pushes stock to is shown its stock with some delay: unless it says
        // otherwise it holds back the default buffer. Hub-native channels reserve live: none.
        Channel.ChannelConnector connector = cfg.connector() == null ? null : connector(id, cfg.connector(), connectors, written);
        Channel.StockSink sink = sink(id, connector, cfg.stockSink(), connectors);
        Buffer buffer = checked(id, "buffer", cfg.buffer() != null ? cfg.buffer() : sink != null ? pushedDefault : NO_BUFFER);
        Map<String, Buffer> skuBuffers = new LinkedHashMap<>();
        if (cfg.skuBuffers() != null) {
            cfg.skuBuffers().forEach((sku, b) -> skuBuffers.put(sku, checked(id, "skuBuffers." + sku, b)));
        }
        if (cfg.maxAvailable() != null && cfg.maxAvailable() < 0) {
            throw new IllegalStateException("channels.yaml: channel " + id + " maxAvailable must be 0 or more");
        }
        Map<String, String> skus = cfg.skus() == null ? Map.of() : Map.copyOf(cfg.skus());
        return new Channel(id, cfg.name() == null ? id : cfg.name(), cfg.kind() == null ? "NATIVE" : cfg.kind(), served,
                buffer, cfg.maxAvailable(), Map.copyOf(skuBuffers), skus, listings(id, cfg.listings(), skus), connector, sink, webhook(id, cfg.webhook()), cfg.fulfilmentTarget());
    }

    /** The configured listings, checked and with their defaults: hub sku from the skus mapping, MERCHANT, ACTIVE. */
    private static Map<String, ChannelProperties.ListingConfig> listings(String channel,
                                                                         Map<String, ChannelProperties.ListingConfig> cfg,
                                                                         Map<String, String> skus) {
        if (cfg == null) {
            return Map.of();
        }
        Map<String, ChannelProperties.ListingConfig> listings = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        cfg.forEach((listingSku, listing) -> {
            String at = "channels.yaml: orderhub.channels." + channel + ".listings." + listingSku;
            String sku = listing == null || listing.sku() == null || listing.sku().isBlank()
                    ? skus.getOrDefault(listingSku, listingSku) : listing.sku();
            String fulfilledBy = listing == null || listing.fulfilledBy() == null ? "MERCHANT"
                    : listing.fulfilledBy().toUpperCase(java.util.Locale.ROOT);
            String state = listing == null || listing.state() == null ? "ACTIVE" : listing.state().toUpperCase(java.util.Locale.ROOT);
            if (!List.of("MERCHANT", "CHANNEL").contains(fulfilledBy)) {
                problems.add(at + ".fulfilledBy: must be MERCHANT or CHANNEL, not " + listing.fulfilledBy());
            }
            if (!List.of("ACTIVE", "INACTIVE", "CLOSED").contains(state)) {
                problems.add(at + ".state: must be ACTIVE, INACTIVE or CLOSED, not " + listing.state());
            }
            if (listingSku.length() > 200 || sku.length() > 200) {
                problems.add(at + ": a listing sku and its sku are at most 200 characters");
            }
            listings.put(listingSku, new ChannelProperties.ListingConfig(sku, fulfilledBy, state));
        });
        ConnectorConfigurationException.throwIfAny(problems);
        return java.util.Collections.unmodifiableMap(listings);
    }

    /** Signed webhooks need a real secret: an empty one (an unset environment variable) turns them off. */
    private static Channel.Webhook webhook(String channel, ChannelProperties.WebhookConfig cfg) {
        if (cfg == null || cfg.secret() == null || cfg.secret().isBlank()) {
            return null;
        }
        if (cfg.secret().length() < 16) {
            throw new IllegalStateException("channels.yaml: channel " + channel + " webhook.secret must be at least 16 characters");
        }
        int tolerance = cfg.toleranceSeconds() == null ? 300 : cfg.toleranceSeconds();
        if (tolerance < 1) {
            throw new IllegalStateException("channels.yaml: channel " + channel + " webhook.toleranceSeconds must be 1 or more");
        }
        return new Channel.Webhook(cfg.secret(), tolerance, Boolean.TRUE.equals(cfg.acceptKeyedOrders()));
    }

    private static Channel.ChannelConnector connector(String channel, ConnectorConfig cfg, ConnectorManifests connectors,
                                                      Function<String, WrittenValues> written) {
        String source = "channels.yaml: orderhub.channels." + channel + ".connector";
        if (cfg.name() == null || cfg.name().isBlank()) {
            throw new ConnectorConfigurationException(List.of(source + ".name: missing: which connector reaches the channel"
                    + " (installed: " + String.join(", ", connectors.all().stream().map(ConnectorManifest::name).toList()) + ")"));
        }
        ConnectorSettings settings = connectors.settings(cfg.name(), channel, source + ".properties",
                cfg.properties() == null ? Map.of() : cfg.properties(),
                written.apply("orderhub.channels." + channel + ".connector.properties"));
        return new Channel.ChannelConnector(cfg.name(), settings);
    }

    /**
     * The channel's stock sink: every channel whose connector can push stock has one, unless
     * {@code stockSink.enabled} is false. Rate, burst and batch come from the manifest's
     * stock-push operation unless the channel says otherwise (the batch never above the manifest's).
     */
    private static Channel.StockSink sink(String channel, Channel.ChannelConnector connector, StockSinkConfig cfg,
                                          ConnectorManifests connectors) {
        String source = "channels.yaml: orderhub.channels." + channel + ".stockSink";
        if (connector == null) {
            if (cfg != null && !Boolean.FALSE.equals(cfg.enabled())) {
                throw new ConnectorConfigurationException(List.of(source + ": the channel names no connector to push "
                        + "stock through (orderhub.channels." + channel + ".connector.name)"));
            }
            return null;
        }
        ConnectorManifest manifest = connectors.require(connector.name(), source);
        if (!manifest.can(Capability.STOCK_OUT)) {
            if (cfg != null && !Boolean.FALSE.equals(cfg.enabled())) {
                throw new ConnectorConfigurationException(List.of(source + ": connector " + connector.name()
                        + " cannot push stock (" + manifest.whyNot(Capability.STOCK_OUT)
                        .orElse("stock-out is not among its capabilities") + ")"));
            }
            return null;
        }
        if (cfg != null && Boolean.FALSE.equals(cfg.enabled())) {
            return null;
        }
        OperationPolicy limit = manifest.operation("stock-push").orElse(null);
        double rate = cfg != null && cfg.rate() != null ? cfg.rate() : limit != null && limit.rate() != null ? limit.rate() : 1.0;
        double burst = cfg != null && cfg.burst() != null ? cfg.burst() : limit != null && limit.burst() != null ? limit.burst() : 1.0;
        int maxBatch = limit != null && limit.batch() != null ? limit.batch() : 1;
        int batch = Math.min(cfg != null && cfg.batchSize() != null ? cfg.batchSize() : maxBatch, maxBatch);
        if (rate <= 0 || burst < 1) {
            throw new ConnectorConfigurationException(List.of(source + ": rate must be above 0 and burst at least 1, has rate "
                    + rate + ", burst " + burst));
        }
        return new Channel.StockSink(connector.name(), Math.max(1, batch), rate, burst);
    }

    private static Buffer checked(String channel, String field, Buffer buffer) {
        long units = buffer.units() == null ? 0 : buffer.units();
        int percent = buffer.percent() == null ? 0 : buffer.percent();
        if (units < 0 || percent < 0 || percent > 100) {
            throw new IllegalStateException("channels.yaml: channel " + channel + " " + field
                    + " needs units >= 0 and percent 0..100, has " + buffer);
        }
        return new Buffer(units, percent);
    }

    public Collection<Channel> channels() {
        return List.copyOf(channels.values());
    }

    /** Channels whose stock is pushed somewhere. */
    public List<Channel> pushedChannels() {
        return channels.values().stream().filter(c -> c.stockSink() != null).toList();
    }

    public Collection<Location> locations() {
        return List.copyOf(locations.values());
    }

    public Optional<Channel> channel(String id) {
        return Optional.ofNullable(channels.get(id));
    }

    public Optional<Location> location(String id) {
        return Optional.ofNullable(locations.get(id));
    }

    /** Channels whose available-to-sell depends on this location. */
    public List<Channel> channelsServedBy(String location) {
        List<Channel> served = new ArrayList<>();
        for (Channel channel : channels.values()) {
            if (channel.locations().contains(location)) {
                served.add(channel);
            }
        }
        return served;
    }
}

package dev.orderhub.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.channel.ChannelProperties.Buffer;
import dev.orderhub.channel.ChannelProperties.ChannelConfig;
import dev.orderhub.channel.ChannelProperties.ConnectorConfig;
import dev.orderhub.channel.ChannelProperties.LocationConfig;
import dev.orderhub.channel.ChannelProperties.StockSinkConfig;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.junit.jupiter.api.Test;

/** What config/channels.yaml may say, checked at start-up against the installed connectors. */
class ChannelRegistryTest {

    private static final ConnectorManifests CONNECTORS = ConnectorManifests.discover(Path.of("src/test/resources/manifest/connectors"));
    // testshop: stock-out, url required, stock-push rate 2, burst 1, batch 100 (core tests use no real connector folder)

    private static Map<String, LocationConfig> locations() {
        Map<String, LocationConfig> locations = new LinkedHashMap<>();
        locations.put("main", new LocationConfig("Main", LocationKind.OWN, null));
        locations.put("tpl", new LocationConfig("3PL", LocationKind.THREE_PL, null));
        locations.put("fba-de", new LocationConfig("FBA DE", LocationKind.CHANNEL_OWNED, "amazon-de"));
        return locations;
    }

    private static ChannelConfig channel(List<String> served, Buffer buffer, ConnectorConfig connector) {
        return channel(served, buffer, connector, null);
    }

    private static ChannelConfig channel(List<String> served, Buffer buffer, ConnectorConfig connector, StockSinkConfig sink) {
        return new ChannelConfig(null, null, served, buffer, null, null, null, null, connector, sink, null, null);
    }

    private static ConnectorConfig webhook(Map<String, Object> properties) {
        return new ConnectorConfig("testshop", properties);
    }

    @Test
    void pushedChannelsGetTheDefaultBufferAndTheManifestsRateUnlessTheySayOtherwise() {
        Map<String, ChannelConfig> channels = new LinkedHashMap<>();
        channels.put("amazon-de", channel(List.of("main", "tpl"), null, webhook(Map.of("url", "http://127.0.0.1:1/x"))));
        channels.put("shop", channel(List.of("main"), new Buffer(0L, 10), webhook(Map.of("url", "http://127.0.0.1:1/y"))));
        channels.put("pos", channel(List.of("main"), null, null));

        ChannelRegistry registry = new ChannelRegistry(new ChannelProperties(locations(), channels, new Buffer(1L, null)),
                CONNECTORS);

        Channel amazon = registry.channel("amazon-de").orElseThrow();
        assertThat(amazon.buffer()).isEqualTo(new Buffer(1L, 0));
        assertThat(amazon.stockSink().rate()).isEqualTo(2.0);
        assertThat(amazon.stockSink().batchSize()).isEqualTo(100);
        assertThat(registry.channel("shop").orElseThrow().buffer()).isEqualTo(new Buffer(0L, 10));
        assertThat(registry.channel("pos").orElseThrow().buffer()).isEqualTo(new Buffer(0L, 0));
        assertThat(registry.pushedChannels()).extracting(Channel::id).containsExactly("amazon-de", "shop");
        assertThat(registry.channelsServedBy("tpl")).extracting(Channel::id).containsExactly("amazon-de");
    }

    @Test
    void channelOwnedStockNeverServesAMerchantFulfilledListing() {
        Map<String, ChannelConfig> channels = Map.of("amazon-de", channel(List.of("main", "fba-de"), null, null));

        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(), channels, null), CONNECTORS))
                .hasMessageContaining("fba-de, which is channel-owned stock");
    }

    @Test
    void mistakesInChannelsYamlStopTheHubWithTheirReason() {
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(),
                Map.of("x", channel(List.of("attic"), null, null)), null), CONNECTORS))
                .hasMessageContaining("unknown location attic");
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(),
                Map.of("x", channel(List.of("main"), null, new ConnectorConfig("carrier-pigeon", Map.of()))),
                null), CONNECTORS))
                .hasMessageContaining("unknown connector \"carrier-pigeon\"");
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(),
                Map.of("x", channel(List.of("main"), null, webhook(Map.of()))), null), CONNECTORS))
                .hasMessageContaining("x.connector.properties.url: missing: connector testshop needs it");
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(),
                Map.of("x", channel(List.of("main"), null, null, new StockSinkConfig(null, null, 2.0, null))), null), CONNECTORS))
                .hasMessageContaining("x.stockSink: the channel names no connector to push stock through");
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(),
                Map.of("x", channel(List.of("main"), new Buffer(0L, 150), null)), null), CONNECTORS))
                .hasMessageContaining("percent 0..100");
    }

    @Test
    void aChannelWhoseConnectorCanPushStockIsPushedUnlessItSaysNot() {
        Map<String, ChannelConfig> channels = new LinkedHashMap<>();
        channels.put("on", channel(List.of("main"), null, webhook(Map.of("url", "http://127.0.0.1:1/x"))));
        channels.put("off", channel(List.of("main"), null, webhook(Map.of("url", "http://127.0.0.1:1/y")),
                new StockSinkConfig(false, null, null, null)));
        channels.put("tuned", channel(List.of("main"), null, webhook(Map.of("url", "http://127.0.0.1:1/z")),
                new StockSinkConfig(null, 5000, 2.0, 3.0)));
        channels.put("amazon-de", channel(List.of("main"), null, null));

        ChannelRegistry registry = new ChannelRegistry(new ChannelProperties(locations(), channels, null), CONNECTORS);

        assertThat(registry.pushedChannels()).extracting(Channel::id).containsExactly("on", "tuned");
        assertThat(registry.channel("off").orElseThrow().usesConnector("testshop")).isTrue();
        Channel.StockSink tuned = registry.channel("tuned").orElseThrow().stockSink();
        assertThat(tuned.rate()).isEqualTo(2.0);
        assertThat(tuned.burst()).isEqualTo(3.0);
        assertThat(tuned.batchSize()).as("never above the manifest's batch").isEqualTo(100);
    }

    @Test
    void misspeltKeysInChannelsYamlAreNamedNotIgnored() {
        assertThat(ChannelKeys.problem("orderhub.channels.shop.stokSink.rate"))
                .isEqualTo("unknown key \"stokSink\" of channel shop (did you mean \"stockSink\"?) (known: name, kind, "
                        + "locations, buffer, maxAvailable, skuBuffers, skus, listings, connector, stockSink, webhook, fulfilmentTarget, "
                        + "personalDataRetentionDays, kpiThresholds)");
        assertThat(ChannelKeys.problem("orderhub.channels.shop.personal-data-retention-days")).isNull();
        assertThat(ChannelKeys.problem("orderhub.channels.shop.kpi-thresholds.lsr.warn")).isNull();
        assertThat(ChannelKeys.problem("orderhub.channels.shop.stock-sink.batchsize")).isNull();
        assertThat(ChannelKeys.problem("orderhub.channels.shop.stockSink.batchSise")).contains("did you mean \"batchSize\"");
        assertThat(ChannelKeys.problem("orderhub.channels.shop.connector.nmae")).contains("did you mean \"name\"");
        assertThat(ChannelKeys.problem("orderhub.channels.shop.connector.properties.anything")).as("the manifest's to check").isNull();
        assertThat(ChannelKeys.problem("orderhub.channels.shop.locations[0]")).isNull();
        assertThat(ChannelKeys.problem("orderhub.channels.shop.skus.SHOP-1")).isNull();
        assertThat(ChannelKeys.problem("orderhub.channels.shop.skuBuffers.A-1.unit")).contains("did you mean \"units\"");
        assertThat(ChannelKeys.problem("orderhub.locations.main.knd")).contains("did you mean \"kind\"");
    }

    @Test
    void aMisspeltKeyInTheConfigurationStopsTheHubNamingItsSource() {
        org.springframework.core.env.StandardEnvironment environment = new org.springframework.core.env.StandardEnvironment();
        environment.getPropertySources().addFirst(new org.springframework.core.env.MapPropertySource("channels-file", Map.of(
                "orderhub.channels.shop.name", "Shop",
                "orderhub.channels.shop.stokSink.rate", "5",
                "orderhub.channels.shop.connector.properties.url", "http://127.0.0.1:1/x")));

        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(), Map.of(), null), CONNECTORS, environment))
                .hasMessageStartingWith("channels-file: orderhub.channels.shop.stokSink.rate: unknown key \"stokSink\" of channel shop");
    }

    @Test
    void channelOwnedLocationNeedsAConfiguredOwner() {
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(), Map.of(), null), CONNECTORS))
                .hasMessageContaining("fba-de needs an owner");
    }
}

package dev.orderhub.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.orderhub.channel.ChannelProperties.Buffer;
import dev.orderhub.channel.ChannelProperties.ChannelConfig;
import dev.orderhub.channel.ChannelProperties.LocationConfig;
import dev.orderhub.channel.ChannelProperties.StockSinkConfig;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.junit.jupiter.api.Test;

/** What config/channels.yaml may say, checked at start-up against the installed connectors. */
class ChannelRegistryTest {

    private static final ConnectorManifests CONNECTORS = ConnectorManifests.discover(Path.of("connectors"));

    private static Map<String, LocationConfig> locations() {
        Map<String, LocationConfig> locations = new LinkedHashMap<>();
        locations.put("main", new LocationConfig("Main", LocationKind.OWN, null));
        locations.put("tpl", new LocationConfig("3PL", LocationKind.THREE_PL, null));
        locations.put("fba-de", new LocationConfig("FBA DE", LocationKind.CHANNEL_OWNED, "amazon-de"));
        return locations;
    }

    private static ChannelConfig channel(List<String> served, Buffer buffer, StockSinkConfig sink) {
        return new ChannelConfig(null, null, served, buffer, null, null, null, sink, null, null);
    }

    private static StockSinkConfig webhook(Map<String, String> properties) {
        return new StockSinkConfig("webhook", properties, null, null, null);
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
        assertThat(amazon.stockSink().rate()).isEqualTo(5.0);
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
                Map.of("x", channel(List.of("main"), null, new StockSinkConfig("carrier-pigeon", Map.of(), null, null, null))),
                null), CONNECTORS))
                .hasMessageContaining("unknown connector \"carrier-pigeon\"");
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(),
                Map.of("x", channel(List.of("main"), null, webhook(Map.of()))), null), CONNECTORS))
                .hasMessageContaining("stockSink.properties.url: missing: connector webhook needs it");
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(),
                Map.of("x", channel(List.of("main"), new Buffer(0L, 150), null)), null), CONNECTORS))
                .hasMessageContaining("percent 0..100");
    }

    @Test
    void channelOwnedLocationNeedsAConfiguredOwner() {
        assertThatThrownBy(() -> new ChannelRegistry(new ChannelProperties(locations(), Map.of(), null), CONNECTORS))
                .hasMessageContaining("fba-de needs an owner");
    }
}

package dev.orderhub.channel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The channels and locations of config/channels.yaml, as configured (order kept). */
@ConfigurationProperties("orderhub")
public record ChannelProperties(Map<String, LocationConfig> locations, Map<String, ChannelConfig> channels) {

    public ChannelProperties {
        locations = locations == null ? Map.of() : new LinkedHashMap<>(locations);
        channels = channels == null ? Map.of() : new LinkedHashMap<>(channels);
    }

    public record LocationConfig(String name, LocationKind kind) {
    }

    public record ChannelConfig(String name, String kind, List<String> locations) {
    }
}

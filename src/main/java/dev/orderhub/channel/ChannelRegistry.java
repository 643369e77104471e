package dev.orderhub.channel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/** What is configured: channels and locations. Checked once at start-up. */
@Service
@EnableConfigurationProperties(ChannelProperties.class)
public class ChannelRegistry {

    private final Map<String, Channel> channels = new LinkedHashMap<>();
    private final Map<String, Location> locations = new LinkedHashMap<>();

    public ChannelRegistry(ChannelProperties properties) {
        properties.locations().forEach((id, cfg) -> locations.put(id, new Location(id,
                cfg.name() == null ? id : cfg.name(), cfg.kind() == null ? LocationKind.OWN : cfg.kind())));
        properties.channels().forEach((id, cfg) -> {
            List<String> served = cfg.locations() == null ? List.of() : List.copyOf(cfg.locations());
            for (String location : served) {
                if (!locations.containsKey(location)) {
                    throw new IllegalStateException("channels.yaml: channel " + id + " names unknown location " + location);
                }
            }
            channels.put(id, new Channel(id, cfg.name() == null ? id : cfg.name(),
                    cfg.kind() == null ? "NATIVE" : cfg.kind(), served));
        });
    }

    public Collection<Channel> channels() {
        return List.copyOf(channels.values());
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

    /** Channels whose stock depends on this location. */
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

package dev.orderhub.channel;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.connector.ChannelSettings;
import org.springframework.stereotype.Component;

/** {@link ChannelSettings} from channels.yaml: the channels whose stock sink names the connector, and its properties. */
@Component
public class ConfiguredChannelSettings implements ChannelSettings {

    private final ChannelRegistry channels;

    public ConfiguredChannelSettings(ChannelRegistry channels) {
        this.channels = channels;
    }

    @Override
    public List<String> channels(String connector) {
        return channels.channels().stream()
                .filter(c -> c.stockSink() != null && c.stockSink().connector().equals(connector))
                .map(Channel::id).toList();
    }

    @Override
    public Optional<Map<String, String>> of(String connector, String channel) {
        return channels.channel(channel).map(Channel::stockSink).filter(s -> s.connector().equals(connector))
                .map(Channel.StockSink::properties);
    }
}

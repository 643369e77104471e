package dev.orderhub.channel;

import java.util.List;
import java.util.Optional;

import dev.orderhub.connector.ChannelSettings;
import dev.orderhub.connector.manifest.ConnectorSettings;
import org.springframework.stereotype.Component;

/** {@link ChannelSettings} from channels.yaml: the channels whose {@code connector} names the connector, and their properties. */
@Component
public class ConfiguredChannelSettings implements ChannelSettings {

    private final ChannelRegistry channels;

    public ConfiguredChannelSettings(ChannelRegistry channels) {
        this.channels = channels;
    }

    @Override
    public List<String> channels(String connector) {
        return channels.channels().stream().filter(c -> c.usesConnector(connector)).map(Channel::id).toList();
    }

    @Override
    public Optional<ConnectorSettings> settings(String connector, String channel) {
        return channels.channel(channel).filter(c -> c.usesConnector(connector)).map(c -> c.connector().settings());
    }
}

package dev.orderhub.connector;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.orderhub.connector.manifest.ConnectorSettings;

/**
 * The channels configured for a connector and each one's properties
 * ({@code orderhub.channels.<id>.connector} in channels.yaml), validated against the
 * connector's manifest at start-up; implemented by the core. Secrets are in the values: never
 * log them.
 */
public interface ChannelSettings {

    /** The channels that name this connector. */
    List<String> channels(String connector);

    /** The channel's properties for this connector, typed, with the manifest's defaults; empty when the channel does not use it. */
    Optional<ConnectorSettings> settings(String connector, String channel);

    /** The same as text (arrays comma-joined), e.g. for a Kamelet's parameters. */
    default Optional<Map<String, String>> of(String connector, String channel) {
        return settings(connector, channel).map(ConnectorSettings::asParameters);
    }
}

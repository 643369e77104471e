package dev.orderhub.connector;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The channels configured for a connector and each one's properties (channels.yaml), as the
 * connector's manifest declares them; implemented by the core. Secrets are in the values:
 * never log them.
 */
public interface ChannelSettings {

    /** The channels that name this connector. */
    List<String> channels(String connector);

    /** The properties a channel gives this connector; empty when the channel does not use it. */
    Optional<Map<String, String>> of(String connector, String channel);
}

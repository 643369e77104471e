package dev.orderhub.privacy;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long personal data is kept: {@code orderhub.privacy.personal-data-retention-days} for
 * every channel, or a channel's own {@code personalDataRetentionDays} in config/channels.yaml
 * (read here from the same {@code orderhub.channels} map the channel registry reads).
 */
@ConfigurationProperties("orderhub")
public record PrivacyProperties(Privacy privacy, Map<String, ChannelRetention> channels) {

    public PrivacyProperties {
        privacy = privacy == null ? new Privacy(null, null, null) : privacy;
        channels = channels == null ? Map.of() : Map.copyOf(channels);
    }

    /** Hub-wide: the default retention, how often the job looks, and how many orders one pass erases at most. */
    public record Privacy(Integer personalDataRetentionDays, Long erasureIntervalMs, Integer erasureBatchSize) {

        public Privacy {
            personalDataRetentionDays = personalDataRetentionDays == null ? 90 : personalDataRetentionDays;
            erasureIntervalMs = erasureIntervalMs == null ? 3_600_000L : erasureIntervalMs;
            erasureBatchSize = erasureBatchSize == null ? 500 : erasureBatchSize;
            if (personalDataRetentionDays < 0) {
                throw new IllegalArgumentException("orderhub.privacy.personal-data-retention-days: must be 0 or more, was "
                        + personalDataRetentionDays);
            }
        }
    }

    /** A channel's own retention, in days after delivery or cancellation (after shipment where no delivery is reported). */
    public record ChannelRetention(Integer personalDataRetentionDays) {
    }

    /** The retention of this channel's orders, in days. */
    public int retentionDays(String channel) {
        ChannelRetention own = channels.get(channel);
        int days = own == null || own.personalDataRetentionDays() == null ? privacy.personalDataRetentionDays()
                : own.personalDataRetentionDays();
        if (days < 0) {
            throw new IllegalArgumentException("orderhub.channels." + channel + ".personalDataRetentionDays: must be 0 or more, was "
                    + days);
        }
        return days;
    }
}

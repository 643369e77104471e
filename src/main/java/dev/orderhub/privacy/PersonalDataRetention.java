package dev.orderhub.privacy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.orderhub.messaging.ExceptionStore;
import dev.orderhub.order.PersonalDataErasure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The retention job (routes/privacy.camel.yaml calls it on a {@code master:personal-data-retention:}
 * timer, on the one instance of the cluster holding that lease): erases the personal data of
 * orders that were delivered or cancelled (shipped, where the hub hears of no delivery) more than their channel's retention
 * days ago, and the payloads of exception store entries closed longer than the hub-wide
 * retention ago. Open entries stay whole: a person still has to decide on them.
 */
@Component("personalDataRetention")
@EnableConfigurationProperties(PrivacyProperties.class)
public class PersonalDataRetention {

    private static final Logger LOG = LoggerFactory.getLogger(PersonalDataRetention.class);

    private final PersonalDataErasure erasure;
    private final ExceptionStore exceptions;
    private final PrivacyProperties properties;
    private final Clock clock;

    public PersonalDataRetention(PersonalDataErasure erasure, ExceptionStore exceptions,
                                 PrivacyProperties properties, Clock clock) {
        this.erasure = erasure;
        this.exceptions = exceptions;
        this.properties = properties;
        this.clock = clock;
    }

    /** One pass; returns how many orders it erased. */
    public int eraseDue() {
        Instant now = clock.instant();
        int batch = properties.privacy().erasureBatchSize();
        int total = 0;
        Set<String> configured = properties.channels().keySet();
        for (String channel : configured) {
            total += eraseAll(channel, configured, now.minus(Duration.ofDays(properties.retentionDays(channel))), batch,
                    "retention: " + properties.retentionDays(channel) + " days after the order finished (channel " + channel + ")");
        }
        // Orders of channels no longer configured keep the hub-wide retention.
        int days = properties.privacy().personalDataRetentionDays();
        total += eraseAll(null, configured, now.minus(Duration.ofDays(days)), batch,
                "retention: " + days + " days after the order finished");
        int payloads = 0;
        int erased;
        do {
            erased = exceptions.eraseClosedBefore(now.minus(Duration.ofDays(days)), "personal data erased after " + days + " days");
            payloads += erased;
        } while (erased == 500);
        if (total > 0 || payloads > 0) {
            LOG.info("personal data retention: erased {} orders and {} closed exception payloads", total, payloads);
        }
        return total;
    }

    private int eraseAll(String channel, Set<String> configured, Instant before, int batch, String detail) {
        int total = 0;
        List<String> erased;
        do {
            erased = erasure.eraseFinished(channel, configured, before, batch, detail);
            total += erased.size();
        } while (erased.size() == batch);
        return total;
    }
}

package dev.orderhub.connector;

import java.time.Instant;
import java.util.List;

/**
 * For a connector that learns only later that values it took were not applied (a feed's
 * processing report): the core pushes those listings again at {@code retryAt}, or sooner when
 * their value changes. Implemented by the core.
 */
public interface StockFeedback {

    void notTaken(String channel, List<String> listingSkus, String reason, Instant retryAt);
}

package dev.orderhub.connectors.shopify;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A shop's GraphQL cost bucket as Shopify last reported it ({@code extensions.cost.throttleStatus}:
 * maximumAvailable, currentlyAvailable, restoreRate), restored since at the reported rate. Before
 * a call it says how long until the points the call will request are there, so the connector waits
 * them out (a {@link dev.orderhub.connector.RetryLater}) instead of sending a call Shopify would
 * answer THROTTLED. Unknown until the first answer: nothing is held back then.
 *
 * <p>One per channel in this JVM: Shopify's bucket is per app and shop, and a second hub instance
 * learns the same bucket from its own answers (a THROTTLED answer teaches it at once).
 */
final class CostBudget {

    private double maximum = -1;
    private double available;
    private double restoreRate;
    private long atNanos;

    synchronized void learn(JsonNode throttleStatus) {
        if (!throttleStatus.has("currentlyAvailable") || !throttleStatus.has("restoreRate")) {
            return;
        }
        maximum = throttleStatus.path("maximumAvailable").asDouble();
        available = throttleStatus.path("currentlyAvailable").asDouble();
        restoreRate = throttleStatus.path("restoreRate").asDouble();
        atNanos = System.nanoTime();
    }

    /** Zero when {@code cost} points are (or are believed) available now, else the time until they will be. */
    synchronized Duration waitFor(double cost) {
        if (maximum < 0 || restoreRate <= 0 || cost <= 0) {
            return Duration.ZERO;
        }
        double now = available();
        if (now >= Math.min(cost, maximum)) {
            return Duration.ZERO;
        }
        return Duration.ofMillis((long) Math.ceil((Math.min(cost, maximum) - now) / restoreRate * 1000));
    }

    synchronized double available() {
        return Math.min(maximum, available + restoreRate * (System.nanoTime() - atNanos) / 1e9);
    }
}

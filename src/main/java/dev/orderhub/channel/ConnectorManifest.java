package dev.orderhub.channel;

import java.util.List;
import java.util.Map;

/**
 * A connector's self-description, read from {@code connectors/<system>/connector.yaml}: what it
 * is, what it can do, its typed properties and its default rate limits per operation.
 */
public record ConnectorManifest(String name, String kind, String description, List<String> capabilities,
                                Map<String, Property> properties, Map<String, RateLimit> rateLimits, StockOut stockOut) {

    /** A property the connector takes; secrets are never logged or shown. */
    public record Property(String title, String description, String type, boolean required, boolean secret,
                           String example) {
    }

    /** Requests per second and burst for one operation. */
    public record RateLimit(double rate, double burst) {
    }

    /** How stock is pushed: the Camel endpoint that sends one batch, and the largest batch the remote takes. */
    public record StockOut(String endpoint, int maxBatch) {
    }

    public boolean can(String capability) {
        return capabilities != null && capabilities.contains(capability);
    }
}

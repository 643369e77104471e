package dev.orderhub.connector.manifest;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A string property's format: checked on the value, and {@code password} marks a secret as Kamelets do. */
public enum PropertyFormat {
    /** An absolute URI with a scheme and a host, e.g. https://sellingpartnerapi-eu.amazon.com. */
    URI,
    /** A secret; only with {@code secret: true}. */
    PASSWORD,
    /** A duration written 500ms, 30s, 5m or 1h. */
    DURATION;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PropertyFormat> byId(String id) {
        return Arrays.stream(values()).filter(f -> f.id().equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(PropertyFormat::id).toList();
    }

    @Override
    public String toString() {
        return id();
    }
}

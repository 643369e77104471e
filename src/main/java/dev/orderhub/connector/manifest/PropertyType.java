package dev.orderhub.connector.manifest;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The JSON-schema types a connector property may have; objects are not allowed (flat properties, as in Kamelets). */
public enum PropertyType {
    STRING, INTEGER, NUMBER, BOOLEAN, ARRAY;

    /** The name written in connector.yaml, e.g. {@code integer}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PropertyType> byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(PropertyType::id).toList();
    }

    @Override
    public String toString() {
        return id();
    }
}

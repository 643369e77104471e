package dev.orderhub.connector.manifest;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What sort of system a connector talks to. */
public enum ConnectorKind {
    MARKETPLACE("marketplace"),
    SHOP("shop"),
    THIRD_PARTY_LOGISTICS("3pl"),
    CARRIER("carrier"),
    ERP("erp"),
    ACCOUNTING("accounting");

    private final String id;

    ConnectorKind(String id) {
        this.id = id;
    }

    /** The name written in connector.yaml, e.g. {@code 3pl}. */
    public String id() {
        return id;
    }

    public static Optional<ConnectorKind> byId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(ConnectorKind::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}

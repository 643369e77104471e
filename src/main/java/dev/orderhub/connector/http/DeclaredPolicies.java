package dev.orderhub.connector.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.orderhub.connector.manifest.ConnectorManifests;

/**
 * One connector's operation policies as its manifest declares them ({@link OperationPolicy#declared}),
 * each read once. The manifest is looked up at the first call, so a connector's beans can be
 * made in a hub that runs with another connectors folder.
 */
public final class DeclaredPolicies {

    private final ConnectorManifests manifests;
    private final String connector;
    private final Map<String, OperationPolicy> policies = new ConcurrentHashMap<>();

    public DeclaredPolicies(ConnectorManifests manifests, String connector) {
        this.manifests = manifests;
        this.connector = connector;
    }

    /** @throws IllegalStateException when the connector is not installed or declares no rate for the operation */
    public OperationPolicy get(String operation) {
        return policies.computeIfAbsent(operation, o -> OperationPolicy.declared(manifests.get(connector)
                .orElseThrow(() -> new IllegalStateException("connectors/" + connector + "/connector.yaml is not installed")), o));
    }
}

package dev.orderhub.connector.manifest;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A connector's self-description, read strictly from {@code connectors/<name>/connector.yaml}
 * (docs/connector-manifest.md): what it is, what it can and cannot do and why, the hosts it may
 * call, the one configuration schema of a channel using it, and the limits of each remote
 * operation.
 *
 * @param spec       the published spec its stub follows (a folder under ../shared/specs); null when none
 * @param lacks      each known capability it does not have, with the reason
 * @param hosts      host names it may call; an entry {@code ${property}} stands for the host of that
 *                   property's value (see {@link ConnectorSettings#allowedHosts()}); {@code *.example.com}
 *                   for any host under example.com
 * @param properties in the order written
 * @param operations in the order written
 * @param folder     where it was read from
 * @param kamelets   names of the Kamelets in its folder ({@code <name>.kamelet.yaml})
 */
public record ConnectorManifest(String name, ConnectorKind kind, String title, String description, String spec,
                                Set<Capability> capabilities, Map<Capability, String> lacks, List<String> hosts,
                                Map<String, PropertySpec> properties, Map<String, OperationPolicy> operations,
                                Path folder, List<String> kamelets) {

    public ConnectorManifest {
        capabilities = capabilities.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
        lacks = lacks.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(lacks));
        hosts = List.copyOf(hosts);
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        operations = Collections.unmodifiableMap(new LinkedHashMap<>(operations));
        kamelets = List.copyOf(kamelets);
    }

    public boolean can(Capability capability) {
        return capabilities.contains(capability);
    }

    public Optional<String> whyNot(Capability capability) {
        return Optional.ofNullable(lacks.get(capability));
    }

    public Optional<OperationPolicy> operation(String name) {
        return Optional.ofNullable(operations.get(name));
    }

    public Optional<PropertySpec> property(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    /**
     * The Camel endpoint that pushes one stock batch: {@code kamelet:<name>-stock-sink}, which
     * the reader requires of every connector with stock-out.
     */
    public Optional<String> stockSinkEndpoint() {
        String kamelet = name + "-stock-sink";
        return can(Capability.STOCK_OUT) && kamelets.contains(kamelet) ? Optional.of("kamelet:" + kamelet) : Optional.empty();
    }
}

package dev.orderhub.connector.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The connectors installed under a directory (orderhub.connectors-dir, default ./connectors):
 * every folder holding a connector.yaml, read strictly. Discovered, never listed: adding a
 * folder adds a connector. Not a Spring bean itself (the wiring decides where the directory
 * comes from).
 */
public final class ConnectorManifests {

    public static final Path DEFAULT_DIRECTORY = Path.of("connectors");

    private final Path directory;
    private final Map<String, ConnectorManifest> manifests;

    private ConnectorManifests(Path directory, Map<String, ConnectorManifest> manifests) {
        this.directory = directory;
        this.manifests = Collections.unmodifiableMap(manifests);
    }

    /**
     * Reads every {@code <directory>/<folder>/connector.yaml}, in folder order. A missing directory
     * holds no connectors.
     *
     * @throws ConnectorConfigurationException with every problem of every manifest, one line each
     */
    public static ConnectorManifests discover(Path directory) {
        Map<String, ConnectorManifest> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        if (Files.isDirectory(directory)) {
            for (Path folder : folders(directory, problems)) {
                Path manifest = folder.resolve(ManifestReader.FILE_NAME);
                if (!Files.isRegularFile(manifest)) {
                    for (String near : List.of("connector.yml", "Connector.yaml", "manifest.yaml")) {
                        if (Files.exists(folder.resolve(near))) {
                            problems.add(folder.resolve(near) + ": a connector's manifest must be named " + ManifestReader.FILE_NAME);
                        }
                    }
                    continue;
                }
                try {
                    ConnectorManifest read = ManifestReader.read(manifest);
                    found.put(read.name(), read);
                } catch (ConnectorConfigurationException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        ConnectorConfigurationException.throwIfAny(problems);
        return new ConnectorManifests(directory, found);
    }

    /** One manifest file on its own, e.g. for a connector's own tests. */
    public static ConnectorManifest read(Path connectorYaml) {
        return ManifestReader.read(connectorYaml);
    }

    public Path directory() {
        return directory;
    }

    public Optional<ConnectorManifest> get(String name) {
        return Optional.ofNullable(manifests.get(name));
    }

    public Collection<ConnectorManifest> all() {
        return manifests.values();
    }

    /**
     * The manifest of {@code connector}, as a channel configured at {@code source} names it.
     *
     * @throws ConnectorConfigurationException naming the source when no such connector is installed
     */
    public ConnectorManifest require(String connector, String source) {
        ConnectorManifest manifest = manifests.get(connector);
        if (manifest == null) {
            throw new ConnectorConfigurationException(List.of(source + ": unknown connector \"" + connector + "\""
                    + ClosestName.hint(String.valueOf(connector), manifests.keySet())
                    + (manifests.isEmpty() ? " (none installed under " + directory + ")"
                    : " (installed under " + directory + ": " + String.join(", ", manifests.keySet()) + ")")));
        }
        return manifest;
    }

    /**
     * A channel's properties validated against {@code connector}'s manifest, typed, with defaults.
     *
     * @param source     where they are configured, e.g.
     *                   {@code config/channels.yaml: orderhub.channels.amazon-de.connector.properties}
     * @param properties as Spring bound them
     * @param written    as the configuration files write them ({@link WrittenValues#of(org.springframework.core.env.ConfigurableEnvironment, String)})
     * @throws ConnectorConfigurationException with one line for each problem found
     */
    public ConnectorSettings settings(String connector, String channel, String source, Map<String, ?> properties,
                                      WrittenValues written) {
        return ConnectorSettings.validate(require(connector, source), channel, source, properties, written);
    }

    private static List<Path> folders(Path directory, List<String> problems) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            problems.add(directory + ": unreadable: " + e.getMessage());
            return List.of();
        }
    }
}

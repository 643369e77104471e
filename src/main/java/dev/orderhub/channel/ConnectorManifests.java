package dev.orderhub.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The connectors installed under {@code orderhub.connectors-dir} (default ./connectors), one folder each. */
@Component
public class ConnectorManifests {

    private final Map<String, ConnectorManifest> manifests = new LinkedHashMap<>();

    public ConnectorManifests(@Value("${orderhub.connectors-dir:connectors}") Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        try (Stream<Path> folders = Files.list(directory)) {
            for (Path manifest : folders.map(folder -> folder.resolve("connector.yaml")).filter(Files::isRegularFile).sorted().toList()) {
                ConnectorManifest read = yaml.readValue(manifest.toFile(), ConnectorManifest.class);
                String folder = manifest.getParent().getFileName().toString();
                if (!folder.equals(read.name())) {
                    throw new IllegalStateException(manifest + ": name " + read.name() + " must match its folder " + folder);
                }
                manifests.put(read.name(), read);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("connectors in " + directory + " are unreadable", e);
        }
    }

    public Optional<ConnectorManifest> get(String name) {
        return Optional.ofNullable(manifests.get(name));
    }
}

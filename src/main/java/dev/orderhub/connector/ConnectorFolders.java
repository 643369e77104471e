package dev.orderhub.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The connectors installed: every folder under the connectors directory (default
 * {@code ./connectors}) that holds a {@code connector.yaml}. Discovered, never listed, so
 * adding a folder adds a connector and deleting it removes one.
 */
public final class ConnectorFolders {

    public static final String MANIFEST = "connector.yaml";

    private ConnectorFolders() {
    }

    /** The connector folders under {@code directory}, by name; none when it does not exist. */
    public static List<Path> under(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> folders = Files.list(directory)) {
            return folders.filter(folder -> Files.isRegularFile(folder.resolve(MANIFEST))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("connectors in " + directory + " are unreadable", e);
        }
    }

    /** Whether the folder ships files ending in {@code suffix} at its top level (Kamelets, routes). */
    public static boolean holds(Path folder, String suffix) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(suffix));
        } catch (IOException e) {
            throw new UncheckedIOException(folder + " is unreadable", e);
        }
    }
}

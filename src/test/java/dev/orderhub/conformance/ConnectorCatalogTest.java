package dev.orderhub.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.stream.Collectors;

import dev.orderhub.connector.manifest.Capability;
import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.junit.jupiter.api.Test;

/**
 * connectors/CATALOG.md, generated from the manifests: each connector, its kind, title, spec,
 * capabilities and the reason for each one it lacks. Every build rewrites the file when it is
 * stale, so a new, changed or deleted folder shows in the catalog after the next build (commit it
 * with the folder); it does not fail the build, so deleting a folder still leaves a hub that builds
 * and passes its tests without touching anything outside the folder.
 */
class ConnectorCatalogTest {

    static final Path CATALOG = ConnectorManifests.DEFAULT_DIRECTORY.resolve("CATALOG.md");

    @Test
    void theCatalogIsRegeneratedFromTheInstalledManifests() throws IOException {
        String generated = catalog(ConnectorManifests.discover(ConnectorManifests.DEFAULT_DIRECTORY).all());
        String committed = Files.isRegularFile(CATALOG) ? Files.readString(CATALOG) : "";
        if (!committed.equals(generated)) {
            Files.writeString(CATALOG, generated);
            System.out.println(CATALOG + " was stale and has been regenerated: commit it with the connector folder");
        }
        assertThat(Files.readString(CATALOG)).as(CATALOG + " holds what the manifests say").isEqualTo(generated);
    }

    @Test
    void everyConnectorAndEachLackedCapabilityWithItsReasonIsListed() {
        Collection<ConnectorManifest> manifests = ConnectorManifests.discover(ConnectorManifests.DEFAULT_DIRECTORY).all();
        String catalog = catalog(manifests);

        for (ConnectorManifest manifest : manifests) {
            assertThat(catalog).contains("| [" + manifest.name() + "](" + manifest.name() + "/README.md) | " + manifest.kind().id());
            manifest.lacks().forEach((capability, reason) -> assertThat(catalog)
                    .contains("- `" + capability.id() + "`: " + reason.strip()));
        }
    }

    static String catalog(Collection<ConnectorManifest> manifests) {
        StringBuilder md = new StringBuilder("""
                # Connector catalog

                Generated from each folder's `connector.yaml` by `ConnectorCatalogTest` (src/test/java/dev/orderhub/conformance/):
                every build rewrites this file when a connector folder is added, changed or deleted; commit it with the folder. Do not edit it by hand.
                What each capability means and which flow calls it: [README.md](README.md).

                | connector | kind | title | spec | capabilities |
                |---|---|---|---|---|
                """);
        for (ConnectorManifest m : manifests) {
            md.append("| [").append(m.name()).append("](").append(m.name()).append("/README.md) | ").append(m.kind().id())
                    .append(" | ").append(m.title()).append(" | ").append(m.spec() == null ? "none" : "`" + m.spec() + "`")
                    .append(" | ").append(m.capabilities().stream().map(Capability::id).collect(Collectors.joining(", "))).append(" |\n");
        }
        for (ConnectorManifest m : manifests) {
            md.append("\n## ").append(m.name()).append("\n\n").append(m.description().strip()).append("\n\n");
            md.append(m.lacks().isEmpty() ? "It has every capability.\n" : "It lacks:\n\n");
            m.lacks().forEach((capability, reason) -> md.append("- `").append(capability.id()).append("`: ")
                    .append(reason.strip().replaceAll("\\s+", " ")).append("\n"));
        }
        return md.toString();
    }
}

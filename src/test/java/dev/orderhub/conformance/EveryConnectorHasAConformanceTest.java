package dev.orderhub.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.orderhub.connector.ConnectorFolders;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite runs on every connector folder: each folder with a connector.yaml holds,
 * in its test sources, a concrete test class extending {@link ConnectorConformance} for its own
 * name, and that class is on the test classpath (the build found the folder).
 */
class EveryConnectorHasAConformanceTest {

    @Test
    void everyConnectorFolderRunsTheSuite() {
        // Whatever folders are installed; a hub with every folder deleted has none, and passes.
        assertThat(problems(ConnectorManifests.DEFAULT_DIRECTORY)).isEmpty();
    }

    @Test
    void aFolderWithoutItsConformanceTestIsNamed(@TempDir Path connectors) throws IOException {
        Files.createDirectories(connectors.resolve("myshop/src/test/java/dev/orderhub/connectors/myshop"));
        Files.writeString(connectors.resolve("myshop/connector.yaml"), "name: myshop\n");
        Files.writeString(connectors.resolve("myshop/src/test/java/dev/orderhub/connectors/myshop/MyshopStockTest.java"),
                "package dev.orderhub.connectors.myshop;\nclass MyshopStockTest {\n}\n");

        assertThat(problems(connectors)).containsExactly(connectors.resolve("myshop") + ": no test class extends "
                + "ConnectorConformance for connector \"myshop\" under src/test/java (connectors/README.md, Conformance)");
    }

    /** One line per folder whose suite would not run. */
    static List<String> problems(Path directory) {
        List<String> problems = new ArrayList<>();
        for (Path folder : ConnectorFolders.under(directory)) {
            String name = folder.getFileName().toString();
            Path tests = folder.resolve("src/test/java");
            List<Path> suites = new ArrayList<>();
            if (Files.isDirectory(tests)) {
                try (Stream<Path> files = Files.walk(tests)) {
                    suites = files.filter(f -> f.toString().endsWith(".java")).filter(f -> declaresSuite(f, name)).toList();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (suites.isEmpty()) {
                problems.add(folder + ": no test class extends ConnectorConformance for connector \"" + name
                        + "\" under src/test/java (connectors/README.md, Conformance)");
            }
            for (Path suite : suites) {
                String className = tests.relativize(suite).toString().replace(".java", "").replace('/', '.').replace('\\', '.');
                try {
                    Class<?> type = Class.forName(className);
                    if (!ConnectorConformance.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())
                            || !type.getSimpleName().endsWith("Test")) {
                        problems.add(suite + ": " + className + " must be a concrete ConnectorConformance named *Test (so Surefire runs it)");
                    }
                } catch (ClassNotFoundException e) {
                    problems.add(suite + ": " + className + " is not on the test classpath (is the folder discovered by the build?)");
                }
            }
        }
        return problems;
    }

    private static boolean declaresSuite(Path source, String connector) {
        try {
            String text = Files.readString(source);
            return text.contains("extends ConnectorConformance") && text.contains("super(\"" + connector + "\"");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

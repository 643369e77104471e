package dev.orderhub.connector.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class KameletLintTest {

    static final Path FIXTURES = Path.of("src/test/resources/manifest/kamelets");

    @Test
    void theRealKameletsAreClean() throws IOException {
        List<Path> kamelets;
        try (Stream<Path> files = Files.walk(ConnectorManifests.DEFAULT_DIRECTORY)) {
            kamelets = files.filter(f -> f.getFileName().toString().endsWith(".kamelet.yaml")).sorted().toList();
        }

        // Whichever folders are installed (each connector's conformance test lints its own too).
        for (Path kamelet : kamelets) {
            assertThat(KameletLint.lint(kamelet)).as(kamelet.toString()).isEmpty();
        }
    }

    @Test
    void defaultsAndCamelFunctionsInTheTemplateAreFine() {
        assertThat(KameletLint.lint(FIXTURES.resolve("clean-sink.kamelet.yaml"))).isEmpty();
    }

    @Test
    void eachProblemIsOneLine() {
        Path file = FIXTURES.resolve("broken-sink.kamelet.yaml");

        assertThat(KameletLint.lint(file)).containsExactly(
                file + ": metadata.name: \"broken-snik\" must equal the file's name \"broken-sink\" (Camel finds a Kamelet by its file name)",
                file + ": spec.definition.properties.url: missing description",
                file + ": spec.definition.properties.authToken: looks like a secret: add format: password",
                file + ": spec.definition.properties.authToken: looks like a secret: add x-descriptors: [urn:camel:group:credentials]",
                file + ": spec.definition.properties.password: looks like a secret: add x-descriptors: [urn:camel:group:credentials]",
                file + ": spec.definition.required[1]: \"urll\" is not declared under spec.definition.properties (did you mean \"url\"?)",
                file + ": spec.template.from.steps[1].to.uri: {{?responseTimeout}} uses a property not declared under spec.definition.properties",
                file + ": spec.definition.properties.unused: declared but never used in spec.template");
    }
}

package dev.orderhub.connector.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorManifestsTest {

    /** A valid manifest of connector "myshop"; each test breaks one thing in it. */
    static final String VALID = """
            name: myshop
            kind: shop
            title: My shop
            description: A shop.
            capabilities:
              - orders-in
            lacks:
              orders-pushed: not built
              listings-in: not built
              stock-out: not built
              shipment-confirm: not built
              cancel-in: not built
              cancel-out: not built
              fulfilment-target: not built
              returns: not built
              refunds: not built
              fba-inventory: not built
              carrier-labels: not built
            hosts:
              - api.myshop.example
              - "${endpoint}"
            properties:
              endpoint:
                title: Endpoint
                description: The shop's API
                type: string
                format: uri
            operations:
              getOrders: {rate: 2, burst: 10, timeout: 30s, attempts: 3, backoff: 1s, maxBackoff: 60s, batch: 100}
            """;

    @TempDir
    Path connectors;

    @Test
    void everyInstalledManifestIsReadAndValid() throws IOException {
        // Whatever folders are installed (a connector's own tests check what its manifest says).
        ConnectorManifests manifests = ConnectorManifests.discover(ConnectorManifests.DEFAULT_DIRECTORY);

        assertThat(manifests.all()).extracting(ConnectorManifest::name).isSorted();
        try (var folders = Files.list(ConnectorManifests.DEFAULT_DIRECTORY)) {
            assertThat(manifests.all()).extracting(ConnectorManifest::name).containsExactlyElementsOf(folders
                    .filter(f -> Files.isRegularFile(f.resolve("connector.yaml"))).map(f -> f.getFileName().toString()).sorted()
                    .toList());
        }
        for (ConnectorManifest manifest : manifests.all()) {
            for (Capability capability : Capability.values()) {
                assertThat(manifest.can(capability) || manifest.whyNot(capability).filter(r -> !r.isBlank()).isPresent())
                        .as(manifest.name() + ": " + capability.id() + " declared or lacked with a reason").isTrue();
            }
        }
    }

    @Test
    void aManifestsSpecIsAFolderOfTheSharedSpecs() {
        Path specs = Path.of("..", "shared", "specs");
        assumeThat(Files.isDirectory(specs)).as("../shared/specs is checked out").isTrue();
        for (ConnectorManifest manifest : ConnectorManifests.discover(ConnectorManifests.DEFAULT_DIRECTORY).all()) {
            if (manifest.spec() != null) {
                assertThat(specs.resolve(manifest.spec())).as(manifest.name() + "'s spec").isDirectory();
            }
        }
    }

    @Test
    void theValidExampleIsValid() throws IOException {
        ConnectorManifest manifest = ConnectorManifests.read(write("myshop", VALID));

        assertThat(manifest.operation("getOrders").orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(manifest.hosts()).containsExactly("api.myshop.example", "${endpoint}");
        assertThat(manifest.stockSinkEndpoint()).isEmpty();
    }

    @Test
    void theExampleInTheDocsIsValid() throws IOException {
        String docs = Files.readString(Path.of("docs/connector-manifest.md"));
        int start = docs.indexOf("```yaml\nname: myshop\n") + "```yaml\n".length();
        Path file = write("myshop", docs.substring(start, docs.indexOf("```", start)));
        Files.writeString(file.resolveSibling("myshop-stock-sink.kamelet.yaml"), "kind: Kamelet\n");

        ConnectorManifest manifest = ConnectorManifests.read(file);

        assertThat(manifest.property("token").orElseThrow().secret()).isTrue();
        assertThat(manifest.operation("stock-push").orElseThrow().batch()).isEqualTo(100);
    }

    @Test
    void aTypoAtTheTopLevelNamesTheFileAndTheKey() throws IOException {
        Path file = write("myshop", VALID + "stokSink: kamelet:myshop-stock-sink\n");

        assertProblems(() -> ConnectorManifests.read(file), file + ": unknown key \"stokSink\" at the top level (known: name, kind,"
                + " title, description, spec, capabilities, lacks, hosts, properties, operations)");
    }

    @Test
    void aTypoInAPropertyNamesItsPathAndSuggestsTheKey() throws IOException {
        Path file = write("myshop", VALID.replace("format: uri", "format: uri\n    requred: true"));

        assertProblems(() -> ConnectorManifests.read(file), file + ": unknown key \"requred\" at properties.endpoint"
                + " (did you mean \"required\"?) (known: title, description, type, format, pattern, enum, default, example,"
                + " required, secret, items)");
    }

    @Test
    void aTypoInAnOperationNamesItsPath() throws IOException {
        Path file = write("myshop", VALID.replace("batch: 100", "bacth: 100"));

        assertThatThrownBy(() -> ConnectorManifests.read(file)).isInstanceOf(ConnectorConfigurationException.class)
                .hasMessage(file + ": unknown key \"bacth\" at operations.getOrders (did you mean \"batch\"?) (known: rate, burst,"
                        + " timeout, attempts, backoff, maxBackoff, batch)");
    }

    @Test
    void aLackingCapabilityNeedsAReason() throws IOException {
        Path file = write("myshop", VALID.replace("returns: not built", "returns: \"\""));

        assertProblems(() -> ConnectorManifests.read(file), file + ": lacks.returns: must be a text that is not blank, not \"\"");
    }

    @Test
    void aCapabilityInNeitherListIsNamed() throws IOException {
        Path file = write("myshop", VALID.replace("  refunds: not built\n", ""));

        assertProblems(() -> ConnectorManifests.read(file), file + ": lacks: capability \"refunds\" (issues or reads refunds) is in"
                + " neither capabilities nor lacks: add it to lacks with the reason it is missing");
    }

    @Test
    void aCapabilityInBothListsIsRefused() throws IOException {
        Path file = write("myshop", VALID.replace("  - orders-in\n", "  - orders-in\n  - returns\n"));

        assertProblems(() -> ConnectorManifests.read(file),
                file + ": lacks.returns: \"returns\" is in capabilities too: a connector either has a capability or lacks it");
    }

    @Test
    void anUnknownCapabilityIsRefusedWithTheNearestKnownOne() throws IOException {
        Path file = write("myshop", VALID.replace("  - orders-in\n", "  - order-in\n"));

        assertProblems(() -> ConnectorManifests.read(file), file + ": capabilities[0]: unknown capability \"order-in\" (did you mean"
                + " \"orders-in\"?) (known: " + String.join(", ", Capability.ids()) + ")");
    }

    @Test
    void theNameMustEqualTheFolder() throws IOException {
        Path file = write("my-shop", VALID);

        assertProblems(() -> ConnectorManifests.read(file), file + ": name: \"myshop\" must equal its folder's name \"my-shop\"");
    }

    @Test
    void aNameIsLowerCaseLettersDigitsAndDashesAndMayStartWithADigit() throws IOException {
        Path digit = write("3pl-sftp", VALID.replace("name: myshop", "name: 3pl-sftp"));
        assertThat(ConnectorManifests.read(digit).name()).isEqualTo("3pl-sftp");

        Path dash = write("-shop", VALID.replace("name: myshop", "name: -shop"));
        assertProblems(() -> ConnectorManifests.read(dash), dash + ": name: \"-shop\" must be lower case letters, digits and "
                + "dashes, 2-31 long, starting with a letter or digit");
    }

    @Test
    void anUnknownKindIsRefused() throws IOException {
        Path file = write("myshop", VALID.replace("kind: shop", "kind: 3PL"));

        assertProblems(() -> ConnectorManifests.read(file), file + ": kind: unknown kind \"3PL\" (did you mean \"3pl\"?) (known:"
                + " marketplace, shop, 3pl, carrier, erp, accounting)");
    }

    @Test
    void aMissingKeyIsNamed() throws IOException {
        Path file = write("myshop", VALID.replace("title: My shop\n", ""));

        assertProblems(() -> ConnectorManifests.read(file), file + ": missing key \"title\" at the top level");
    }

    @Test
    void aDuplicateKeyIsOneLine() throws IOException {
        Path file = write("myshop", VALID + "title: Again\n");

        assertThatThrownBy(() -> ConnectorManifests.read(file)).isInstanceOf(ConnectorConfigurationException.class)
                .hasMessageStartingWith(file + ": not valid YAML: Duplicate field 'title'").hasMessageNotContaining("\n")
                .hasMessageEndingWith("(line 30, column 6)");
    }

    @Test
    void operationLimitsFollowTheirRules() throws IOException {
        Path file = write("myshop", VALID.replace("{rate: 2, burst: 10, timeout: 30s, attempts: 3, backoff: 1s, maxBackoff: 60s, batch: 100}",
                "{rate: 0, burst: 1.5, timeout: 30, attempts: 0, backoff: 5s, maxBackoff: 1s, batch: -1}"));

        assertProblems(() -> ConnectorManifests.read(file),
                file + ": operations.getOrders.rate: must be a number of requests per second greater than 0, not 0",
                file + ": operations.getOrders.burst: must be a whole number of at least 1, not 1.5",
                file + ": operations.getOrders.timeout: must be a duration like 500ms, 30s, 5m or 1h (longer than 0), not 30",
                file + ": operations.getOrders.attempts: must be a whole number of at least 1, not 0",
                file + ": operations.getOrders.maxBackoff: 1s is shorter than backoff 5s",
                file + ": operations.getOrders.batch: must be a whole number of at least 1, not -1");
    }

    @Test
    void rateAndBurstGoTogether() throws IOException {
        Path file = write("myshop", VALID.replace("rate: 2, burst: 10, ", "rate: 2, "));

        assertProblems(() -> ConnectorManifests.read(file),
                file + ": operations.getOrders: rate and burst go together: give both (burst 1 spaces requests evenly)");
    }

    @Test
    void propertyDefinitionsFollowTheirRules() throws IOException {
        Path file = write("myshop", VALID.replace("operations:\n", """
                  mode:
                    title: Mode
                    description: How
                    type: string
                    enum: [full, delta]
                    default: half
                  token:
                    title: Token
                    description: A secret
                    type: string
                    secret: true
                    default: abc
                  password:
                    title: Password
                    description: Marked as a password only
                    type: string
                    format: password
                  nested:
                    title: Nested
                    description: An object
                    type: object
                  size:
                    title: Size
                    description: A size
                    type: integer
                    pattern: "[0-9"
                operations:
                """));

        assertProblems(() -> ConnectorManifests.read(file),
                file + ": properties.mode.default: must be one of [full, delta], not \"half\"",
                file + ": properties.token.default: a secret has no default: it comes from the environment",
                file + ": properties.password.format: format password marks a secret: add secret: true",
                file + ": properties.nested.type: type object is not allowed: declare flat properties (known: string, integer, number, boolean, array)",
                file + ": properties.size.pattern: a pattern applies to a string, not to integer");
    }

    @Test
    void aHostNamesADeclaredPropertyOrIsAHostName() throws IOException {
        Path file = write("myshop", VALID.replace("\"${endpoint}\"", "\"${endpiont}\"\n  - https://api.myshop.example/v1"));

        assertProblems(() -> ConnectorManifests.read(file),
                file + ": hosts[1]: \"${endpiont}\" names no declared property (did you mean \"endpoint\"?)",
                file + ": hosts[2]: \"https://api.myshop.example/v1\" is not a host name (lower case, no scheme, port or path;"
                        + " *.example.com for any host under example.com)");
    }

    @Test
    void aStockSinkKameletInTheFolderIsItsStockOutEndpoint() throws IOException {
        Path file = write("myshop", VALID.replace("  - orders-in\n", "  - orders-in\n  - stock-out\n").replace("  stock-out: not built\n", ""));

        assertThat(ConnectorManifests.read(file).stockSinkEndpoint()).as("stock out through a StockOut bean").isEmpty();
        Files.writeString(file.resolveSibling("myshop-stock-sink.kamelet.yaml"), "kind: Kamelet\n");
        assertThat(ConnectorManifests.read(file).stockSinkEndpoint()).hasValue("kamelet:myshop-stock-sink");
    }

    @Test
    void discoveryReadsEveryFolderAndReportsEveryProblemOneLineEach() throws IOException {
        write("myshop", VALID);
        write("other", VALID.replace("name: myshop", "name: other").replace("kind: shop", "kind: shopp"));
        write("third", VALID.replace("name: myshop", "name: third") + "extra: 1\n");
        Files.createDirectories(connectors.resolve("no-manifest"));
        Files.createDirectories(connectors.resolve("misnamed"));
        Files.writeString(connectors.resolve("misnamed/connector.yml"), VALID);

        assertThatThrownBy(() -> ConnectorManifests.discover(connectors)).isInstanceOfSatisfying(ConnectorConfigurationException.class,
                e -> assertThat(e.problems()).containsExactly(
                        connectors.resolve("misnamed/connector.yml") + ": a connector's manifest must be named connector.yaml",
                        connectors.resolve("other/connector.yaml") + ": kind: unknown kind \"shopp\" (did you mean \"shop\"?) (known:"
                                + " marketplace, shop, 3pl, carrier, erp, accounting)",
                        connectors.resolve("third/connector.yaml") + ": unknown key \"extra\" at the top level (known: name, kind,"
                                + " title, description, spec, capabilities, lacks, hosts, properties, operations)"));
        Files.delete(connectors.resolve("misnamed/connector.yml"));
        write("other", VALID.replace("name: myshop", "name: other"));
        write("third", VALID.replace("name: myshop", "name: third"));
        assertThat(ConnectorManifests.discover(connectors).all()).extracting(ConnectorManifest::name)
                .containsExactly("myshop", "other", "third");
    }

    @Test
    void aMissingDirectoryHoldsNoConnectors() {
        ConnectorManifests none = ConnectorManifests.discover(connectors.resolve("absent"));

        assertThat(none.all()).isEmpty();
        assertProblems(() -> none.require("webhook", "config/channels.yaml: orderhub.channels.myshop.connector"),
                "config/channels.yaml: orderhub.channels.myshop.connector: unknown connector \"webhook\" (none installed under "
                        + connectors.resolve("absent") + ")");
    }

    @Test
    void anUnknownConnectorIsNamedWithTheNearestInstalledOne() throws IOException {
        write("myshop", VALID);
        ConnectorManifests installed = ConnectorManifests.discover(connectors);

        assertProblems(() -> installed.require("myshp", "config/channels.yaml: orderhub.channels.shop-de.connector"),
                "config/channels.yaml: orderhub.channels.shop-de.connector: unknown connector \"myshp\" (did you mean \"myshop\"?)"
                        + " (installed under " + connectors + ": myshop)");
    }

    private Path write(String folder, String manifest) throws IOException {
        Path file = connectors.resolve(folder).resolve("connector.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, manifest);
        return file;
    }

    static void assertProblems(ThrowingCallable call, String... lines) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> {
            assertThat(e.problems()).containsExactly(lines);
            assertThat(e.problems()).allSatisfy(line -> assertThat(line).doesNotContain("\n"));
            assertThat(e.getMessage()).isEqualTo(String.join("\n", List.of(lines)));
        });
    }
}

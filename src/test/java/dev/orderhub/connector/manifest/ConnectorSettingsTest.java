package dev.orderhub.connector.manifest;

import static dev.orderhub.connector.manifest.ConnectorManifestsTest.assertProblems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

class ConnectorSettingsTest {

    static final String SOURCE = "config/channels.yaml: orderhub.channels.myshop.connector.properties";
    static final ConnectorManifest TESTSHOP = ConnectorManifests.read(Path.of("src/test/resources/manifest/connectors/testshop/connector.yaml"));

    @Test
    void valuesAreTypedAndDefaultsApplied() {
        ConnectorSettings settings = validate(Map.of("url", "https://shop.example/hub", "batchSize", "200", "ratio", 0.5,
                "regions", List.of("eu", "us")));

        assertThat(settings.getUri("url")).hasValue(URI.create("https://shop.example/hub"));
        assertThat(settings.getInt("batchSize")).hasValue(200);
        assertThat(settings.getNumber("ratio")).hasValue(0.5);
        assertThat(settings.getList("regions")).containsExactly("eu", "us");
        assertThat(settings.getString("mode")).hasValue("full");
        assertThat(settings.getBoolean("enabled")).hasValue(true);
        assertThat(settings.getDuration("timeout")).hasValue(Duration.ofSeconds(30));
        assertThat(settings.getString("token")).isEmpty();
        assertThat(settings.has("mirror")).isFalse();
        assertThat(settings.asParameters()).containsEntry("regions", "eu,us").containsEntry("batchSize", "200");
    }

    @Test
    void anUnknownKeySuggestsTheNearestKnownOne() {
        assertProblems(() -> validate(Map.of("url", "https://shop.example", "stokSink", "x")),
                SOURCE + ".stokSink: unknown property of connector testshop (did you mean \"stockSink\"?) (known: url, mirror,"
                        + " token, stockSink, mode, batchSize, ratio, enabled, timeout, regions)");
    }

    @Test
    void aRequiredPropertyMustBeGiven() {
        assertProblems(() -> validate(Map.of("mode", "delta")),
                SOURCE + ".url: missing: connector testshop needs it (Endpoint URL)");
        assertProblems(() -> validate(Map.of("url", " ")),
                SOURCE + ".url: is blank: connector testshop needs it (Endpoint URL)");
    }

    @Test
    void anUnresolvedPlaceholderNamesTheVariableAndNeverTheSecret() {
        assertProblems(() -> validate(Map.of("url", "https://${SHOP_HOST}/hub", "token", "${MYSHOP_TOKEN}")),
                SOURCE + ".url: ${SHOP_HOST} is not set: give the environment variable SHOP_HOST or write the value",
                SOURCE + ".token: ${MYSHOP_TOKEN} is not set: give the environment variable MYSHOP_TOKEN");
    }

    @Test
    void aSecretThatBreaksItsRuleIsNotShown() {
        assertThatThrownBy(() -> validate(Map.of("url", "https://shop.example", "token", "hunter2!")))
                .isInstanceOf(ConnectorConfigurationException.class)
                .hasMessage(SOURCE + ".token: does not match pattern ^[A-Za-z0-9]{8,}$ (value not shown: secret)")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aSecretWrittenAsAValueIsRefused() {
        Map<String, Object> bound = Map.of("url", "https://shop.example", "token", "abcdefgh1234");

        assertProblems(() -> ConnectorSettings.validate(TESTSHOP, "myshop", SOURCE, bound, WrittenValues.of(Map.of("token", "abcdefgh1234"))),
                SOURCE + ".token: is a secret written as a value: write it as a placeholder, e.g. ${MYSHOP_TOKEN}, and give it in the environment");
        assertThat(ConnectorSettings.validate(TESTSHOP, "myshop", SOURCE, bound, WrittenValues.of(Map.of("token", "${MYSHOP_TOKEN}")))
                .getString("token")).hasValue("abcdefgh1234");
    }

    @Test
    void aValueOutsideItsPatternOrEnumOrOfTheWrongTypeIsRefused() {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("url", "ftp://shop.example");
        given.put("mode", "half");
        given.put("batchSize", "fifty");
        given.put("ratio", "most");
        given.put("enabled", "yes");
        given.put("timeout", "30");
        given.put("regions", List.of("eu", "mars"));
        given.put("mirror", Map.of("a", "b"));

        assertProblems(() -> validate(given),
                SOURCE + ".url: does not match pattern ^https?://: \"ftp://shop.example\"",
                SOURCE + ".mirror: must be a string, not an object",
                SOURCE + ".mode: must be one of [full, delta], not \"half\"",
                SOURCE + ".batchSize: must be an integer, not \"fifty\"",
                SOURCE + ".ratio: must be a number, not \"most\"",
                SOURCE + ".enabled: must be true or false, not \"yes\"",
                SOURCE + ".timeout: must be a duration like 500ms, 30s, 5m or 1h, not \"30\"",
                SOURCE + ".regions: element 1 must be one of [eu, us, jp], not \"mars\"");
    }

    @Test
    void aKebabCaseKeyIsTheCamelCaseProperty() {
        ConnectorSettings settings = validate(Map.of("url", "https://shop.example", "batch-size", 7));

        assertThat(settings.getInt("batchSize")).hasValue(7);
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("url", "https://shop.example");
        both.put("batch-size", 7);
        both.put("batchSize", 8);
        assertProblems(() -> validate(both),
                SOURCE + ".batchSize: given twice, as batch-size and batchSize");
    }

    @Test
    void toStringMasksSecrets() {
        ConnectorSettings settings = validate(Map.of("url", "https://shop.example", "token", "abcdefgh1234"));

        assertThat(settings.toString()).contains("token=****", "url=https://shop.example").doesNotContain("abcdefgh1234");
    }

    @Test
    void allowedHostsAreTheManifestsWithPropertiesReplacedByTheirHosts() {
        assertThat(validate(Map.of("url", "https://Shop.Example:8443/hub", "mirror", "mirror.example")).allowedHosts())
                .containsExactly("api.testshop.example", "shop.example", "mirror.example");
        assertThat(validate(Map.of("url", "https://shop.example")).allowedHosts()).containsExactly("api.testshop.example", "shop.example");
    }

    @Test
    void askingForAnUndeclaredPropertyOrTheWrongTypeIsAProgrammingError() {
        ConnectorSettings settings = validate(Map.of("url", "https://shop.example"));

        assertThatThrownBy(() -> settings.getString("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("connector testshop declares no property \"nope\"");
        assertThatThrownBy(() -> settings.getString("batchSize")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connector testshop: property batchSize is integer, not string");
    }

    /** The properties as Spring really binds them from YAML, with one variable set in the environment and one not. */
    @Test
    void springBoundPropertiesAreValidatedWithHowTheFileWroteThem() throws IOException {
        String yaml = """
                orderhub:
                  channels:
                    myshop:
                      connector:
                        properties:
                          url: https://${MYSHOP_HOST:shop.example}/hub
                          token: ${MYSHOP_TOKEN}
                          regions: [eu, jp]
                          batch-size: 20
                    othershop:
                      connector:
                        properties:
                          url: https://other.example/hub
                          token: abcdefgh1234
                          mode: ${OTHERSHOP_MODE}
                """;
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addLast(new MapPropertySource("test-environment", Map.of("MYSHOP_TOKEN", "s3cr3tT0ken")));
        new YamlPropertySourceLoader().load("config/channels.yaml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
                .forEach(environment.getPropertySources()::addLast);
        String prefix = "orderhub.channels.myshop.connector.properties";
        Map<String, Object> bound = Binder.get(environment).bind(prefix, Bindable.mapOf(String.class, Object.class)).get();

        ConnectorSettings myshop = ConnectorSettings.validate(TESTSHOP, "myshop", "config/channels.yaml: " + prefix, bound,
                WrittenValues.of(environment, prefix));

        assertThat(myshop.getString("token")).hasValue("s3cr3tT0ken");
        assertThat(myshop.getString("url")).hasValue("https://shop.example/hub");
        assertThat(myshop.getList("regions")).containsExactly("eu", "jp");
        assertThat(myshop.getInt("batchSize")).hasValue(20);

        String other = "orderhub.channels.othershop.connector.properties";
        Map<String, Object> otherBound = Binder.get(environment).bind(other, Bindable.mapOf(String.class, Object.class)).get();
        assertProblems(() -> ConnectorSettings.validate(TESTSHOP, "othershop", "config/channels.yaml: " + other, otherBound,
                        WrittenValues.of(environment, other)),
                "config/channels.yaml: " + other + ".token: is a secret written as a value: write it as a placeholder, e.g."
                        + " ${OTHERSHOP_TOKEN}, and give it in the environment",
                "config/channels.yaml: " + other + ".mode: ${OTHERSHOP_MODE} is not set: give the environment variable"
                        + " OTHERSHOP_MODE or write the value");
    }

    @Test
    void aSecretGivenByTheEnvironmentIsNotWrittenInAFile() throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("systemEnvironment-like",
                Map.of("orderhub.channels.myshop.connector.properties.token", "abcdefgh1234")));
        new YamlPropertySourceLoader().load("config/channels.yaml", new ByteArrayResource(
                        "orderhub.channels.myshop.connector.properties.token: literal\n".getBytes(StandardCharsets.UTF_8)))
                .forEach(environment.getPropertySources()::addLast);

        assertThat(WrittenValues.of(environment, "orderhub.channels.myshop.connector.properties").written("token")).isEmpty();
    }


    private static ConnectorSettings validate(Map<String, ?> properties) {
        return ConnectorSettings.validate(TESTSHOP, "myshop", SOURCE, properties, WrittenValues.unknown());
    }
}

package dev.orderhub.connectors.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import dev.orderhub.connector.manifest.ConnectorSettings;
import dev.orderhub.connector.manifest.WrittenValues;
import org.junit.jupiter.api.Test;

/** What connectors/webhook/connector.yaml declares, as the connector's code relies on it. */
class WebhookManifestTest {

    @Test
    void theManifestDeclaresTheKameletSinkItsEvenRateAndTheRequiredUrl() {
        ConnectorManifest webhook = ConnectorManifests.read(Path.of("connectors", "webhook", "connector.yaml"));

        assertThat(webhook.stockSinkEndpoint()).hasValue("kamelet:webhook-stock-sink");
        assertThat(webhook.operation("stock-push").orElseThrow().burst()).isEqualTo(1);
        assertThat(webhook.property("url").orElseThrow().required()).isTrue();
        assertThat(webhook.property("authorizationToken").orElseThrow().secret()).isTrue();
    }

    @Test
    void aChannelsPropertiesAreTypedWithDefaultsAndTheTokenNeverShown() {
        ConnectorManifests installed = ConnectorManifests.discover(Path.of("connectors"));

        ConnectorSettings settings = installed.settings("webhook", "myshop", "config/channels.yaml: orderhub.channels.myshop.connector.properties",
                Map.of("url", "https://myshop.example.com/hub/stock", "authorizationToken", "t0k3n"),
                WrittenValues.of(Map.of("authorizationToken", "${MYSHOP_STOCK_TOKEN}")));

        assertThat(settings.asParameters()).containsExactly(Map.entry("url", "https://myshop.example.com/hub/stock"),
                Map.entry("authorizationToken", "t0k3n"), Map.entry("responseTimeout", "10000"));
        assertThat(settings.allowedHosts()).containsExactly("myshop.example.com");
        assertThat(settings.toString()).doesNotContain("t0k3n");
    }
}

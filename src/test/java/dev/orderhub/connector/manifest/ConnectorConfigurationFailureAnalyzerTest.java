package dev.orderhub.connector.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class ConnectorConfigurationFailureAnalyzerTest {

    @Test
    void aStartUpFailureShowsTheProblemLinesEvenWhenWrapped() {
        ConnectorConfigurationException problems = new ConnectorConfigurationException(List.of(
                "connectors/amazon/connector.yaml: unknown key \"stokSink\" at the top level",
                "config/channels.yaml: orderhub.channels.myshop.connector.properties.url: missing"));

        FailureAnalysis analysis = new ConnectorConfigurationFailureAnalyzer()
                .analyze(new BeanCreationException("channelRegistry", "Error creating bean", problems));

        assertThat(analysis.getDescription()).isEqualTo("""
                The connector configuration has 2 problems:

                    connectors/amazon/connector.yaml: unknown key "stokSink" at the top level
                    config/channels.yaml: orderhub.channels.myshop.connector.properties.url: missing""");
        assertThat(analysis.getAction()).contains("docs/connector-manifest.md");
    }

    @Test
    void itIsRegisteredWithSpringBoot() throws IOException {
        StringBuilder all = new StringBuilder(); // the test classpath has a spring.factories of its own
        for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            try (InputStream factories = url.openStream()) {
                all.append(new String(factories.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            }
        }
        assertThat(all.toString()).contains(
                "org.springframework.boot.diagnostics.FailureAnalyzer=" + ConnectorConfigurationFailureAnalyzer.class.getName());
    }
}

package dev.orderhub.channel;

import java.nio.file.Path;

import dev.orderhub.connector.manifest.ConnectorManifests;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The installed connectors' manifests, read strictly at start-up: a manifest with a problem stops the hub. */
@Configuration(proxyBeanMethods = false)
class ManifestConfig {

    @Bean
    ConnectorManifests connectorManifests(@Value("${orderhub.connectors-dir:connectors}") Path directory) {
        return ConnectorManifests.discover(directory);
    }
}

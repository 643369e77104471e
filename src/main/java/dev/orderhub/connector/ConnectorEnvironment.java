package dev.orderhub.connector;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Points Camel at the Kamelets of every discovered connector folder (instead of a list in
 * application.yaml that each new connector had to be added to). An explicit
 * {@code camel.component.kamelet.location} still wins.
 */
public class ConnectorEnvironment implements EnvironmentPostProcessor {

    static final String KAMELET_LOCATION = "camel.component.kamelet.location";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(KAMELET_LOCATION)) {
            return;
        }
        Path directory = Path.of(environment.getProperty("orderhub.connectors-dir", "connectors"));
        String locations = ConnectorFolders.under(directory).stream()
                .filter(folder -> ConnectorFolders.holds(folder, ".kamelet.yaml"))
                .map(folder -> "file:" + folder.toString().replace('\\', '/'))
                .collect(Collectors.joining(","));
        environment.getPropertySources().addLast(new MapPropertySource("orderhub-connectors",
                Map.of(KAMELET_LOCATION, locations.isEmpty() ? "classpath:kamelets" : locations)));
    }
}

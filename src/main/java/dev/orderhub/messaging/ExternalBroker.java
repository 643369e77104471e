package dev.orderhub.messaging;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The broker is external exactly when ORDERHUB_BROKER_URL is set, whatever the database:
 * then the hub connects to it (native mode) instead of starting its embedded broker.
 */
public class ExternalBroker implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty("ORDERHUB_BROKER_URL");
        if (url == null || url.isBlank()) {
            return;
        }
        Map<String, Object> external = new HashMap<>();
        external.put("spring.artemis.mode", "native");
        external.put("spring.artemis.broker-url", url);
        String user = environment.getProperty("ORDERHUB_BROKER_USER");
        if (user != null) {
            external.put("spring.artemis.user", user);
            external.put("spring.artemis.password", environment.getProperty("ORDERHUB_BROKER_PASSWORD", ""));
        }
        environment.getPropertySources().addFirst(new MapPropertySource("orderhub-external-broker", external));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}

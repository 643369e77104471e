package dev.orderhub.demo;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import dev.orderhub.connector.ConnectorFolders;
import dev.orderhub.connector.Sandbox;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code orderhub.demo.enabled=true}: moves the hub to the demo's own data directory
 * ({@code orderhub.demo.data-dir}, default {@code ./data-demo}, never the real one), starts the
 * sandbox of every installed connector (found with {@link ServiceLoader}) and configures one demo
 * channel per sandbox ({@code <connector>-demo}, served by location main) with the properties the
 * sandbox answered. Refused with the {@code postgres} profile: demo orders never go into a real
 * database. Does nothing when the demo is off.
 */
public class DemoEnvironment implements EnvironmentPostProcessor {

    static final String ENABLED = "orderhub.demo.enabled";
    static final List<String> DEFAULT_SKUS = List.of("DEMO-MUG", "DEMO-TEE-M", "DEMO-CAP", "DEMO-SOCKS", "DEMO-BOTTLE");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty(ENABLED, Boolean.class, false) || environment.containsProperty("orderhub.command")) {
            return;
        }
        if (Arrays.asList(environment.getActiveProfiles()).contains("postgres")) {
            throw new IllegalStateException(ENABLED + "=true runs only on the zero-setup default (H2 and the embedded broker "
                    + "under " + environment.getProperty("orderhub.demo.data-dir", "./data-demo") + "), not with the postgres "
                    + "profile: demo orders must never mix with real ones");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("orderhub.data-dir", environment.getProperty("orderhub.demo.data-dir", "./data-demo"));
        List<String> skus = skus(environment);
        // Where the sandboxes that push (webhooks, a shop posting its orders) reach the hub: this machine, its port.
        URI hub = URI.create(environment.getProperty("orderhub.demo.hub-url",
                "http://127.0.0.1:" + environment.getProperty("server.port", "8080")));
        // The installed connectors by folder name, with the title their manifest gives them.
        Map<String, String> installed = ConnectorFolders.under(Path.of(environment.getProperty("orderhub.connectors-dir", "connectors")))
                .stream().collect(Collectors.toMap(folder -> folder.getFileName().toString(),
                        folder -> ConnectorManifests.read(folder.resolve(ConnectorFolders.MANIFEST)).title()));
        List<DemoSandboxes.Running> running = new ArrayList<>();
        for (Sandbox sandbox : ServiceLoader.load(Sandbox.class, DemoEnvironment.class.getClassLoader())) {
            if (!installed.containsKey(sandbox.connector())) {
                continue; // its folder was deleted: the hub has no such connector
            }
            String channel = sandbox.connector() + "-demo";
            Map<String, String> connectorProperties = sandbox.start(channel, skus, hub);
            String prefix = "orderhub.channels." + channel + ".";
            properties.put(prefix + "name", installed.get(sandbox.connector()) + " (demo sandbox)");
            properties.put(prefix + "locations[0]", "main");
            properties.put(prefix + "connector.name", sandbox.connector());
            connectorProperties.forEach((key, value) -> properties.put(prefix + "connector.properties." + key, value));
            running.add(new DemoSandboxes.Running(channel, sandbox));
        }
        // The demo's timers: orders read and tracking sent back within seconds.
        properties.putIfAbsent("orderhub.orders-in.poll-interval-ms", environment.getProperty("orderhub.demo.poll-interval-ms", "3000"));
        properties.putIfAbsent("orderhub.shipment-confirm.interval-ms", "2000");
        properties.putIfAbsent("orderhub.cancel-out.interval-ms", "2000");
        properties.putIfAbsent("orderhub.listings.interval-ms", "60000");
        environment.getPropertySources().addFirst(new MapPropertySource("orderhub-demo", properties));
        DemoSandboxes sandboxes = new DemoSandboxes(running, skus);
        application.addInitializers(context -> context.getBeanFactory().registerSingleton("demoSandboxes", sandboxes));
    }

    static List<String> skus(ConfigurableEnvironment environment) {
        String configured = environment.getProperty("orderhub.demo.skus");
        return configured == null || configured.isBlank() ? DEFAULT_SKUS
                : Arrays.stream(configured.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}

package dev.orderhub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Lays the test settings (orderhub-test.yaml) over the hub's configuration and gives every
 * test application context its own data directory (H2 file, Artemis journal)
 * and, under the postgres profile, its own schema in PostgreSQL database {@code test},
 * dropped when the context closes. Cached contexts therefore never share state.
 */
public class TestIsolation implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** PostgreSQL for tests: 127.0.0.1:5432, database test, user postgres, no password (override with env). */
    public static final String PG_URL = System.getenv().getOrDefault("ORDERHUB_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = System.getenv().getOrDefault("ORDERHUB_TEST_PG_USER", "postgres");
    public static final String PG_PASSWORD = System.getenv().getOrDefault("ORDERHUB_TEST_PG_PASSWORD", "");

    /** Property sources of a test class's own settings: they stay above orderhub-test.yaml. */
    private static final java.util.Set<String> TEST_CLASS_SOURCES = java.util.Set.of("Dynamic Test Properties",
            "Inlined Test Properties");

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (environment.containsProperty("orderhub.command")) {
            return; // a command-line call (keys ...) run by a test: it uses the settings the test gives it
        }
        String runId = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Map<String, Object> properties = new HashMap<>();
        properties.put("orderhub.test-run-id", runId);
        if (Arrays.asList(environment.getActiveProfiles()).contains("postgres")) {
            String schema = "t_" + runId;
            properties.put("spring.datasource.url", PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            properties.put("spring.datasource.username", PG_USER);
            properties.put("spring.datasource.password", PG_PASSWORD);
            properties.put("spring.flyway.schemas", schema);
            // Registered before every other bean, so destroyed after all of them (routes, timers, pool).
            ((DefaultListableBeanFactory) context.getBeanFactory())
                    .registerDisposableBean("orderhubTestSchema", () -> dropSchema(schema));
        }
        try {
            // Over everything but what a test class sets itself (@SpringBootTest properties,
            // @DynamicPropertySource), which wins over these defaults as it does in Spring.
            String anchor = null;
            for (PropertySource<?> source : environment.getPropertySources()) {
                if (TEST_CLASS_SOURCES.contains(source.getName())) {
                    anchor = source.getName();
                }
            }
            for (PropertySource<?> source : new YamlPropertySourceLoader().load("orderhub-test",
                    new ClassPathResource("orderhub-test.yaml"))) {
                if (anchor == null) {
                    environment.getPropertySources().addFirst(source);
                } else {
                    environment.getPropertySources().addAfter(anchor, source);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("orderhub-test.yaml is unreadable", e);
        }
        environment.getPropertySources().addFirst(new MapPropertySource("orderhub-test-isolation", properties));
    }

    private static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
        }
    }
}

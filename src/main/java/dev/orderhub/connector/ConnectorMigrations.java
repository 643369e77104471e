package dev.orderhub.connector;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import dev.orderhub.connector.manifest.ConnectorManifest;
import dev.orderhub.connector.manifest.ConnectorManifests;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Component;

/**
 * Each connector's own tables: the Flyway migrations in {@code connectors/<name>/db/}, applied
 * after the core's, with a history table of their own ({@code flyway_history_<name>}), so a
 * connector's versions never mix with the core's and deleting a connector touches no core
 * migration.
 */
@Component
@DependsOn("flywayInitializer")
public class ConnectorMigrations implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorMigrations.class);

    private final DataSource dataSource;
    private final ConnectorManifests manifests;
    private final String[] schemas;

    public ConnectorMigrations(DataSource dataSource, ConnectorManifests manifests,
                               @Value("${spring.flyway.schemas:}") String[] schemas) {
        this.dataSource = dataSource;
        this.manifests = manifests;
        this.schemas = schemas;
    }

    @Override
    public void afterPropertiesSet() {
        java.util.List<String> applied = new java.util.ArrayList<>();
        for (ConnectorManifest manifest : manifests.all()) {
            Path migrations = manifest.folder().resolve("db");
            if (!Files.isDirectory(migrations)) {
                continue;
            }
            String name = manifest.name();
            var result = Flyway.configure()
                    .dataSource(dataSource)
                    .schemas(schemas)
                    .createSchemas(false)
                    .locations("filesystem:" + migrations.toAbsolutePath())
                    .table(historyTable(name))
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                applied.add(name + " " + result.migrationsExecuted);
            }
        }
        if (!applied.isEmpty()) {
            // One line for all of them: start-up stays brief however many connectors are installed.
            LOG.info("connector migrations applied: {}", String.join(", ", applied));
        }
    }

    static String historyTable(String connector) {
        return "flyway_history_" + connector.replace('-', '_');
    }
}

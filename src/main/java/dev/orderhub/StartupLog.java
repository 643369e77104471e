package dev.orderhub;

import java.util.stream.Collectors;

import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One INFO line per start-up phase (docs/privacy-and-logs.md): the database, the broker and
 * the routes each say in one line what started, where Flyway, Artemis and Camel say it in
 * five to twenty (config/application.yaml sets them to WARN and Camel's summary to one line).
 */
@Configuration(proxyBeanMethods = false)
public class StartupLog {

    private static final Logger LOG = LoggerFactory.getLogger(StartupLog.class);

    /** Flyway migrates as Spring Boot would, and the result is one line. */
    @Bean
    FlywayMigrationStrategy oneLineMigration() {
        return flyway -> {
            MigrateResult result = flyway.migrate();
            LOG.info("database: schema at version {} ({} migrations applied now; {})", result.targetSchemaVersion != null
                    ? result.targetSchemaVersion : flyway.info().current() == null ? "none" : flyway.info().current().getVersion(),
                    result.migrationsExecuted, result.database);
        };
    }

    /** The embedded broker, once it runs: its version, journal and acceptors. */
    @Bean
    SmartInitializingSingleton brokerStartedLine(ObjectProvider<EmbeddedActiveMQ> embedded) {
        return () -> embedded.ifAvailable(broker -> {
            ActiveMQServer server = broker.getActiveMQServer();
            if (server == null) {
                return;
            }
            // The network acceptors (host:port); the in-VM one is always there.
            String acceptors = server.getConfiguration().getAcceptorConfigurations().stream()
                    .filter(t -> t.getParams().containsKey("port"))
                    .map(t -> t.getParams().get("host") + ":" + t.getParams().get("port"))
                    .collect(Collectors.joining(", "));
            LOG.info("broker: embedded Artemis {} {}, journal {}, acceptors: {}", server.getVersion().getFullVersion(),
                    server.isActive() ? "active" : "starting", server.getConfiguration().getJournalLocation(),
                    acceptors.isEmpty() ? "in-VM only" : acceptors);
        });
    }

    /** Every route that started, by id, in one line (PackagedHubIT reads it). */
    @Bean
    CamelContextConfiguration routesStartedLine() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                // nothing before the start
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                LOG.info("routes: {} started: {}", camel.getRoutes().size(),
                        camel.getRoutes().stream().map(Route::getRouteId).collect(Collectors.joining(", ")));
            }
        };
    }
}
